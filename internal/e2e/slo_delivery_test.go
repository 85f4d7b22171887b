package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/gatehouse/gatehouse/internal/app"
	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/slo"
)

// sloReceiver is a sub-system's back-channel logout endpoint: it fetches the center's JWKS
// and verifies every logout token as Back-Channel Logout 1.0 §2.6 has a relying party do.
type sloReceiver struct {
	t      testing.TB
	center string // the center's base URL, for its JWKS
	issuer string // the center's configured issuer
	system string
	now    func() time.Time
	srv    *httptest.Server

	mu     sync.Mutex
	down   bool
	seen   map[string]int        // jti → deliveries
	got    chan slo.LogoutClaims // first delivery of each jti
	failed chan struct{}         // one per request answered 503
}

func newSLOReceiver(t testing.TB, srv *server, system string, now func() time.Time) *sloReceiver {
	r := &sloReceiver{t: t, center: srv.URL(), issuer: srv.Config.Issuer(), system: system, now: now, seen: map[string]int{},
		got: make(chan slo.LogoutClaims, 100), failed: make(chan struct{}, 100)}
	r.srv = httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *sloReceiver) setDown(down bool) {
	r.mu.Lock()
	r.down = down
	r.mu.Unlock()
}

func (r *sloReceiver) serve(w http.ResponseWriter, req *http.Request) {
	r.mu.Lock()
	down := r.down
	r.mu.Unlock()
	if down {
		w.WriteHeader(http.StatusServiceUnavailable)
		r.failed <- struct{}{}
		return
	}
	c, err := r.verify(req)
	if err != nil {
		r.t.Errorf("logout receiver %s: %v", r.system, err)
		http.Error(w, "bad logout token", http.StatusBadRequest)
		return
	}
	r.mu.Lock()
	r.seen[c.ID]++
	first := r.seen[c.ID] == 1
	r.mu.Unlock()
	w.Header().Set("Cache-Control", "no-store")
	if first {
		r.got <- c
	}
}

func (r *sloReceiver) verify(req *http.Request) (slo.LogoutClaims, error) {
	var c slo.LogoutClaims
	if ct := req.Header.Get("Content-Type"); req.Method != "POST" || ct != "application/x-www-form-urlencoded" {
		return c, fmt.Errorf("%s with %q, want a form POST", req.Method, ct)
	}
	tok, err := jwt.ParseSigned(req.PostFormValue("logout_token"), []jose.SignatureAlgorithm{jose.EdDSA, jose.ES256})
	if err != nil {
		return c, err
	}
	if typ := tok.Headers[0].ExtraHeaders[jose.HeaderType]; typ != "logout+jwt" {
		return c, fmt.Errorf("typ %v", typ)
	}
	resp, err := http.Get(r.center + "/.well-known/jwks.json")
	if err != nil {
		return c, err
	}
	defer resp.Body.Close()
	var set jose.JSONWebKeySet
	if err := json.NewDecoder(resp.Body).Decode(&set); err != nil {
		return c, err
	}
	keys := set.Key(tok.Headers[0].KeyID)
	if len(keys) != 1 {
		return c, fmt.Errorf("kid %q not in the JWKS", tok.Headers[0].KeyID)
	}
	var std jwt.Claims
	var all map[string]any
	if err := tok.Claims(keys[0].Key, &std, &c, &all); err != nil {
		return c, err
	}
	if err := std.ValidateWithLeeway(jwt.Expected{Issuer: r.issuer, AnyAudience: jwt.Audience{r.system}, Time: r.now()}, 5*time.Second); err != nil {
		return c, err
	}
	ev, _ := all["events"].(map[string]any)
	if _, ok := ev["http://schemas.openid.net/event/backchannel-logout"]; !ok {
		return c, fmt.Errorf("events %v", all["events"])
	}
	if _, ok := all["nonce"]; ok || c.SessionID == "" || c.ID == "" || std.IssuedAt == nil {
		return c, fmt.Errorf("claims %v", all)
	}
	return c, nil
}

// sloSystem registers a system whose logout URL is the receiver.
func sloSystem(t *testing.T, srv *server, id string, r *sloReceiver) {
	t.Helper()
	if _, err := srv.Identity.CreateSystem(context.Background(), cliActor,
		&domain.System{ID: id, Name: id, LogoutURL: r.srv.URL + "/backchannel"}); err != nil {
		t.Fatal(err)
	}
}

// Logout through the API, and a user disabled by an operator: each system the session joined
// receives a valid logout token for that session, on every backend.
func TestSLOLogoutAndDisableAreDelivered(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			srv := startServer(t, b, nil)
			crm := newSLOReceiver(t, srv, "crm", time.Now)
			sloSystem(t, srv, "crm", crm)
			ctx := context.Background()

			jack := srv.client("203.0.113.7", "Firefox/1")
			d := jack.mustLogin("jack", "jack123", nil)
			if err := srv.Auth.Sessions.Join(ctx, d.Session.ID, "crm"); err != nil {
				t.Fatal(err)
			}
			expect(t, jack.do("POST", "/api/auth/logout", nil), 200, 0, "logout")
			if c := <-crm.got; c.SessionID != d.Session.ID || c.Subject != d.User.ID || c.Audience != "crm" || c.Issuer != srv.Config.Issuer() {
				t.Fatalf("after logout: %+v", c)
			}

			danny := srv.client("203.0.113.8", "Firefox/1")
			d = danny.mustLogin("danny", "danny123", nil)
			if err := srv.Auth.Sessions.Join(ctx, d.Session.ID, "crm"); err != nil {
				t.Fatal(err)
			}
			if _, err := srv.Identity.SetStatus(ctx, cliActor, d.User.ID, domain.UserDisabled); err != nil {
				t.Fatal(err)
			}
			if c := <-crm.got; c.SessionID != d.Session.ID || c.Subject != d.User.ID {
				t.Fatalf("after disabling: %+v", c)
			}
		})
	}
}

