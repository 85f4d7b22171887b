package session

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/domain"
)

// Ending sessions, listing them, and the systems they join.

func testEndHooks(t *testing.T, f *fixture) {
	ctx := t.Context()
	s, cookie := f.create(t, "u1", false)
	var second []string
	f.m.OnEnd = append(f.m.OnEnd, func(_ context.Context, got *Session, reason string) error {
		second = append(second, got.UserID+" "+reason)
		return nil
	})
	if err := f.m.End(ctx, s.ID, "logout"); err != nil {
		t.Fatalf("End: %v", err)
	}
	if got := f.ended.get(); !slices.Equal(got, []string{s.ID + " logout"}) || !slices.Equal(second, []string{"u1 logout"}) {
		t.Fatalf("hooks saw %v and %v; want each called once with the session and the reason", got, second)
	}
	f.gone(t, s, cookie)
	if members, _ := f.kv.SetMembers(ctx, "usess:{u1}"); len(members) != 0 {
		t.Fatalf("the user index after End: %v, want empty", members)
	}
	if err := f.m.End(ctx, s.ID, "logout"); err != nil {
		t.Fatalf("End again: %v, want nil", err)
	}
	if got := f.ended.get(); len(got) != 1 || len(second) != 1 {
		t.Fatalf("ending an ended session ran hooks again: %v, %v", got, second)
	}
}

func testEndHookErrors(t *testing.T, f *fixture) {
	s, _ := f.create(t, "u1", false)
	first := domain.Errorf(domain.CodeUnavailable, "refresh store down")
	second := errors.New("queue full")
	var ran []int
	f.m.OnEnd = []func(context.Context, *Session, string) error{
		func(context.Context, *Session, string) error { ran = append(ran, 1); return first },
		func(context.Context, *Session, string) error { ran = append(ran, 2); return second },
		func(context.Context, *Session, string) error { ran = append(ran, 3); return nil },
	}
	err := f.m.End(t.Context(), s.ID, "logout")
	var de *domain.Error
	if !errors.As(err, &de) || de.Code != domain.CodeUnavailable || !errors.Is(err, first) || !errors.Is(err, second) {
		t.Fatalf("End with failing hooks: %v; want an *domain.Error of the first code wrapping both", err)
	}
	if !slices.Equal(ran, []int{1, 2, 3}) {
		t.Fatalf("hooks ran %v, want all three in order", ran)
	}
	if _, err := f.m.Get(t.Context(), s.ID); domain.ErrorCode(err) != domain.CodeSessionExpired {
		t.Fatalf("the session after End with failing hooks: %v, want ended", err)
	}

	// One failing hook: its own error, or an *domain.Error around a plain one.
	s2, _ := f.create(t, "u1", false)
	f.m.OnEnd = f.m.OnEnd[1:2]
	err = f.m.End(t.Context(), s2.ID, "logout")
	if !errors.As(err, &de) || de.Code != domain.CodeInternal || !errors.Is(err, second) {
		t.Fatalf("End with one plain hook error: %v; want internal wrapping it", err)
	}
}

func testEndConcurrent(t *testing.T, f *fixture) {
	s, _ := f.create(t, "u1", false)
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			if err := f.m.End(context.Background(), s.ID, "logout"); err != nil {
				t.Errorf("End: %v", err)
			}
		})
	}
	wg.Wait()
	if got := f.ended.get(); len(got) != 1 {
		t.Fatalf("20 concurrent Ends ran the hooks %d times, want once", len(got))
	}
}

func testEndUser(t *testing.T, f *fixture) {
	ctx := t.Context()
	current, currentCookie := f.create(t, "u1", false)
	var others []*Session
	for range 3 {
		s, _ := f.create(t, "u1", false)
		others = append(others, s)
	}
	bystander, bystanderCookie := f.create(t, "u2", false)

	n, err := f.m.EndUser(ctx, "u1", current.ID, "password_changed")
	if err != nil || n != 3 {
		t.Fatalf("EndUser except the current = %d, %v; want 3", n, err)
	}
	f.alive(t, current, currentCookie)
	f.alive(t, bystander, bystanderCookie)
	var want []string
	for _, s := range others {
		if _, err := f.m.Get(ctx, s.ID); domain.ErrorCode(err) != domain.CodeSessionExpired {
			t.Fatalf("another session of the user: %v, want ended", err)
		}
		want = append(want, s.ID+" password_changed")
	}
	if got := f.ended.get(); !sameSet(got, want) {
		t.Fatalf("hooks saw %v, want %v", got, want)
	}
	list, err := f.m.List(ctx, "u1")
	if err != nil || len(list) != 1 || list[0].ID != current.ID {
		t.Fatalf("List after EndUser = %v, %v; want the current session alone", list, err)
	}

	if n, err := f.m.EndUser(ctx, "u1", "", "disabled"); err != nil || n != 1 {
		t.Fatalf("EndUser of all = %d, %v; want 1", n, err)
	}
	f.gone(t, current, currentCookie)
	if n, err := f.m.EndUser(ctx, "u1", "", "disabled"); err != nil || n != 0 {
		t.Fatalf("EndUser of a user without sessions = %d, %v; want 0, nil", n, err)
	}
	if n, err := f.m.EndUser(ctx, "nobody", "", "disabled"); err != nil || n != 0 {
		t.Fatalf("EndUser of an unknown user = %d, %v; want 0, nil", n, err)
	}

	// An expired session is not counted and runs no hook (as if the store had dropped it,
	// which memkv, following this clock, has done; Redis, on its own clock, has not), and its
	// index entry is pruned.
	f.create(t, "u3", false)
	f.clock.Add(31 * time.Minute)
	fresh, _ := f.create(t, "u3", false)
	before := len(f.ended.get())
	if n, err := f.m.EndUser(ctx, "u3", "", "disabled"); err != nil || n != 1 {
		t.Fatalf("EndUser with one expired session = %d, %v; want 1", n, err)
	}
	if got := f.ended.get()[before:]; !slices.Equal(got, []string{fresh.ID + " disabled"}) {
		t.Fatalf("hooks saw %v, want the live session alone", got)
	}
	if members, _ := f.kv.SetMembers(ctx, "usess:{u3}"); len(members) != 0 {
		t.Fatalf("the index after EndUser: %v, want empty", members)
	}
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	sort.Strings(a)
	sort.Strings(b)
	return slices.Equal(a, b)
}

