package gatehouse

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// TestKeyRotation: a token under a kid the cache does not know makes the key set be fetched
// again — at most once per refetchAfter, so that unknown kids cannot make the SDK hammer the
// center.
func TestKeyRotation(t *testing.T) {
	pub1, priv1, _ := ed25519.GenerateKey(rand.Reader)
	pub2, priv2, _ := ed25519.GenerateKey(rand.Reader)
	var mu sync.Mutex
	keys := []jose.JSONWebKey{{Key: pub1, KeyID: "k1", Algorithm: "EdDSA", Use: "sig"}}
	var fetches atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fetches.Add(1)
		mu.Lock()
		defer mu.Unlock()
		json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: keys})
	}))
	t.Cleanup(srv.Close)
	now := time.Now()
	client, err := New(Config{CenterURL: srv.URL, SystemID: "shop", Secret: "x", BaseURL: "http://shop.test",
		CookieSecret: []byte(strings.Repeat("k", 32)), Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	ks := &keyServer{Server: srv}
	token := func(kid string, priv ed25519.PrivateKey) string {
		ks.kid = kid
		return ks.sign(t, priv, "JWT", map[string]any{"iss": srv.URL, "aud": "shop", "sub": "u1", "sid": "s1",
			"iat": now.Unix(), "exp": now.Add(time.Minute).Unix(), "jti": randomToken()})
	}
	ctx := context.Background()
	if _, err := client.VerifyAccessToken(ctx, token("k1", priv1)); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	keys = append(keys, jose.JSONWebKey{Key: pub2, KeyID: "k2", Algorithm: "EdDSA", Use: "sig"})
	mu.Unlock()
	if _, err := client.VerifyAccessToken(ctx, token("k2", priv2)); err == nil {
		t.Fatal("a new kid was fetched within refetchAfter of the last fetch")
	}
	for range 5 {
		client.VerifyAccessToken(ctx, token("k9", priv2))
	}
	if n := fetches.Load(); n != 1 {
		t.Fatalf("%d fetches, want 1", n)
	}
	now = now.Add(refetchAfter)
	if _, err := client.VerifyAccessToken(ctx, token("k2", priv2)); err != nil {
		t.Fatalf("the rotated key was not picked up: %v", err)
	}
	if _, err := client.VerifyAccessToken(ctx, token("k1", priv1)); err != nil {
		t.Fatalf("the previous key is still published: %v", err)
	}
}
