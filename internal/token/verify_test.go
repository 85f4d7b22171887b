package token

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/keys"
)

var b64 = base64.RawURLEncoding.EncodeToString

// forge signs payload with key under the given header values, as an attacker or a foreign
// issuer would.
func forge(t testing.TB, key any, alg jose.SignatureAlgorithm, kid, typ string, payload []byte) string {
	t.Helper()
	opts := &jose.SignerOptions{}
	if typ != "" {
		opts = opts.WithType(jose.ContentType(typ))
	}
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: jose.JSONWebKey{Key: key, KeyID: kid}}, opts)
	if err != nil {
		t.Fatal(err)
	}
	obj, err := s.Sign(payload)
	if err != nil {
		t.Fatal(err)
	}
	out, err := obj.CompactSerialize()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// claimsJSON is a valid claim set at now, changed by edit.
func claimsJSON(t testing.TB, now time.Time, edit func(m map[string]any)) []byte {
	t.Helper()
	m := map[string]any{
		"iss": testIssuer, "sub": "u-1", "aud": []string{"gatehouse"}, "exp": now.Add(10 * time.Minute).Unix(),
		"iat": now.Unix(), "nbf": now.Unix(), "jti": "j", "sid": "sid-1", "username": "jack",
	}
	if edit != nil {
		edit(m)
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestVerifyRejects(t *testing.T) {
	ctx := context.Background()
	a, m, _, c := newAccess(t, keys.EdDSA)
	ks, err := m.Current(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ed := ks.Signing[keys.EdDSA]
	good, _ := mustIssue(t, a)
	now := c.now()
	sign := func(edit func(map[string]any)) string {
		return forge(t, ed.Signer, jose.EdDSA, ed.ID, "JWT", claimsJSON(t, now, edit))
	}
	// A foreign ES256 key that claims the kid of our Ed25519 key.
	foreignEC, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	// An Ed25519 key we never published, under a kid we did publish.
	_, foreignEd, _ := ed25519.GenerateKey(rand.Reader)
	pubRaw := []byte(ed.Public.(ed25519.PublicKey))
	pubDER, _ := x509.MarshalPKIXPublicKey(ed.Public)
	jwksDoc, err := a.JWKS(ctx)
	if err != nil {
		t.Fatal(err)
	}
	header := func(h string) string { return b64([]byte(h)) }
	payload := b64(claimsJSON(t, now, nil))
	parts := strings.Split(good, ".")

	cases := []struct {
		name  string
		token string
		aud   string
		code  domain.Code
	}{
		{"empty", "", "gatehouse", domain.CodeTokenInvalid},
		{"empty audience to check", good, "", domain.CodeTokenInvalid},
		{"alg none, no signature", header(`{"alg":"none","kid":"`+ed.ID+`","typ":"JWT"}`) + "." + payload + ".", "gatehouse", domain.CodeTokenInvalid},
		{"alg none, some signature", header(`{"alg":"none","kid":"`+ed.ID+`","typ":"JWT"}`) + "." + payload + ".AAAA", "gatehouse", domain.CodeTokenInvalid},
		{"alg None", header(`{"alg":"None","kid":"`+ed.ID+`"}`) + "." + payload + "." + parts[2], "gatehouse", domain.CodeTokenInvalid},
		{"HS256 with the raw public key", forge(t, pubRaw, jose.HS256, ed.ID, "JWT", claimsJSON(t, now, nil)), "gatehouse", domain.CodeTokenInvalid},
		{"HS256 with the DER public key", forge(t, pubDER, jose.HS256, ed.ID, "JWT", claimsJSON(t, now, nil)), "gatehouse", domain.CodeTokenInvalid},
		{"HS512 with the JWK Set document", forge(t, jwksDoc, jose.HS512, ed.ID, "JWT", claimsJSON(t, now, nil)), "gatehouse", domain.CodeTokenInvalid},
		{"ES256 label on an EdDSA kid", forge(t, foreignEC, jose.ES256, ed.ID, "JWT", claimsJSON(t, now, nil)), "gatehouse", domain.CodeTokenInvalid},
		{"foreign key under our kid", forge(t, foreignEd, jose.EdDSA, ed.ID, "JWT", claimsJSON(t, now, nil)), "gatehouse", domain.CodeTokenInvalid},
		{"unknown kid", forge(t, ed.Signer, jose.EdDSA, "no-such-key", "JWT", claimsJSON(t, now, nil)), "gatehouse", domain.CodeTokenInvalid},
		{"no kid", forge(t, ed.Signer, jose.EdDSA, "", "JWT", claimsJSON(t, now, nil)), "gatehouse", domain.CodeTokenInvalid},
		{"typ JOSE", forge(t, ed.Signer, jose.EdDSA, ed.ID, "JOSE", claimsJSON(t, now, nil)), "gatehouse", domain.CodeTokenInvalid},
		{"wrong aud", good, "other-system", domain.CodeTokenInvalid},
		{"wrong iss", sign(func(m map[string]any) { m["iss"] = "https://evil.example" }), "gatehouse", domain.CodeTokenInvalid},
		{"iss differs by a slash", sign(func(m map[string]any) { m["iss"] = testIssuer + "/" }), "gatehouse", domain.CodeTokenInvalid},
		{"no sub", sign(func(m map[string]any) { delete(m, "sub") }), "gatehouse", domain.CodeTokenInvalid},
		{"no exp", sign(func(m map[string]any) { delete(m, "exp") }), "gatehouse", domain.CodeTokenInvalid},
		{"exp not a number", sign(func(m map[string]any) { m["exp"] = "tomorrow" }), "gatehouse", domain.CodeTokenInvalid},
		{"expired", sign(func(m map[string]any) { m["exp"] = now.Add(-time.Hour).Unix() }), "gatehouse", domain.CodeTokenExpired},
		{"future nbf", sign(func(m map[string]any) { m["nbf"] = now.Add(time.Hour).Unix() }), "gatehouse", domain.CodeTokenInvalid},
		{"iat far in the future", sign(func(m map[string]any) { m["iat"] = now.Add(24 * time.Hour).Unix() }), "gatehouse", domain.CodeTokenInvalid},
		{"aud of another type", sign(func(m map[string]any) { m["aud"] = 7 }), "gatehouse", domain.CodeTokenInvalid},
		{"claims not JSON", forge(t, ed.Signer, jose.EdDSA, ed.ID, "JWT", []byte("not json")), "gatehouse", domain.CodeTokenInvalid},
		{"truncated by one", good[:len(good)-1], "gatehouse", domain.CodeTokenInvalid},
		{"truncated to two segments", parts[0] + "." + parts[1], "gatehouse", domain.CodeTokenInvalid},
		{"truncated to two segments and a dot", parts[0] + "." + parts[1] + ".", "gatehouse", domain.CodeTokenInvalid},
		{"halved", good[:len(good)/2], "gatehouse", domain.CodeTokenInvalid},
		{"trailing garbage", good + "x", "gatehouse", domain.CodeTokenInvalid},
		{"trailing base64 garbage", good + "AAAA", "gatehouse", domain.CodeTokenInvalid},
		{"signature cut to a canonical length", parts[0] + "." + parts[1] + "." + parts[2][:len(parts[2])/4*4-4], "gatehouse", domain.CodeTokenInvalid},
		{"trailing newline", good + "\n", "gatehouse", domain.CodeTokenInvalid},
		{"trailing space", good + " ", "gatehouse", domain.CodeTokenInvalid},
		{"padding", good + "==", "gatehouse", domain.CodeTokenInvalid},
		{"newline inside", parts[0] + "." + parts[1][:10] + "\n" + parts[1][10:] + "." + parts[2], "gatehouse", domain.CodeTokenInvalid},
		{"4 segments", good + ".e30", "gatehouse", domain.CodeTokenInvalid},
		{"5 segments (JWE shape)", good + ".e30.e30", "gatehouse", domain.CodeTokenInvalid},
		{"non-base64", "!!!.###.$$$", "gatehouse", domain.CodeTokenInvalid},
		{"standard base64 alphabet", strings.NewReplacer("-", "+", "_", "/").Replace(good) + "+/", "gatehouse", domain.CodeTokenInvalid},
		{"stray bits in the signature", parts[0] + "." + parts[1] + "." + flipLastBits(parts[2]), "gatehouse", domain.CodeTokenInvalid},
		{"tampered payload", parts[0] + "." + b64(claimsJSON(t, now, func(m map[string]any) { m["sub"] = "admin" })) + "." + parts[2], "gatehouse", domain.CodeTokenInvalid},
		{"tampered signature", parts[0] + "." + parts[1] + "." + flipFirst(parts[2]), "gatehouse", domain.CodeTokenInvalid},
		{"header swapped for unprotected JSON", `{"payload":"` + parts[1] + `"}`, "gatehouse", domain.CodeTokenInvalid},
		{"oversized", strings.Repeat("A", MaxTokenSize+1), "gatehouse", domain.CodeTokenInvalid},
		{"oversized but validly signed", sign(func(m map[string]any) { m["pad"] = strings.Repeat("x", MaxTokenSize) }), "gatehouse", domain.CodeTokenInvalid},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := a.Verify(ctx, tc.token, tc.aud)
			if err == nil {
				t.Fatalf("verified: %+v", c)
			}
			t.Log(err)
			wantCode(t, err, tc.code)
			if tc.token != "" && len(tc.token) > 20 && strings.Contains(err.Error(), tc.token[len(tc.token)/2:]) {
				t.Fatalf("the error repeats the token: %v", err)
			}
		})
	}
	// The good token still verifies after all that (nothing above poisoned the cache).
	if _, err := a.Verify(ctx, good, "gatehouse"); err != nil {
		t.Fatal(err)
	}
}

// flipLastBits sets the unused low bits of a segment's last character: a lenient decoder reads
// the same bytes, so the token would have two spellings.
func flipLastBits(seg string) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	last := strings.IndexByte(alphabet, seg[len(seg)-1])
	return seg[:len(seg)-1] + string(alphabet[last|1])
}

