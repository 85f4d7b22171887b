package slo

import (
	"context"
	"github.com/gatehouse/gatehouse/internal/domain"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/gatehouse/gatehouse/internal/store/kv/memkv"
)

func forEachBackend(t *testing.T, fn func(t *testing.T, b backend)) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) { fn(t, b) })
	}
}

// A session that joined systems with and without logout URLs, and one since deleted: only the
// first gets a logout token, signed as the JWKS says, naming the session and the user.
func TestDeliversToEveryJoinedSystemWithALogoutURL(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		f := newFixture(t, b, nil)
		crm := newReceiver(t, &f.jwks, "crm")
		f.addSystem("crm", crm.srv.URL+"/logout")
		f.addSystem("wiki", "") // no back-channel logout
		legacy := newReceiver(t, &f.jwks, "legacy")
		if err := f.db.CreateSystem(t.Context(), &domain.System{ID: "legacy", Name: "legacy", LogoutURL: legacy.srv.URL + "/logout",
			Protocols: []string{domain.ProtocolCAS}, CreatedAt: time.Now(), UpdatedAt: time.Now()}); err != nil {
			t.Fatal(err)
		}
		s := f.session("u-1", "crm", "wiki", "ghost", "legacy")
		f.run()
		if err := f.sessions.End(t.Context(), s.ID, "logout"); err != nil {
			t.Fatal(err)
		}
		got := crm.collect(1)[0]
		if got.SessionID != s.ID || got.Subject != "u-1" || got.Audience != "crm" || got.Issuer != issuer ||
			got.Expiry-got.IssuedAt != int64(TokenTTL/time.Second) || len(got.ID) < 22 {
			t.Fatalf("claims %+v", got)
		}
		f.waitOutcome("crm/" + OutcomeDelivered)
		st, err := f.svc.Deliveries(t.Context(), "crm")
		if err != nil || st.Ready+st.Scheduled+st.Dead != 0 {
			t.Fatalf("after delivery: %+v, %v", st, err)
		}
		if st, err := f.kv.Stats(t.Context(), QueueName("wiki")); err != nil || st.Ready+st.Scheduled+st.Dead != 0 {
			t.Fatalf("wiki has no logout URL, yet its queue is %+v, %v", st, err)
		}
		if st, err := f.kv.Stats(t.Context(), QueueName("legacy")); err != nil || st.Ready+st.Scheduled+st.Dead != 0 {
			t.Fatalf("a CAS-only system was queued a logout token: %+v, %v", st, err)
		}
	})
}

// A receiver that is down gets the logout when it is back: every failed attempt is retried with
// backoff, and the token it finally takes carries the jti of the first attempt.
func TestDeliveredAfterTheReceiverComesBack(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		f := newFixture(t, b, nil)
		crm := newReceiver(t, &f.jwks, "crm")
		crm.setStatus(http.StatusServiceUnavailable)
		f.addSystem("crm", crm.srv.URL)
		s := f.session("u-1", "crm")
		f.run()
		if err := f.sessions.End(t.Context(), s.ID, "password_changed"); err != nil {
			t.Fatal(err)
		}
		for range 3 {
			if code := <-crm.hits; code != http.StatusServiceUnavailable {
				t.Fatalf("hit answered %d", code)
			}
			f.waitOutcome("crm/" + OutcomeRetried)
		}
		st, err := f.svc.Deliveries(t.Context(), "crm")
		if err != nil || st.Ready+st.Scheduled != 1 || st.Dead != 0 {
			t.Fatalf("while the receiver is down: %+v, %v", st, err)
		}
		crm.setStatus(http.StatusOK)
		got := crm.collect(1)[0]
		if got.SessionID != s.ID {
			t.Fatalf("sid %q, want %q", got.SessionID, s.ID)
		}
		f.waitDelivered("crm")
		crm.mu.Lock()
		defer crm.mu.Unlock()
		if len(crm.seen) != 1 {
			t.Fatalf("jtis seen: %v", crm.seen)
		}
	})
}

