package token

import (
	"bytes"
	"context"
	"crypto/rand"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/keys"
	"github.com/gatehouse/gatehouse/internal/secret"
	"github.com/gatehouse/gatehouse/internal/testenv"
)

// clock is a settable clock, safe for concurrent use.
type clock struct{ ns atomic.Int64 }

func newClock() *clock {
	c := &clock{}
	c.ns.Store(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC).UnixNano())
	return c
}

func (c *clock) now() time.Time                  { return time.Unix(0, c.ns.Load()).UTC() }
func (c *clock) set(t time.Time)                 { c.ns.Store(t.UnixNano()) }
func (c *clock) advance(d time.Duration)         { c.ns.Add(int64(d)) }
func (c *clock) since(t time.Time) time.Duration { return c.now().Sub(t) }

func newSealer(t testing.TB) *secret.Keys {
	t.Helper()
	s, err := secret.New(bytes.Repeat([]byte{7}, 32), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// newManager returns a key manager (one "node") over st with an active key of each algorithm.
// Its set is cached for an hour: only Reload makes it read st again.
func newManager(t testing.TB, st *testenv.SigningKeys, c *clock, algs ...string) *keys.Manager {
	t.Helper()
	m := &keys.Manager{Store: st, Sealer: newSealer(t), Now: c.now, Rand: rand.Reader, VerifyFor: 2 * time.Hour, ReloadEvery: time.Hour}
	if len(algs) > 0 {
		if err := m.Ensure(context.Background(), algs...); err != nil {
			t.Fatal(err)
		}
	}
	return m
}

const testIssuer = "https://sso.example.test"

// newAccess returns an Access signing with alg over a fresh key store.
func newAccess(t testing.TB, alg string) (*Access, *keys.Manager, *testenv.SigningKeys, *clock) {
	t.Helper()
	st, c := &testenv.SigningKeys{}, newClock()
	m := newManager(t, st, c, alg)
	return &Access{Keys: m, Issuer: testIssuer, Algorithm: alg, Now: c.now}, m, st, c
}

func mustIssue(t testing.TB, a *Access, aud ...string) (string, *Claims) {
	t.Helper()
	if len(aud) == 0 {
		aud = []string{"gatehouse"}
	}
	tok, c, err := a.Issue(context.Background(), "u-1", "jack", "sid-1", aud, []string{"EDITOR"})
	if err != nil {
		t.Fatal(err)
	}
	return tok, c
}

func wantCode(t testing.TB, err error, code domain.Code) {
	t.Helper()
	if got := domain.ErrorCode(err); got != code {
		t.Fatalf("error %v: code %q, want %q", err, got, code)
	}
}