// The status route is for holders of gatehouse:systems:read (the super-admin), and counts.
func TestSLOStatusRouteIsGuarded(t *testing.T) {
	srv := startServer(t, backends[0], nil)
	crm := newSLOReceiver(t, srv, "crm", time.Now)
	sloSystem(t, srv, "crm", crm)
	const path = "/api/admin/systems/crm/logout-deliveries"
	anon := srv.client("203.0.113.9", "curl/8")
	expect(t, anon.do("GET", path, nil), 401, codeUnauth, "anonymous")
	jack := srv.client("203.0.113.7", "Firefox/1")
	jack.mustLogin("jack", "jack123", nil)
	expect(t, jack.do("GET", path, nil), 403, codeForbidden, "jack")
	admin := srv.client("203.0.113.10", "Firefox/1")
	admin.mustLogin("admin", "Bootstrap-Passw0rd-T3st", nil)
	e := admin.do("GET", path, nil)
	expect(t, e, 200, 0, "admin")
	var rep slo.Report
	e.decode(t, &rep)
	if rep.Ready+rep.Scheduled+rep.Dead != 0 || rep.DeadLetters == nil {
		t.Fatalf("report %s", e.Data)
	}
	if e := admin.do("GET", "/api/admin/systems/nope/logout-deliveries", nil); e.status != 404 {
		t.Fatalf("unknown system: %d %s", e.status, e.Data)
	}
}

// sloClock is a settable clock for the whole App.
type sloClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *sloClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *sloClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// startSLOServer starts an App on the clock, with outcomes of delivery attempts reported.
func startSLOServer(t *testing.T, clock *sloClock, outcomes chan<- string) *server {
	t.Helper()
	cfg := baseConfig(t)
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	a, err := app.Open(ctx, cfg, app.Options{Out: io.Discard, Logger: slog.New(slog.DiscardHandler), Now: clock.Now,
		Sleep: func(context.Context, time.Duration) error { return nil }})
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	a.SingleLogout.Settled = func(system, outcome string) { outcomes <- system + "/" + outcome }
	if err := a.Listen(); err != nil {
		cancel()
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- a.Serve(ctx) }()
	t.Cleanup(func() {
		cancel()
		<-done
		a.Close()
	})
	return &server{App: a, t: t, sleeps: &sleepLog{}}
}

// A system that is down gets its logout once it is back; one that stays down past
// logout.retry_for ends as a dead letter, shown by the status route and the metrics.
func TestSLODownThenBackThenDead(t *testing.T) {
	clock := &sloClock{t: time.Now()}
	outcomes := make(chan string, 100)
	srv := startSLOServer(t, clock, outcomes)
	crm := newSLOReceiver(t, srv, "crm", clock.Now)
	sloSystem(t, srv, "crm", crm)
	ctx := context.Background()
	next := func(want string) {
		t.Helper()
		if got := <-outcomes; got != want {
			t.Fatalf("attempt %s, want %s", got, want)
		}
	}

	crm.setDown(true)
	jack := srv.client("203.0.113.7", "Firefox/1")
	d := jack.mustLogin("jack", "jack123", nil)
	if err := srv.Auth.Sessions.Join(ctx, d.Session.ID, "crm"); err != nil {
		t.Fatal(err)
	}
	expect(t, jack.do("POST", "/api/auth/logout", nil), 200, 0, "logout")
	<-crm.failed
	next("crm/retried")
	crm.setDown(false)
	clock.Add(time.Minute) // past the backoff: the next poll finds it
	if c := <-crm.got; c.SessionID != d.Session.ID {
		t.Fatalf("delivered %+v", c)
	}
	next("crm/delivered")

	crm.setDown(true)
	d = jack.mustLogin("jack", "jack123", nil)
	if err := srv.Auth.Sessions.Join(ctx, d.Session.ID, "crm"); err != nil {
		t.Fatal(err)
	}
	expect(t, jack.do("POST", "/api/auth/logout", nil), 200, 0, "second logout")
	next("crm/retried")
	clock.Add(srv.Config.Logout.RetryFor + time.Minute)
	next("crm/dead")

	admin := srv.client("203.0.113.10", "Firefox/1")
	admin.mustLogin("admin", "Bootstrap-Passw0rd-T3st", nil)
	e := admin.do("GET", "/api/admin/systems/crm/logout-deliveries", nil)
	expect(t, e, 200, 0, "status")
	var rep slo.Report
	e.decode(t, &rep)
	if rep.Dead != 1 || len(rep.DeadLetters) != 1 || rep.DeadLetters[0].SID != d.Session.ID ||
		rep.DeadLetters[0].Attempts != 2 || !strings.Contains(rep.DeadLetters[0].LastError, "503") {
		t.Fatalf("report %s", e.Data)
	}
	resp, err := http.Get(srv.URL() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	for _, want := range []string{
		`gatehouse_logout_deliveries_total{outcome="dead",system="crm"} 1`,
		`gatehouse_logout_deliveries_total{outcome="delivered",system="crm"} 1`,
		`gatehouse_logout_deliveries_total{outcome="retried",system="crm"} 2`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}