// A receiver whose server is gone (connection refused) counts as down as well.
func TestConnectionRefusedIsRetried(t *testing.T) {
	f := newFixture(t, backends[0], nil)
	gone := newReceiver(t, &f.jwks, "crm")
	gone.srv.Close()
	f.addSystem("crm", gone.srv.URL)
	f.run()
	if err := f.sessions.End(t.Context(), f.session("u-1", "crm").ID, "logout"); err != nil {
		t.Fatal(err)
	}
	f.waitOutcome("crm/" + OutcomeRetried)
	f.waitOutcome("crm/" + OutcomeRetried)
}

// Past RetryFor the notice is dead-lettered with its last error: visible in Deliveries and in
// the metrics.
func TestDeadLetterAfterRetryFor(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		reg := prometheus.NewRegistry()
		f := newFixture(t, b, func(s *Service) {
			s.RetryFor = 150 * time.Millisecond
			s.Metrics = NewMetrics(reg)
		})
		crm := newReceiver(t, &f.jwks, "crm")
		crm.setStatus(http.StatusServiceUnavailable)
		f.addSystem("crm", crm.srv.URL)
		s := f.session("u-1", "crm")
		f.run()
		if err := f.sessions.End(t.Context(), s.ID, "disabled"); err != nil {
			t.Fatal(err)
		}
		retries := 0
		for o := range f.outcomes {
			if o == "crm/"+OutcomeDead {
				break
			}
			if o != "crm/"+OutcomeRetried {
				t.Fatalf("outcome %s", o)
			}
			retries++
		}
		st, err := f.svc.Deliveries(t.Context(), "crm")
		if err != nil {
			t.Fatal(err)
		}
		if st.Dead != 1 || st.Ready+st.Scheduled != 0 || len(st.DeadLetters) != 1 {
			t.Fatalf("status %+v", st)
		}
		dl := st.DeadLetters[0]
		if dl.SID != s.ID || dl.Attempts != retries+1 || !strings.Contains(dl.LastError, "503") || dl.EnqueuedAt.IsZero() {
			t.Fatalf("dead letter %+v after %d retries", dl, retries)
		}
		if n := value(t, f.svc.Metrics.deliveries.WithLabelValues("crm", OutcomeDead)); n != 1 {
			t.Fatalf("dead deliveries counted %v", n)
		}
		if n := value(t, f.svc.Metrics.deliveries.WithLabelValues("crm", OutcomeRetried)); n != float64(retries) {
			t.Fatalf("retried deliveries counted %v, want %d", n, retries)
		}
		f.svc.refreshGauges(t.Context(), f.svc.targets(t.Context()))
		if n := value(t, f.svc.Metrics.queue.WithLabelValues("crm", "dead")); n != 1 {
			t.Fatalf("dead gauge %v", n)
		}
	})
}

// 1,000 sessions joined by 2 systems, ended at once: every system hears of every session,
// once per jti.
func TestThousandSessionsEndedAtOnce(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		f := newFixture(t, b, nil)
		crm, wiki := newReceiver(t, &f.jwks, "crm"), newReceiver(t, &f.jwks, "wiki")
		f.addSystem("crm", crm.srv.URL)
		f.addSystem("wiki", wiki.srv.URL)
		const n = 1000
		want := make(map[string]bool, n)
		sids := make([]string, n)
		for i := range sids {
			sids[i] = f.session("u-1", "crm", "wiki").ID
			want[sids[i]] = true
		}
		f.run()
		endAll(t, f, sids)
		for _, r := range []*receiver{crm, wiki} {
			got := map[string]bool{}
			for _, c := range r.collect(n) {
				got[c.SessionID] = true
			}
			if len(got) != n {
				t.Fatalf("%s heard of %d sessions, want %d", r.system, len(got), n)
			}
			for sid := range got {
				if !want[sid] {
					t.Fatalf("%s heard of unknown session %s", r.system, sid)
				}
			}
		}
	})
}

// endAll ends the sessions from 50 goroutines at once.
func endAll(tb testing.TB, f *fixture, sids []string) {
	var wg sync.WaitGroup
	next := make(chan string)
	for range 50 {
		wg.Go(func() {
			for sid := range next {
				if err := f.sessions.End(context.Background(), sid, "logout"); err != nil {
					tb.Error(err)
				}
			}
		})
	}
	for _, sid := range sids {
		next <- sid
	}
	close(next)
	wg.Wait()
}