func flipFirst(seg string) string {
	if seg[0] == 'A' {
		return "B" + seg[1:]
	}
	return "A" + seg[1:]
}

func TestVerifyAccepts(t *testing.T) {
	ctx := context.Background()
	for _, alg := range []string{keys.EdDSA, keys.ES256, keys.RS256} {
		t.Run(alg, func(t *testing.T) {
			a, m, _, c := newAccess(t, alg)
			tok, issued := mustIssue(t, a, "gatehouse", "sys-a")
			for _, aud := range []string{"gatehouse", "sys-a"} {
				got, err := a.Verify(ctx, tok, aud)
				if err != nil {
					t.Fatal(err)
				}
				if got.Subject != "u-1" || got.Username != "jack" || got.SessionID != "sid-1" || got.ID != issued.ID ||
					got.Issuer != testIssuer || len(got.Roles) != 1 || got.Roles[0] != "EDITOR" {
					t.Fatalf("claims %+v", got)
				}
				if got.Expiry != c.now().Add(DefaultAccessTTL).Unix() || got.IssuedAt != c.now().Unix() || got.NotBefore != got.IssuedAt {
					t.Fatalf("times %+v at %v", got, c.now())
				}
			}
			// The header names the kid of the active key and the type.
			ks, _ := m.Current(ctx)
			jws, err := jose.ParseSignedCompact(tok, allowedAlgs)
			if err != nil {
				t.Fatal(err)
			}
			h := jws.Signatures[0].Header
			if h.KeyID != ks.Signing[alg].ID || h.Algorithm != alg || h.ExtraHeaders[jose.HeaderType] != "JWT" {
				t.Fatalf("header %+v", h)
			}
		})
	}
}

