package token

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"sync"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/keys"
)

func TestCacheIsBounded(t *testing.T) {
	c := newVerifiedCache(1000)
	now := time.Unix(1000, 0)
	claims := &Claims{Subject: "u"}
	for i := range 20_000 {
		var sum [sha256.Size]byte
		binary.LittleEndian.PutUint64(sum[:], uint64(i)*0x9E3779B97F4A7C15)
		binary.LittleEndian.PutUint64(sum[8:], uint64(i))
		c.put(sum, claims, "k", now.Add(time.Hour), now)
		if n := c.len(); n > 1000 {
			t.Fatalf("%d entries after %d puts", n, i+1)
		}
	}
	if n := c.len(); n < 800 {
		t.Fatalf("only %d entries left", n)
	}
}

func TestCacheDropsExpiredFirst(t *testing.T) {
	c := newVerifiedCache(2)
	now := time.Unix(1000, 0)
	var a, b, d [sha256.Size]byte
	a[0], b[0], d[0] = 1, 2, 3
	c.put(a, &Claims{Subject: "a"}, "k", now.Add(-time.Second), now)
	c.put(b, &Claims{Subject: "b"}, "k", now.Add(time.Hour), now)
	c.put(d, &Claims{Subject: "d"}, "k", now.Add(time.Hour), now)
	if _, _, ok := c.get(a); ok {
		t.Fatal("the expired entry survived")
	}
	for _, k := range [][sha256.Size]byte{b, d} {
		if _, _, ok := c.get(k); !ok {
			t.Fatalf("entry %d was dropped before the expired one", k[0])
		}
	}
	if c.len() != 2 {
		t.Fatalf("len %d", c.len())
	}
}

// TestCachedTokenRules: a hit is checked like a miss — audience, expiry — and hands out copies.
func TestCachedTokenRules(t *testing.T) {
	ctx := context.Background()
	a, _, _, c := newAccess(t, keys.EdDSA)
	tok, claims := mustIssue(t, a, "gatehouse")
	got, err := a.Verify(ctx, tok, "gatehouse")
	if err != nil {
		t.Fatal(err)
	}
	if a.cache.len() != 1 {
		t.Fatalf("%d cached", a.cache.len())
	}
	got.Roles[0], got.Audience[0], got.Subject = "ADMIN", "other", "root"
	again, err := a.Verify(ctx, tok, "gatehouse")
	if err != nil || again.Roles[0] != "EDITOR" || again.Subject != "u-1" {
		t.Fatalf("the cache was changed through a returned value: %+v %v", again, err)
	}
	_, err = a.Verify(ctx, tok, "other")
	wantCode(t, err, domain.CodeTokenInvalid)
	c.set(time.Unix(claims.Expiry, 0).Add(DefaultSkew))
	_, err = a.Verify(ctx, tok, "gatehouse")
	wantCode(t, err, domain.CodeTokenExpired)
	if a.cache.len() != 0 {
		t.Fatal("the expired token stayed cached")
	}
}

// TestCachedTokenOfRemovedKey: once this node has seen a key set without the key that verified
// a cached token, the hit no longer counts and the token is checked afresh (and fails).
func TestCachedTokenOfRemovedKey(t *testing.T) {
	ctx := context.Background()
	a, m, _, c := newAccess(t, keys.EdDSA)
	a.TTL = 10 * time.Hour
	tok, _ := mustIssue(t, a)
	if _, err := a.Verify(ctx, tok, "gatehouse"); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Rotate(ctx, keys.EdDSA); err != nil {
		t.Fatal(err)
	}
	c.advance(3 * time.Hour) // past VerifyFor: the old key leaves the set
	if _, _, err := a.Issue(ctx, "u", "n", "s", []string{"gatehouse"}, nil); err != nil {
		t.Fatal(err) // Issue reads the new set
	}
	_, err := a.Verify(ctx, tok, "gatehouse")
	wantCode(t, err, domain.CodeTokenInvalid)
}

func TestVerifyConcurrently(t *testing.T) {
	ctx := context.Background()
	a, _, _, _ := newAccess(t, keys.EdDSA)
	a.CacheSize = 50
	var toks []string
	for range 200 {
		tok, _ := mustIssue(t, a)
		toks = append(toks, tok)
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 500 {
				if _, err := a.Verify(ctx, toks[(g*31+i)%len(toks)], "gatehouse"); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	if n := a.cache.len(); n > 50 {
		t.Fatalf("%d cached, bound 50", n)
	}
}
