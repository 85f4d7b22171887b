package session

import (
	"bytes"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/domain"
)

// The life of a session under the injected clock: idle and absolute limits, renewal.

func testIdleExpiry(t *testing.T, f *fixture) {
	s, cookie := f.create(t, "u1", false)
	f.clock.Add(30*time.Minute - time.Millisecond)
	f.alive(t, s, cookie)
	f.clock.Add(time.Millisecond)
	f.gone(t, s, cookie)
	if ok, err := f.m.Touch(t.Context(), s); ok || domain.ErrorCode(err) != domain.CodeSessionExpired {
		t.Fatalf("Touch of an idle-expired session = %v, %v; want false, session_expired", ok, err)
	}
}

func testAbsoluteExpiry(t *testing.T, f *fixture) {
	s, cookie := f.create(t, "u1", false)
	absolute := s.AbsoluteExp
	// Activity every 20 minutes keeps it alive up to, never past, 12 hours.
	for f.clock.Now().Add(20 * time.Minute).Before(absolute) {
		f.clock.Add(20 * time.Minute)
		cur := f.alive(t, s, cookie)
		if ok, err := f.m.Touch(t.Context(), cur); !ok || err != nil {
			t.Fatalf("Touch at %v = %v, %v; want a renewal", f.clock.Now(), ok, err)
		}
	}
	f.clock.Add(absolute.Sub(f.clock.Now()) - time.Millisecond)
	cur := f.alive(t, s, cookie)
	f.clock.Add(time.Millisecond)
	f.gone(t, s, cookie)
	if ok, err := f.m.Touch(t.Context(), cur); ok || domain.ErrorCode(err) != domain.CodeSessionExpired {
		t.Fatalf("Touch at the absolute limit = %v, %v; want false, session_expired", ok, err)
	}
}

func testRemember(t *testing.T, f *fixture) {
	ctx := t.Context()
	s, cookie := f.create(t, "u1", true)
	if !s.Remember || s.IdleTTL != 7*24*time.Hour || !s.AbsoluteExp.Equal(s.CreatedAt.Add(30*24*time.Hour)) {
		t.Fatalf("remembered session: idle %v, absolute %v after creation; want 7 days, 30 days",
			s.IdleTTL, s.AbsoluteExp.Sub(s.CreatedAt))
	}
	near(t, "ttl of a remembered session", f.ttl(t, "sess:{"+s.ID+"}"), 7*24*time.Hour)
	if d := f.ttl(t, "usess:{u1}"); d < 30*24*time.Hour-time.Minute {
		t.Fatalf("ttl of the user index = %v, want at least 30 days", d)
	}
	short, shortCookie := f.create(t, "u1", false)

	f.clock.Add(6 * 24 * time.Hour) // a week-end away: the remembered session survives
	f.gone(t, short, shortCookie)
	cur := f.alive(t, s, cookie)
	if ok, err := f.m.Touch(ctx, cur); !ok || err != nil {
		t.Fatalf("Touch = %v, %v", ok, err)
	}
	for range 3 { // active on days 12, 18 and 24: alive until day 30, not a moment after
		f.clock.Add(6 * 24 * time.Hour)
		cur = f.alive(t, s, cookie)
		if _, err := f.m.Touch(ctx, cur); err != nil {
			t.Fatalf("Touch on day %v: %v", f.clock.Now().Sub(s.CreatedAt), err)
		}
	}
	if !cur.ExpiresAt().Equal(s.AbsoluteExp) {
		t.Fatalf("on day 24 the session expires at %v, want its absolute limit %v", cur.ExpiresAt(), s.AbsoluteExp)
	}
	f.clock.Add(s.AbsoluteExp.Sub(f.clock.Now()) - time.Millisecond)
	f.alive(t, s, cookie)
	f.clock.Add(time.Millisecond)
	f.gone(t, s, cookie)

	// Without activity a remembered session ends after 7 days idle.
	idle, idleCookie := f.create(t, "u2", true)
	f.clock.Add(7*24*time.Hour - time.Second)
	f.alive(t, idle, idleCookie)
	f.clock.Add(time.Second)
	f.gone(t, idle, idleCookie)
}