func TestVerifyAcceptsForeignShapes(t *testing.T) {
	ctx := context.Background()
	a, m, _, c := newAccess(t, keys.EdDSA)
	ks, _ := m.Current(ctx)
	ed := ks.Signing[keys.EdDSA]
	for name, tok := range map[string]string{
		"aud as a string":        forge(t, ed.Signer, jose.EdDSA, ed.ID, "JWT", claimsJSON(t, c.now(), func(m map[string]any) { m["aud"] = "gatehouse" })),
		"typ at+jwt":             forge(t, ed.Signer, jose.EdDSA, ed.ID, "at+jwt", claimsJSON(t, c.now(), nil)),
		"typ application/at+JWT": forge(t, ed.Signer, jose.EdDSA, ed.ID, "application/at+JWT", claimsJSON(t, c.now(), nil)),
		"no typ":                 forge(t, ed.Signer, jose.EdDSA, ed.ID, "", claimsJSON(t, c.now(), nil)),
		"no nbf or iat": forge(t, ed.Signer, jose.EdDSA, ed.ID, "JWT", claimsJSON(t, c.now(), func(m map[string]any) {
			delete(m, "nbf")
			delete(m, "iat")
		})),
	} {
		if _, err := a.Verify(ctx, tok, "gatehouse"); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// TestVerifySkew checks each time claim at both sides of its skew boundary, with the cache on
// (the second verification is a hit) and off.
func TestVerifySkew(t *testing.T) {
	ctx := context.Background()
	for _, cacheSize := range []int{0, -1} {
		a, _, _, c := newAccess(t, keys.EdDSA)
		a.CacheSize, a.Skew, a.TTL = cacheSize, 30*time.Second, 10*time.Minute
		start := c.now()
		tok, claims := mustIssue(t, a)
		exp := time.Unix(claims.Expiry, 0)
		check := func(at time.Time, want domain.Code) {
			t.Helper()
			c.set(at)
			for range 2 { // a miss, then a hit
				_, err := a.Verify(ctx, tok, "gatehouse")
				if want == "" && err != nil || want != "" && domain.ErrorCode(err) != want {
					t.Fatalf("cache %d, at %v: %v, want %q", cacheSize, at.Sub(start), err, want)
				}
			}
		}
		check(start, "")
		check(exp.Add(29*time.Second), "")
		check(exp.Add(30*time.Second-time.Nanosecond), "")
		check(exp.Add(30*time.Second), domain.CodeTokenExpired)
		check(exp.Add(time.Hour), domain.CodeTokenExpired)
		// nbf = iat = start: valid from start-30s on.
		check(start.Add(-30*time.Second), "")
		check(start.Add(-30*time.Second-time.Nanosecond), domain.CodeTokenInvalid)
		check(start.Add(-time.Hour), domain.CodeTokenInvalid)
		check(start, "")
	}
}

func TestVerifyNoSkew(t *testing.T) {
	a, _, _, c := newAccess(t, keys.EdDSA)
	a.Skew, a.CacheSize = -1, -1
	tok, claims := mustIssue(t, a)
	c.set(time.Unix(claims.Expiry, 0))
	_, err := a.Verify(context.Background(), tok, "gatehouse")
	wantCode(t, err, domain.CodeTokenExpired)
	c.set(time.Unix(claims.Expiry, 0).Add(-time.Nanosecond))
	if _, err := a.Verify(context.Background(), tok, "gatehouse"); err != nil {
		t.Fatal(err)
	}
}

func TestIssueRefusesBadInput(t *testing.T) {
	ctx := context.Background()
	a, _, _, _ := newAccess(t, keys.EdDSA)
	for name, f := range map[string]func() error{
		"no subject":     func() error { _, _, err := a.Issue(ctx, "", "jack", "sid", []string{"g"}, nil); return err },
		"no sid":         func() error { _, _, err := a.Issue(ctx, "u", "jack", "", []string{"g"}, nil); return err },
		"no audience":    func() error { _, _, err := a.Issue(ctx, "u", "jack", "sid", nil, nil); return err },
		"empty audience": func() error { _, _, err := a.Issue(ctx, "u", "jack", "sid", []string{""}, nil); return err },
	} {
		if err := f(); domain.ErrorCode(err) != domain.CodeInvalidInput {
			t.Errorf("%s: %v", name, err)
		}
	}
	b := &Access{Keys: a.Keys, Issuer: testIssuer, Algorithm: "HS256"}
	if _, _, err := b.Issue(ctx, "u", "jack", "sid", []string{"g"}, nil); domain.ErrorCode(err) != domain.CodeInternal {
		t.Errorf("HS256 signing: %v", err)
	}
	e := &Access{Keys: a.Keys, Issuer: testIssuer, Algorithm: keys.ES256} // no ES256 key exists
	if _, _, err := e.Issue(ctx, "u", "jack", "sid", []string{"g"}, nil); domain.ErrorCode(err) != domain.CodeInternal {
		t.Errorf("no ES256 key: %v", err)
	}
}
