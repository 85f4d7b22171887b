package sso_test

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/app"
	"github.com/gatehouse/gatehouse/internal/config"
	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/identity"
	"github.com/gatehouse/gatehouse/internal/session"
	"github.com/gatehouse/gatehouse/internal/sso"
)

// clock is an injected time source that tests move by hand.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

const redirect = "https://a.example.com/cb"

// fixture is the real core (SQLite and the in-process store in a temp dir) on an injected
// clock, with a system "alpha", a user and a live session of that user.
type fixture struct {
	core  *app.Core
	svc   *sso.Service
	clock *clock
	sys   *domain.System
	sess  *session.Session
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	clk := &clock{now: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	cfg.Password.Argon2.MemoryKiB, cfg.Password.Argon2.Iterations = 8*1024, 1
	cfg.SSO.TicketTTL = 30 * time.Second
	core, err := app.OpenCore(ctx, cfg, app.Options{Now: clk.Now, Out: io.Discard, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { core.Close() })
	if err := core.Keys.Ensure(ctx, cfg.Tokens.SigningAlgorithm); err != nil {
		t.Fatal(err)
	}
	a := identity.Actor{Via: "test"}
	if _, err := core.Identity.CreateSystem(ctx, a, &domain.System{ID: "alpha", Name: "Alpha", RedirectURIs: []string{redirect}}); err != nil {
		t.Fatal(err)
	}
	u, err := core.Identity.CreateUser(ctx, a, identity.NewUser{Username: "ann", Password: "Correct-Horse-9"})
	if err != nil {
		t.Fatal(err)
	}
	sess, _, err := core.Auth.Sessions.Create(ctx, session.NewSession{UserID: u.ID, Username: u.Username})
	if err != nil {
		t.Fatal(err)
	}
	svc := core.Tickets
	sys, err := svc.Authorize(ctx, sso.KindSSO, "alpha", redirect)
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{core: core, svc: svc, clock: clk, sys: sys, sess: sess}
}

func (f *fixture) issue(t *testing.T) string {
	t.Helper()
	tk, err := f.svc.Issue(context.Background(), sso.IssueRequest{Kind: sso.KindSSO, System: f.sys, RedirectURI: redirect, Session: f.sess})
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

func (f *fixture) redeem(tk string) (*sso.Result, error) {
	return f.svc.Redeem(context.Background(), sso.RedeemRequest{Kind: sso.KindSSO, SystemID: "alpha", Ticket: tk, RedirectURI: redirect})
}

// TestTicketExpiry moves the clock instead of sleeping: valid just before the TTL, worthless at it.
func TestTicketExpiry(t *testing.T) {
	f := newFixture(t)
	tk := f.issue(t)
	f.clock.add(30*time.Second - time.Millisecond)
	if _, err := f.redeem(tk); err != nil {
		t.Fatalf("just before the TTL: %v", err)
	}
	tk = f.issue(t)
	f.clock.add(30 * time.Second)
	if _, err := f.redeem(tk); domain.ErrorCode(err) != domain.CodeTokenInvalid {
		t.Fatalf("at the TTL: %v", err)
	}
}

// TestConcurrentRedemption: of many simultaneous redemptions of one ticket exactly one wins.
func TestConcurrentRedemption(t *testing.T) {
	f := newFixture(t)
	tk := f.issue(t)
	var wins, invalid atomic.Int32
	var wg sync.WaitGroup
	for range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := f.redeem(tk)
			switch domain.ErrorCode(err) {
			case "":
				wins.Add(1)
			case domain.CodeTokenInvalid:
				invalid.Add(1)
			default:
				t.Errorf("unexpected: %v", err)
			}
		}()
	}
	wg.Wait()
	if wins.Load() != 1 || invalid.Load() != 63 {
		t.Fatalf("%d wins, %d refused", wins.Load(), invalid.Load())
	}
}

// TestRedeemResult: the token is for the system alone, the session joined it, the ticket is gone
// from the store, and an ended session makes a ticket worthless.
func TestRedeemResult(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	tk := f.issue(t)
	res, err := f.redeem(tk)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Tokens.Audience) != 1 || res.Tokens.Audience[0] != "alpha" || res.Tokens.RefreshToken == "" {
		t.Fatalf("tokens %+v", res.Tokens)
	}
	claims, err := f.core.Auth.Access.Verify(ctx, res.Tokens.AccessToken, "alpha")
	if err != nil || claims.SessionID != f.sess.ID {
		t.Fatalf("verify: %v %+v", err, claims)
	}
	if _, err := f.core.Auth.Access.Verify(ctx, res.Tokens.AccessToken, domain.CenterSystemID); err == nil {
		t.Fatal("the system's token is valid for the center")
	}
	s, err := f.core.Auth.Sessions.Get(ctx, f.sess.ID)
	if err != nil || len(s.Systems) != 1 || s.Systems[0] != "alpha" {
		t.Fatalf("session systems: %v %v", err, s)
	}
	if _, err := f.core.KV.Get(ctx, "tkt:"+tk); domain.ErrorCode(err) != domain.CodeNotFound {
		t.Fatalf("the ticket is still stored: %v", err)
	}
	alive, _, err := f.svc.Touch(ctx, "alpha", f.sess.ID)
	if err != nil || !alive {
		t.Fatalf("touch: %v %v", alive, err)
	}
	tk = f.issue(t)
	if err := f.core.Auth.Sessions.End(ctx, f.sess.ID, "test"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.redeem(tk); domain.ErrorCode(err) != domain.CodeSessionExpired {
		t.Fatalf("after the session ended: %v", err)
	}
	if alive, _, err := f.svc.Touch(ctx, "alpha", f.sess.ID); err != nil || alive {
		t.Fatalf("touch after end: %v %v", alive, err)
	}
}
