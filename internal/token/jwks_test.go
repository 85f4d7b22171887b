package token

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/gatehouse/gatehouse/internal/keys"
	"github.com/gatehouse/gatehouse/internal/testenv"
)

// TestJWKSVerifiesTokens: a client that knows only the published JWK Set verifies tokens of
// every algorithm with go-jose, and the set holds no private parameter.
func TestJWKSVerifiesTokens(t *testing.T) {
	ctx := context.Background()
	st, c := &testenv.SigningKeys{}, newClock()
	m := newManager(t, st, c, keys.EdDSA, keys.ES256, keys.RS256)
	tokens := map[string]string{}
	for _, alg := range []string{keys.EdDSA, keys.ES256, keys.RS256} {
		a := &Access{Keys: m, Issuer: testIssuer, Algorithm: alg, Now: c.now}
		tokens[alg], _ = mustIssue(t, a)
	}
	if _, err := m.Rotate(ctx, keys.EdDSA); err != nil { // the retired key stays published
		t.Fatal(err)
	}
	a := &Access{Keys: m, Issuer: testIssuer, Now: c.now}
	tokens["EdDSA after rotation"], _ = mustIssue(t, a)
	doc, err := a.JWKS(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var raw struct {
		Keys []map[string]any `json:"keys"`
	}
	if err := json.Unmarshal(doc, &raw); err != nil {
		t.Fatal(err)
	}
	if len(raw.Keys) != 4 {
		t.Fatalf("%d keys in %s", len(raw.Keys), doc)
	}
	want := map[string][]string{"OKP": {"crv", "x"}, "EC": {"crv", "x", "y"}, "RSA": {"n", "e"}}
	for _, k := range raw.Keys {
		if k["use"] != "sig" || k["kid"] == "" || k["alg"] == "" {
			t.Fatalf("key %v", k)
		}
		for _, p := range want[k["kty"].(string)] {
			if _, ok := k[p]; !ok {
				t.Fatalf("key %v lacks %q", k, p)
			}
		}
		for _, private := range []string{"d", "p", "q", "dp", "dq", "qi"} {
			if _, ok := k[private]; ok {
				t.Fatalf("key %v publishes %q", k["kid"], private)
			}
		}
	}
	var set jose.JSONWebKeySet
	if err := json.Unmarshal(doc, &set); err != nil {
		t.Fatal(err)
	}
	for name, tok := range tokens {
		parsed, err := jwt.ParseSigned(tok, []jose.SignatureAlgorithm{jose.EdDSA, jose.ES256, jose.RS256})
		if err != nil {
			t.Fatal(err)
		}
		found := set.Key(parsed.Headers[0].KeyID)
		if len(found) != 1 || found[0].Algorithm != parsed.Headers[0].Algorithm {
			t.Fatalf("%s: kid %s found %d times", name, parsed.Headers[0].KeyID, len(found))
		}
		var claims jwt.Claims
		if err := parsed.Claims(found[0].Key, &claims); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if err := claims.ValidateWithLeeway(jwt.Expected{Issuer: testIssuer, AnyAudience: jwt.Audience{"gatehouse"}, Time: c.now()}, 0); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	// Cached per key set, and a copy each time.
	again, _ := a.JWKS(ctx)
	again[0] = 'X'
	third, _ := a.JWKS(ctx)
	if string(third) != string(doc) || !strings.HasPrefix(string(doc), `{"keys":[`) {
		t.Fatalf("JWKS changed: %s", third)
	}
}