func testTouchThrottled(t *testing.T, f *fixture) {
	ctx := t.Context()
	s, cookie := f.create(t, "u1", false)
	key := "sess:{" + s.ID + "}"
	before, _ := f.kv.Get(ctx, key)

	f.clock.Add(59 * time.Second)
	cur := f.alive(t, s, cookie)
	if ok, err := f.m.Touch(ctx, cur); ok || err != nil {
		t.Fatalf("Touch 59s after sign-in = %v, %v; want false, nil", ok, err)
	}
	if after, _ := f.kv.Get(ctx, key); !bytes.Equal(before, after) || !cur.LastSeen.Equal(s.LastSeen) {
		t.Fatalf("a throttled Touch changed the session")
	}

	f.clock.Add(time.Second)
	now := f.clock.Now()
	if ok, err := f.m.Touch(ctx, cur); !ok || err != nil {
		t.Fatalf("Touch a minute after sign-in = %v, %v; want true, nil", ok, err)
	}
	if !cur.LastSeen.Equal(now) || !cur.ExpiresAt().Equal(now.Add(30*time.Minute)) {
		t.Fatalf("after Touch: last seen %v, expires %v; want now and now + 30m", cur.LastSeen, cur.ExpiresAt())
	}
	if got := f.alive(t, s, cookie); !equalSession(got, cur) {
		t.Fatalf("stored after Touch: %+v\nwant %+v", got, cur)
	}
	near(t, "ttl after Touch", f.ttl(t, key), 30*time.Minute)

	// A stale copy (read before the renewal) finds the session renewed and writes nothing.
	stale := *s
	f.clock.Add(30 * time.Second)
	if ok, err := f.m.Touch(ctx, &stale); ok || err != nil || !stale.LastSeen.Equal(now) {
		t.Fatalf("Touch of a stale copy = %v, %v, last seen %v; want false, nil, %v", ok, err, stale.LastSeen, now)
	}

	// Without throttling every Touch writes.
	f.m.Policy.TouchEvery = 0
	f.clock.Add(time.Millisecond)
	if ok, err := f.m.Touch(ctx, cur); !ok || err != nil {
		t.Fatalf("Touch with TouchEvery 0 = %v, %v; want true", ok, err)
	}
}

func testTouchAbsolute(t *testing.T, f *fixture) {
	ctx := t.Context()
	s, cookie := f.create(t, "u1", false)
	key := "sess:{" + s.ID + "}"
	// 11h50m: idle renewal would reach 12h20m; the absolute limit holds at 12h.
	for f.clock.Now().Before(s.CreatedAt.Add(11*time.Hour + 50*time.Minute)) {
		f.clock.Add(10 * time.Minute)
		cur := f.alive(t, s, cookie)
		if _, err := f.m.Touch(ctx, cur); err != nil {
			t.Fatal(err)
		}
		if cur.ExpiresAt().After(s.AbsoluteExp) {
			t.Fatalf("Touch at %v extended the session to %v, past its absolute limit %v",
				f.clock.Now(), cur.ExpiresAt(), s.AbsoluteExp)
		}
		if d, left := f.ttl(t, key), s.AbsoluteExp.Sub(f.clock.Now()); d > left {
			t.Fatalf("ttl %v at %v outlives the absolute limit (%v left)", d, f.clock.Now(), left)
		}
	}
	cur := f.alive(t, s, cookie)
	if !cur.ExpiresAt().Equal(s.AbsoluteExp) {
		t.Fatalf("10 minutes before the absolute limit the session expires at %v, want %v", cur.ExpiresAt(), s.AbsoluteExp)
	}
	near(t, "ttl 10 minutes before the absolute limit", f.ttl(t, key), 10*time.Minute)
}

func testTouchAfterEnd(t *testing.T, f *fixture) {
	ctx := t.Context()
	s, cookie := f.create(t, "u1", false)
	cur := f.alive(t, s, cookie)
	if err := f.m.End(ctx, s.ID, "logout"); err != nil {
		t.Fatal(err)
	}
	f.clock.Add(5 * time.Minute)
	if ok, err := f.m.Touch(ctx, cur); ok || domain.ErrorCode(err) != domain.CodeSessionExpired {
		t.Fatalf("Touch after End = %v, %v; want false, session_expired", ok, err)
	}
	if _, err := f.kv.Get(ctx, "sess:{"+s.ID+"}"); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("the session key after End and Touch: %v, want it absent", err)
	}
	f.gone(t, s, cookie)
	if err := f.m.Join(ctx, s.ID, "crm"); domain.ErrorCode(err) != domain.CodeSessionExpired {
		t.Fatalf("Join after End: %v, want session_expired", err)
	}
	if _, err := f.kv.Get(ctx, "sess:{"+s.ID+"}"); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("the session key after End and Join: %v, want it absent", err)
	}
}

func testTouchKeepsJoins(t *testing.T, f *fixture) {
	ctx := t.Context()
	s, cookie := f.create(t, "u1", false)
	cur := f.alive(t, s, cookie) // read before the join: stale afterwards
	if err := f.m.Join(ctx, s.ID, "crm"); err != nil {
		t.Fatal(err)
	}
	f.clock.Add(2 * time.Minute)
	if ok, err := f.m.Touch(ctx, cur); !ok || err != nil {
		t.Fatalf("Touch of a copy read before a Join = %v, %v; want true", ok, err)
	}
	got := f.alive(t, s, cookie)
	if !slices.Equal(got.Systems, []string{"crm"}) || !slices.Equal(cur.Systems, []string{"crm"}) {
		t.Fatalf("after Touch the stored systems are %v (the copy's %v); want the join kept", got.Systems, cur.Systems)
	}
	if !got.LastSeen.Equal(f.clock.Now()) {
		t.Fatalf("last seen %v, want %v", got.LastSeen, f.clock.Now())
	}
}
