package oidcapi

import (
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/auth"
	oidcsvc "github.com/gatehouse/gatehouse/internal/oidc"
	"github.com/gatehouse/gatehouse/internal/session"
)

type fakeRequest struct {
	oidcsvc.Request
	maxAge  *uint
	created time.Time
}

func (f fakeRequest) MaxAge() *uint        { return f.maxAge }
func (f fakeRequest) CreatedAt() time.Time { return f.created }

// TestFresh: OpenID Connect Core §3.1.2.1 max_age (prompt=login is max_age 0): a sign-in older
// than max_age, made before the request, needs a new one.
func TestFresh(t *testing.T) {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	req := now.Add(-time.Second)
	u := func(n uint) *uint { return &n }
	p := func(signedIn time.Time) *auth.Principal {
		return &auth.Principal{Session: &session.Session{CreatedAt: signedIn}}
	}
	for _, c := range []struct {
		name     string
		maxAge   *uint
		signedIn time.Time
		want     bool
	}{
		{"no max_age", nil, now.Add(-24 * time.Hour), true},
		{"within max_age", u(600), now.Add(-5 * time.Minute), true},
		{"past max_age", u(60), now.Add(-5 * time.Minute), false},
		{"prompt=login, old sign-in", u(0), now.Add(-time.Minute), false},
		{"prompt=login, signed in after the request", u(0), now, true},
		{"past max_age, signed in after the request", u(1), req.Add(time.Millisecond), true},
	} {
		if got := fresh(fakeRequest{maxAge: c.maxAge, created: req}, p(c.signedIn), now); got != c.want {
			t.Errorf("%s: fresh = %v, want %v", c.name, got, c.want)
		}
	}
}