func testList(t *testing.T, f *fixture) {
	ctx := t.Context()
	first, _ := f.create(t, "u1", false) // expires by the clock below
	f.clock.Add(20 * time.Minute)
	second, _ := f.create(t, "u1", false) // its key vanishes below
	f.clock.Add(time.Minute)
	third, _ := f.create(t, "u1", true)
	f.clock.Add(time.Minute)
	fourth, _ := f.create(t, "u1", false)
	f.create(t, "u2", false)
	if err := f.kv.Delete(ctx, "sess:{"+second.ID+"}"); err != nil { // as if the store expired it
		t.Fatal(err)
	}
	f.clock.Add(9 * time.Minute) // the first is 31 minutes idle

	list, err := f.m.List(ctx, "u1")
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, s := range list {
		ids = append(ids, s.ID)
	}
	if !slices.Equal(ids, []string{fourth.ID, third.ID}) {
		t.Fatalf("List = %v, want newest first [%s %s]", ids, fourth.ID, third.ID)
	}
	members, _ := f.kv.SetMembers(ctx, "usess:{u1}")
	if !sameSet(members, []string{third.ID, fourth.ID}) {
		t.Fatalf("index after List = %v, want %s and %s; %s and %s pruned", members, third.ID, fourth.ID, first.ID, second.ID)
	}
	if list, err := f.m.List(ctx, "nobody"); err != nil || len(list) != 0 {
		t.Fatalf("List of a user without sessions = %v, %v; want empty", list, err)
	}
	if len(f.ended.get()) != 0 {
		t.Fatalf("List ran end hooks: %v", f.ended.get())
	}
}

func testJoin(t *testing.T, f *fixture) {
	ctx := t.Context()
	s, cookie := f.create(t, "u1", false)
	for _, sys := range []string{"crm", "billing", "crm", "wiki"} {
		if err := f.m.Join(ctx, s.ID, sys); err != nil {
			t.Fatalf("Join(%s): %v", sys, err)
		}
	}
	got := f.alive(t, s, cookie)
	if !slices.Equal(got.Systems, []string{"billing", "crm", "wiki"}) {
		t.Fatalf("Systems = %v, want sorted and unique", got.Systems)
	}
	if !got.LastSeen.Equal(s.LastSeen) || !got.ExpiresAt().Equal(s.ExpiresAt()) {
		t.Fatalf("Join changed the session's life: %v, %v", got.LastSeen, got.ExpiresAt())
	}
	near(t, "ttl after Join", f.ttl(t, "sess:{"+s.ID+"}"), 30*time.Minute)
	for _, bad := range []string{"", "CRM", "a b", "x}y"} {
		if err := f.m.Join(ctx, s.ID, bad); domain.ErrorCode(err) != domain.CodeInvalidInput {
			t.Fatalf("Join(%q): %v, want invalid_input", bad, err)
		}
	}
	f.clock.Add(30 * time.Minute)
	if err := f.m.Join(ctx, s.ID, "mail"); domain.ErrorCode(err) != domain.CodeSessionExpired {
		t.Fatalf("Join of an expired session: %v, want session_expired", err)
	}
}

func testJoinConcurrent(t *testing.T, f *fixture) {
	s, cookie := f.create(t, "u1", false)
	var want []string
	var wg sync.WaitGroup
	for i := range 50 {
		sys := fmt.Sprintf("sys-%02d", i)
		want = append(want, sys)
		wg.Go(func() {
			if err := f.m.Join(context.Background(), s.ID, sys); err != nil {
				t.Errorf("Join(%s): %v", sys, err)
			}
		})
	}
	wg.Wait()
	if got := f.alive(t, s, cookie); !slices.Equal(got.Systems, want) {
		t.Fatalf("after 50 concurrent joins Systems = %v (%d), want all 50", got.Systems, len(got.Systems))
	}
}
