package slo

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/keys"
	"github.com/gatehouse/gatehouse/internal/secret"
	"github.com/gatehouse/gatehouse/internal/session"
	"github.com/gatehouse/gatehouse/internal/store"
	"github.com/gatehouse/gatehouse/internal/store/kv/memkv"
	"github.com/gatehouse/gatehouse/internal/store/kv/rediskv"
	"github.com/gatehouse/gatehouse/internal/store/sqlstore"
	"github.com/gatehouse/gatehouse/internal/testenv"
	"github.com/gatehouse/gatehouse/internal/token"
)

const issuer = "https://sso.example.test"

// backend opens a session-tier store for one test.
type backend struct {
	name string
	open func(tb testing.TB) store.KV
}

var backends = []backend{
	{"memkv", func(tb testing.TB) store.KV {
		s := memkv.New(memkv.Options{})
		tb.Cleanup(func() { s.Close() })
		return s
	}},
	{"redis", func(tb testing.TB) store.KV {
		s, err := rediskv.Open(context.Background(), testenv.RedisURL(tb), rediskv.Options{Prefix: testenv.Unique("slo") + ":"})
		if err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(func() { s.Close() })
		return s
	}},
}

// fixture is a center without HTTP: SQL (systems, keys), a session store, the session manager
// with the single-logout hook, and the service.
type fixture struct {
	tb       testing.TB
	db       *sqlstore.DB
	kv       store.KV
	sessions *session.Manager
	svc      *Service
	jwks     jose.JSONWebKeySet // as /.well-known/jwks.json serves it

	mu       sync.Mutex
	outcomes chan string // "system/outcome" of every settled attempt
}

