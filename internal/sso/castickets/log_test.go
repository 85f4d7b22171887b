package castickets

import (
	"context"
	"encoding/json"
	"reflect"
	"sort"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/session"
	"github.com/gatehouse/gatehouse/internal/slo"
	"github.com/gatehouse/gatehouse/internal/store"
	"github.com/gatehouse/gatehouse/internal/store/kv/memkv"
	"github.com/gatehouse/gatehouse/internal/testenv"
)

// systemMap is a fake directory of systems.
type systemMap map[string]*domain.System

func (m systemMap) SystemByID(_ context.Context, id string) (*domain.System, error) {
	if s, ok := m[id]; ok {
		return s, nil
	}
	return nil, domain.ErrNotFound
}

func newLog(t *testing.T, clock *testenv.Clock, systems systemMap) *Log {
	kv := memkv.New(memkv.Options{Now: clock.Now})
	t.Cleanup(func() { kv.Close() })
	return &Log{KV: kv, Systems: systems, Now: clock.Now, Logout: &slo.Service{Queue: kv, Now: clock.Now}}
}

// queued takes every notice off the single-logout queue of system.
func queued(t *testing.T, kv store.Queue, system string) []slo.Notice {
	t.Helper()
	var out []slo.Notice
	for {
		msg, err := kv.Dequeue(t.Context(), slo.QueueName(system), time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if msg == nil {
			return out
		}
		var n slo.Notice
		if err := json.Unmarshal(msg.Body, &n); err != nil {
			t.Fatal(err)
		}
		out = append(out, n)
	}
}

// Ending a session queues one CAS notice per ticket of a system that is allowed CAS and has a
// logout URL, and forgets the tickets.
func TestTicketLogQueuesOneNoticePerTicket(t *testing.T) {
	ctx := t.Context()
	clock := testenv.NewClock(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	log := newLog(t, clock, systemMap{
		"app":    {ID: "app", LogoutURL: "https://app.example.test/logout", Protocols: []string{domain.ProtocolCAS}},
		"both":   {ID: "both", LogoutURL: "https://both.example.test/logout"}, // no list: every protocol
		"nourl":  {ID: "nourl"},
		"ssoapp": {ID: "ssoapp", LogoutURL: "https://sso.example.test/logout", Protocols: []string{domain.ProtocolSSO}},
	})
	sess := &session.Session{ID: "s1", UserID: "u1", Username: "jack", CreatedAt: clock.Now(),
		LastSeen: clock.Now(), IdleTTL: time.Hour, AbsoluteExp: clock.Now().Add(8 * time.Hour)}
	for _, r := range [][2]string{{"app", "ST-a"}, {"app", "ST-b"}, {"both", "ST-c"}, {"nourl", "ST-d"}, {"ssoapp", "ST-e"}, {"gone", "ST-f"}} {
		if err := log.Record(ctx, sess, r[0], r[1]); err != nil {
			t.Fatal(err)
		}
	}
	if err := log.OnEnd(ctx, sess, "logout"); err != nil {
		t.Fatal(err)
	}
	kv := log.KV.(store.Queue)
	got := map[string][]string{}
	jtis := map[string]bool{}
	for _, sys := range []string{"app", "both", "nourl", "ssoapp", "gone"} {
		for _, n := range queued(t, kv, sys) {
			if n.Kind != slo.KindCAS || n.SID != "s1" || n.Subject != "u1" || n.NameID != "jack" ||
				n.System != sys || n.Reason != "logout" || !n.EndedAt.Equal(clock.Now()) || n.JTI == "" || jtis[n.JTI] {
				t.Errorf("notice %+v", n)
			}
			jtis[n.JTI] = true
			got[sys] = append(got[sys], n.SessionIndex)
		}
	}
	for _, l := range got {
		sort.Strings(l)
	}
	if want := map[string][]string{"app": {"ST-a", "ST-b"}, "both": {"ST-c"}}; !reflect.DeepEqual(got, want) {
		t.Errorf("queued %v, want %v (the SSO-only system, the one without a URL and the deleted one are not told)", got, want)
	}
	if m, err := log.KV.SetMembers(ctx, ticketsKey("s1")); err != nil || len(m) != 0 {
		t.Errorf("the record outlived the session: %v %v", m, err)
	}
	// A second end (another node, a retry) finds nothing to tell.
	if err := log.OnEnd(ctx, sess, "logout"); err != nil {
		t.Fatal(err)
	}
	if n := queued(t, kv, "app"); len(n) != 0 {
		t.Errorf("an ended session was told twice: %+v", n)
	}
}

// A notice that cannot be queued is logged and never fails the logout.
func TestTicketLogQueueFailureNeverFailsTheLogout(t *testing.T) {
	ctx := t.Context()
	clock := testenv.NewClock(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	log := newLog(t, clock, systemMap{
		"app": {ID: "app", LogoutURL: "https://app.example.test/logout", Protocols: []string{domain.ProtocolCAS}},
	})
	broken := memkv.New(memkv.Options{})
	broken.Close()
	log.Logout = &slo.Service{Queue: broken}
	sess := &session.Session{ID: "s1", UserID: "u1", Username: "jack", CreatedAt: clock.Now(),
		LastSeen: clock.Now(), IdleTTL: time.Hour, AbsoluteExp: clock.Now().Add(8 * time.Hour)}
	if err := log.Record(ctx, sess, "app", "ST-a"); err != nil {
		t.Fatal(err)
	}
	if err := log.OnEnd(ctx, sess, "logout"); err != nil {
		t.Fatalf("OnEnd: %v", err)
	}
}

func TestTicketLogFreshness(t *testing.T) {
	ctx := context.Background()
	clock := testenv.NewClock(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	log := newLog(t, clock, systemMap{})
	sess := &session.Session{ID: "s1", Username: "jack", CreatedAt: clock.Now(), LastSeen: clock.Now(),
		IdleTTL: time.Hour, AbsoluteExp: clock.Now().Add(time.Hour)}
	clock.Add(DefaultFreshWindow)
	if err := log.Record(ctx, sess, "app", "ST-new"); err != nil {
		t.Fatal(err)
	}
	clock.Add(time.Second)
	if err := log.Record(ctx, sess, "app", "ST-sso"); err != nil {
		t.Fatal(err)
	}
	for tk, want := range map[string]bool{"ST-new": true, "ST-sso": false} {
		if got, err := log.TakeFresh(ctx, "s1", tk); err != nil || got != want {
			t.Errorf("%s fresh = %v %v, want %v", tk, got, err, want)
		}
	}
	if got, _ := log.TakeFresh(ctx, "s1", "ST-new"); got {
		t.Error("freshness was told twice")
	}
	// The record expires with the session's absolute limit, which no renewal passes.
	if ttl, err := log.KV.TTL(ctx, ticketsKey("s1")); err != nil || ttl > time.Hour-DefaultFreshWindow {
		t.Errorf("record TTL %v %v", ttl, err)
	}
}
