package session

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/store/kv/memkv"
)

// memBackend is the in-process store, following the test's clock.
func memBackend(t testing.TB, now func() time.Time) KV {
	s := memkv.New(memkv.Options{Now: now})
	t.Cleanup(func() { s.Close() })
	return s
}

func TestMemKV(t *testing.T) { runSuite(t, memBackend) }

func TestMemKVRealExpiry(t *testing.T) { testRealExpiry(t, memBackend) }

// testRealExpiry runs the manager on the real clock with short limits and checks that the
// store itself drops the session: the ttls written are real. It waits only for things that
// must have happened after a time, never for things that must happen before one.
func testRealExpiry(t *testing.T, newKV backend) {
	kv := newKV(t, time.Now)
	m := &Manager{KV: kv, Policy: Policy{
		IdleTTL: 150 * time.Millisecond, AbsoluteTTL: time.Hour,
		RememberIdleTTL: time.Hour, RememberAbsoluteTTL: time.Hour,
	}}
	s, cookie, err := m.Create(t.Context(), NewSession{UserID: "u1"})
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	if _, err := kv.Get(t.Context(), sessionKey(s.ID)); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("the store still holds the session 300ms after its 150ms idle limit: %v", err)
	}
	_, err = m.Authenticate(t.Context(), cookie)
	wantEnded(t, "Authenticate after expiry", err)
	if list, err := m.List(t.Context(), "u1"); err != nil || len(list) != 0 {
		t.Fatalf("List after expiry = %v, %v; want empty", list, err)
	}
}

// TestStoreErrorsPassThrough: a store that fails makes every call fail with the store's code.
func TestStoreErrorsPassThrough(t *testing.T) {
	kv := memkv.New(memkv.Options{})
	m := &Manager{KV: kv, Policy: DefaultPolicy()}
	s, cookie, err := m.Create(t.Context(), NewSession{UserID: "u1"})
	if err != nil {
		t.Fatal(err)
	}
	kv.Close()
	ctx := t.Context()
	_, _, err = m.Create(ctx, NewSession{UserID: "u1"})
	check := func(what string, err error) {
		t.Helper()
		if domain.ErrorCode(err) != domain.CodeUnavailable {
			t.Fatalf("%s on a closed store: %v, want unavailable", what, err)
		}
	}
	check("Create", err)
	_, err = m.Authenticate(ctx, cookie)
	check("Authenticate", err)
	_, err = m.Get(ctx, s.ID)
	check("Get", err)
	s.LastSeen = s.LastSeen.Add(-time.Hour / 4)
	_, err = m.Touch(ctx, s)
	check("Touch", err)
	check("End", m.End(ctx, s.ID, "logout"))
	_, err = m.EndUser(ctx, "u1", "", "disabled")
	check("EndUser", err)
	_, err = m.List(ctx, "u1")
	check("List", err)
	check("Join", m.Join(ctx, s.ID, "crm"))
}

// TestEndOutlivesCancel: once the session is deleted, the hooks run with a context that is not
// cancelled, so a client that hangs up cannot leave half a logout.
func TestEndOutlivesCancel(t *testing.T) {
	kv := memBackend(t, time.Now)
	var hookErr error
	m := &Manager{KV: kv, Policy: DefaultPolicy(), OnEnd: []func(context.Context, *Session, string) error{
		func(ctx context.Context, _ *Session, _ string) error { hookErr = ctx.Err(); return nil },
	}}
	s, _, err := m.Create(t.Context(), NewSession{UserID: "u1"})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	hooked := &cancelOnGetDel{KV: kv, cancel: cancel}
	m.KV = hooked
	if err := m.End(ctx, s.ID, "logout"); err != nil || hookErr != nil {
		t.Fatalf("End with a context cancelled after the delete: %v, hook saw %v; want both nil", err, hookErr)
	}
}

// cancelOnGetDel cancels a context right after GetDel: the moment a client might hang up.
type cancelOnGetDel struct {
	KV
	cancel context.CancelFunc
}

func (c *cancelOnGetDel) GetDel(ctx context.Context, key string) ([]byte, error) {
	v, err := c.KV.GetDel(ctx, key)
	c.cancel()
	return v, err
}

func TestPolicyDefaults(t *testing.T) {
	p := DefaultPolicy()
	if p.IdleTTL != 30*time.Minute || p.AbsoluteTTL != 12*time.Hour || p.RememberIdleTTL != 7*24*time.Hour ||
		p.RememberAbsoluteTTL != 30*24*time.Hour || p.TouchEvery != time.Minute {
		t.Fatalf("DefaultPolicy = %+v", p)
	}
	for _, bad := range []Policy{{}, {IdleTTL: time.Hour, AbsoluteTTL: time.Minute}, {IdleTTL: time.Minute, AbsoluteTTL: time.Hour, TouchEvery: -1}} {
		if _, _, err := bad.limits(false); domain.ErrorCode(err) != domain.CodeInternal {
			t.Fatalf("limits of %+v: %v, want internal", bad, err)
		}
	}
}

func TestExpiresAt(t *testing.T) {
	t0 := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		last, abs, want time.Time
	}{
		{t0, t0.Add(time.Hour), t0.Add(30 * time.Minute)},
		{t0.Add(50 * time.Minute), t0.Add(time.Hour), t0.Add(time.Hour)},
		{t0.Add(30 * time.Minute), t0.Add(time.Hour), t0.Add(time.Hour)},
	} {
		s := &Session{LastSeen: c.last, IdleTTL: 30 * time.Minute, AbsoluteExp: c.abs}
		if got := s.ExpiresAt(); !got.Equal(c.want) {
			t.Fatalf("ExpiresAt(last %v, abs %v) = %v, want %v", c.last, c.abs, got, c.want)
		}
	}
}

func TestClip(t *testing.T) {
	for _, c := range []struct {
		in   string
		n    int
		want string
	}{
		{"abc", 5, "abc"}, {"abcdef", 3, "abc"}, {"aé", 2, "a"}, {"aé", 3, "aé"}, {"日本", 4, "日"}, {"日", 2, ""},
	} {
		if got := clip(c.in, c.n); got != c.want {
			t.Fatalf("clip(%q, %d) = %q, want %q", c.in, c.n, got, c.want)
		}
	}
}

// TestRecordSize: the stored form of a long-lived, busy session stays well under 1 KB.
func TestRecordSize(t *testing.T) {
	s := &Session{
		UserID: strings.Repeat("u", 36), Username: strings.Repeat("n", 64), DeviceID: strings.Repeat("d", 26),
		IP: "2001:db8:85a3::8a2e:370:7334", UserAgent: strings.Repeat("a", maxUserAgentLen),
		CreatedAt: time.Now(), LastSeen: time.Now(), IdleTTL: 7 * 24 * time.Hour, AbsoluteExp: time.Now(),
		Remember: true, Systems: []string{"crm", "billing", "wiki", "mail", "hr"}, SecretHash: make([]byte, 32),
	}
	if n := len(encode(s)); n > 700 {
		t.Fatalf("a session with the longest User-Agent and five systems takes %d bytes, want at most 700", n)
	}
}