func newFixture(tb testing.TB, b backend, tweak func(*Service)) *fixture {
	tb.Helper()
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, "sqlite:"+filepath.Join(tb.TempDir(), "gh.db"), sqlstore.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	if _, _, err := db.Migrate(ctx); err != nil {
		tb.Fatal(err)
	}
	sealer, err := secret.New(bytes.Repeat([]byte{7}, 32), rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	km := &keys.Manager{Store: db, Sealer: sealer, Now: time.Now, Rand: rand.Reader, VerifyFor: time.Hour, ReloadEvery: time.Minute}
	if err := km.Ensure(ctx, keys.EdDSA); err != nil {
		tb.Fatal(err)
	}
	doc, err := (&token.Access{Keys: km, Issuer: issuer}).JWKS(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	f := &fixture{tb: tb, db: db, kv: b.open(tb), outcomes: make(chan string, 100_000)}
	if err := json.Unmarshal(doc, &f.jwks); err != nil {
		tb.Fatal(err)
	}
	f.svc = &Service{Queue: f.kv, Systems: db, Keys: km, Issuer: issuer, RetryFor: 24 * time.Hour,
		BaseDelay: 10 * time.Millisecond, MaxDelay: 40 * time.Millisecond, PollEvery: 20 * time.Millisecond,
		RefreshEvery: 50 * time.Millisecond}
	f.svc.Settled = func(system, outcome string) { f.outcomes <- system + "/" + outcome }
	if tweak != nil {
		tweak(f.svc)
	}
	f.sessions = &session.Manager{KV: f.kv, Policy: session.DefaultPolicy(),
		OnEnd: []func(context.Context, *session.Session, string) error{f.svc.OnEnd}}
	return f
}

// run starts the worker until the test ends.
func (f *fixture) run() {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { f.svc.Run(ctx); close(done) }()
	f.tb.Cleanup(func() { cancel(); <-done })
}

func (f *fixture) addSystem(id, logoutURL string) {
	f.tb.Helper()
	now := time.Now()
	if err := f.db.CreateSystem(context.Background(), &domain.System{ID: id, Name: id, LogoutURL: logoutURL,
		CreatedAt: now, UpdatedAt: now}); err != nil {
		f.tb.Fatal(err)
	}
}

// session opens a session for user and joins it to systems.
func (f *fixture) session(user string, systems ...string) *session.Session {
	f.tb.Helper()
	ctx := context.Background()
	s, _, err := f.sessions.Create(ctx, session.NewSession{UserID: user, Username: user})
	if err != nil {
		f.tb.Fatal(err)
	}
	for _, sys := range systems {
		if err := f.sessions.Join(ctx, s.ID, sys); err != nil {
			f.tb.Fatal(err)
		}
	}
	return s
}

// waitOutcome waits for the next settled attempt and checks it.
func (f *fixture) waitOutcome(want string) {
	f.tb.Helper()
	if got := <-f.outcomes; got != want {
		f.tb.Fatalf("attempt settled as %s, want %s", got, want)
	}
}

// waitDelivered waits until system's notice is delivered, passing over the retries of attempts
// that were already under way when the receiver came back.
func (f *fixture) waitDelivered(system string) {
	f.tb.Helper()
	for {
		switch got := <-f.outcomes; got {
		case system + "/" + OutcomeDelivered:
			return
		case system + "/" + OutcomeRetried:
		default:
			f.tb.Fatalf("attempt settled as %s, want %s/%s", got, system, OutcomeDelivered)
		}
	}
}

// received is one logout token a receiver accepted.
type received struct {
	Claims LogoutClaims
	Raw    map[string]any
}

// receiver is a sub-system's back-channel logout endpoint: it verifies every token as a
// relying party must (Back-Channel Logout 1.0 §2.6) against the center's JWKS, answers with
// the status it is told to, and records what it accepted and how often it saw each jti.
type receiver struct {
	*endpoint
	jwks   *jose.JSONWebKeySet
	system string

	mu   sync.Mutex
	seen map[string]int // jti → deliveries seen (repeats included)
	got  chan received  // accepted tokens, first delivery of each jti only
}

func newReceiver(t testing.TB, jwks *jose.JSONWebKeySet, system string) *receiver {
	r := &receiver{jwks: jwks, system: system, seen: map[string]int{}, got: make(chan received, 100_000)}
	r.endpoint = newEndpoint(t, "receiver "+system, r.accept)
	return r
}

func (r *receiver) accept(w http.ResponseWriter, req *http.Request) error {
	c, raw, err := r.verify(req)
	if err != nil {
		return err
	}
	r.mu.Lock()
	r.seen[c.ID]++
	first := r.seen[c.ID] == 1
	r.mu.Unlock()
	// §2.8: 200 OK, with Cache-Control: no-store.
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	if first {
		r.got <- received{Claims: c, Raw: raw}
	}
	return nil
}

// verify checks a logout token as Back-Channel Logout 1.0 §2.6 has a relying party do.
func (r *receiver) verify(req *http.Request) (LogoutClaims, map[string]any, error) {
	var c LogoutClaims
	if req.Method != http.MethodPost || req.Header.Get("Content-Type") != "application/x-www-form-urlencoded" {
		return c, nil, fmt.Errorf("want a form POST, got %s %s", req.Method, req.Header.Get("Content-Type"))
	}
	raw := req.PostFormValue("logout_token")
	tok, err := jwt.ParseSigned(raw, []jose.SignatureAlgorithm{jose.EdDSA, jose.ES256})
	if err != nil {
		return c, nil, err
	}
	h := tok.Headers[0]
	if typ, _ := h.ExtraHeaders[jose.HeaderType].(string); typ != TokenType {
		return c, nil, fmt.Errorf("typ %q", typ)
	}
	ks := r.jwks.Key(h.KeyID)
	if len(ks) != 1 {
		return c, nil, fmt.Errorf("kid %q is not in the JWKS", h.KeyID)
	}
	var claims jwt.Claims
	var all map[string]any
	if err := tok.Claims(ks[0].Key, &claims, &c, &all); err != nil {
		return c, nil, err
	}
	if err := claims.ValidateWithLeeway(jwt.Expected{Issuer: issuer, AnyAudience: jwt.Audience{r.system}, Time: time.Now()}, time.Second); err != nil {
		return c, nil, err
	}
	if claims.IssuedAt == nil || claims.Expiry == nil || claims.ID == "" {
		return c, nil, fmt.Errorf("iat, exp and jti are required")
	}
	if ev, ok := all["events"].(map[string]any); !ok || ev[EventBackChannelLogout] == nil {
		return c, nil, fmt.Errorf("events %v lacks the back-channel logout event", all["events"])
	}
	if _, ok := all["nonce"]; ok {
		return c, nil, fmt.Errorf("a logout token must not hold a nonce")
	}
	if c.SessionID == "" || c.Subject == "" {
		return c, nil, fmt.Errorf("sid and sub are required here")
	}
	return c, all, nil
}

// collect waits for n accepted tokens and returns them sorted by sid.
func (r *receiver) collect(n int) []LogoutClaims {
	out := make([]LogoutClaims, 0, n)
	for range n {
		out = append(out, (<-r.got).Claims)
	}
	slices.SortFunc(out, func(a, b LogoutClaims) int { return strings.Compare(a.SessionID, b.SessionID) })
	return out
}