// A session store that fails to queue never fails the logout: the loss is logged and counted.
func TestQueueFailureNeverFailsTheLogout(t *testing.T) {
	reg := prometheus.NewRegistry()
	broken := memkv.New(memkv.Options{})
	broken.Close()
	f := newFixture(t, backends[0], func(s *Service) {
		s.Metrics = NewMetrics(reg)
	})
	f.svc.Queue = broken
	f.addSystem("crm", "https://crm.example.test/logout")
	s := f.session("u-1", "crm")
	if err := f.sessions.End(t.Context(), s.ID, "logout"); err != nil {
		t.Fatalf("End: %v", err)
	}
	if n := value(t, f.svc.Metrics.unqueuedC.WithLabelValues("crm")); n != 1 {
		t.Fatalf("unqueued counted %v", n)
	}
}

// Backoff doubles from BaseDelay to MaxDelay; the upper half of each delay is random.
func TestBackoff(t *testing.T) {
	s := &Service{BaseDelay: 5 * time.Second, MaxDelay: time.Hour}
	for _, c := range []struct {
		attempt int
		full    time.Duration
	}{{1, 5 * time.Second}, {2, 10 * time.Second}, {3, 20 * time.Second}, {10, 2560 * time.Second}, {11, time.Hour}, {60, time.Hour}} {
		for range 20 {
			d := s.Backoff(c.attempt)
			if d < c.full/2 || d > c.full {
				t.Fatalf("Backoff(%d) = %v, want within [%v, %v]", c.attempt, d, c.full/2, c.full)
			}
		}
	}
}

// value reads a counter or gauge.
func value(t *testing.T, c prometheus.Metric) float64 {
	t.Helper()
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		t.Fatal(err)
	}
	switch {
	case m.Counter != nil:
		return m.Counter.GetValue()
	case m.Gauge != nil:
		return m.Gauge.GetValue()
	}
	t.Fatalf("%v is neither a counter nor a gauge", c.Desc())
	return 0
}

// Two nodes run the worker on the same Redis queues: every logout is delivered, and none is
// accepted twice (a repeat, were there one, would carry the same jti).
func TestTwoWorkersShareTheQueues(t *testing.T) {
	f := newFixture(t, backends[1], nil)
	crm := newReceiver(t, &f.jwks, "crm")
	f.addSystem("crm", crm.srv.URL)
	other := &Service{Queue: f.kv, Systems: f.db, Keys: f.svc.Keys, Issuer: issuer, RetryFor: time.Hour,
		PollEvery: 5 * time.Millisecond}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { other.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	f.run()
	const n = 300
	sids := make([]string, n)
	for i := range sids {
		sids[i] = f.session("u-1", "crm").ID
	}
	endAll(t, f, sids)
	got := map[string]bool{}
	for _, c := range crm.collect(n) {
		got[c.SessionID] = true
	}
	if len(got) != n {
		t.Fatalf("%d sessions heard of, want %d", len(got), n)
	}
}

// A system that hangs holds at most PerSystem deliveries: the others are served meanwhile.
func TestHangingSystemDoesNotHoldUpOthers(t *testing.T) {
	f := newFixture(t, backends[0], nil)
	f.run()
	release := make(chan struct{})
	stuck := make(chan struct{}, 100)
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		stuck <- struct{}{}
		<-release
	}))
	t.Cleanup(hang.Close)
	t.Cleanup(func() { close(release) })
	wiki := newReceiver(t, &f.jwks, "wiki")
	f.addSystem("crm", hang.URL)
	f.addSystem("wiki", wiki.srv.URL)
	const n = 40
	sids := make([]string, n)
	for i := range sids {
		sids[i] = f.session("u-1", "crm", "wiki").ID
	}
	endAll(t, f, sids)
	for range DefaultPerSystem {
		<-stuck // crm holds every drainer it may have
	}
	if got := len(wiki.collect(n)); got != n {
		t.Fatalf("wiki heard of %d", got)
	}
	if len(stuck) != 0 {
		t.Fatalf("crm got %d requests beyond its %d drainers", len(stuck), DefaultPerSystem)
	}
}
