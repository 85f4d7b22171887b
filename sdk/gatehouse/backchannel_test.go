package gatehouse

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// keyServer publishes one Ed25519 key as a JWK Set, as the center's /.well-known/jwks.json does.
type keyServer struct {
	*httptest.Server
	priv ed25519.PrivateKey
	kid  string
}

func newKeyServer(t testing.TB) *keyServer {
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	ks := &keyServer{priv: priv, kid: "k1"}
	ks.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: pub, KeyID: ks.kid, Algorithm: "EdDSA", Use: "sig"}}})
	}))
	t.Cleanup(ks.Close)
	return ks
}

func (ks *keyServer) sign(t *testing.T, key ed25519.PrivateKey, typ string, claims map[string]any) string {
	opts := (&jose.SignerOptions{}).WithType(jose.ContentType(typ)).WithHeader(jose.HeaderKey("kid"), ks.kid)
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.EdDSA, Key: key}, opts)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := jwt.Signed(s).Claims(claims).Serialize()
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func logoutClaims(ks *keyServer, mod func(map[string]any)) map[string]any {
	now := time.Now()
	c := map[string]any{
		"iss": ks.URL, "aud": []string{"shop"}, "iat": now.Unix(), "exp": now.Add(2 * time.Minute).Unix(),
		"jti": randomToken(), "sid": "sid-1", "sub": "u1",
		"events": map[string]any{eventBackchannelLogout: map[string]any{}},
	}
	if mod != nil {
		mod(c)
	}
	return c
}

func TestBackchannelLogout(t *testing.T) {
	ks := newKeyServer(t)
	client, err := New(Config{CenterURL: ks.URL, SystemID: "shop", Secret: "x", BaseURL: "http://shop.test",
		CookieSecret: []byte(strings.Repeat("k", 32))})
	if err != nil {
		t.Fatal(err)
	}
	h := client.Middleware(http.NotFoundHandler())
	store := client.Store()
	ctx := context.Background()
	save := func() {
		if err := store.Save(ctx, "local-1", &Session{User: User{ID: "u1", SessionID: "sid-1"}}, time.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	post := func(tok string) int {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("POST", "http://shop.test/sso/backchannel-logout", strings.NewReader(url.Values{"logout_token": {tok}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		h.ServeHTTP(rec, req)
		return rec.Code
	}
	_, forger, _ := ed25519.GenerateKey(rand.Reader)
	bad := map[string]string{
		"forged signature": ks.sign(t, forger, typLogout, logoutClaims(ks, nil)),
		"other audience":   ks.sign(t, ks.priv, typLogout, logoutClaims(ks, func(c map[string]any) { c["aud"] = "cms" })),
		"other issuer":     ks.sign(t, ks.priv, typLogout, logoutClaims(ks, func(c map[string]any) { c["iss"] = "https://evil.test" })),
		"expired":          ks.sign(t, ks.priv, typLogout, logoutClaims(ks, func(c map[string]any) { c["exp"] = time.Now().Add(-time.Hour).Unix() })),
		"issued in future": ks.sign(t, ks.priv, typLogout, logoutClaims(ks, func(c map[string]any) { c["iat"] = time.Now().Add(time.Hour).Unix() })),
		"access token typ": ks.sign(t, ks.priv, "at+jwt", logoutClaims(ks, nil)),
		"no events":        ks.sign(t, ks.priv, typLogout, logoutClaims(ks, func(c map[string]any) { delete(c, "events") })),
		"with nonce":       ks.sign(t, ks.priv, typLogout, logoutClaims(ks, func(c map[string]any) { c["nonce"] = "n" })),
		"no jti":           ks.sign(t, ks.priv, typLogout, logoutClaims(ks, func(c map[string]any) { delete(c, "jti") })),
		"no sid":           ks.sign(t, ks.priv, typLogout, logoutClaims(ks, func(c map[string]any) { delete(c, "sid") })),
		"alg none":         "eyJhbGciOiJub25lIiwidHlwIjoibG9nb3V0K2p3dCJ9.eyJzaWQiOiJzaWQtMSJ9.",
		"empty":            "",
	}
	save()
	for name, tok := range bad {
		if code := post(tok); code != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400", name, code)
		}
		if s, _ := store.Get(ctx, "local-1"); s == nil {
			t.Fatalf("%s ended the session", name)
		}
	}
	good := ks.sign(t, ks.priv, typLogout, logoutClaims(ks, nil))
	if code := post(good); code != http.StatusOK {
		t.Fatalf("valid logout token: status %d", code)
	}
	if s, _ := store.Get(ctx, "local-1"); s != nil {
		t.Fatal("the session of the sid outlived its logout")
	}
	if ended, _ := store.SIDEnded(ctx, "sid-1"); !ended {
		t.Fatal("the sid is not remembered as ended")
	}
	if err := store.Save(ctx, "local-2", &Session{User: User{SessionID: "sid-1"}}, time.Now().Add(time.Hour)); err != ErrSessionEnded {
		t.Fatalf("saving a session of an ended sid: %v", err)
	}
	if code := post(good); code != http.StatusBadRequest {
		t.Fatalf("replayed logout token: status %d, want 400", code)
	}
	if rec := httptest.NewRecorder(); true {
		h.ServeHTTP(rec, httptest.NewRequest("GET", "http://shop.test/sso/backchannel-logout", nil))
		if rec.Code != http.StatusMethodNotAllowed {
			t.Fatalf("GET: %d", rec.Code)
		}
	}
}

func TestBearerRefusesEndedSession(t *testing.T) {
	ks := newKeyServer(t)
	client, err := New(Config{CenterURL: ks.URL, SystemID: "shop", Secret: "x", BaseURL: "http://shop.test",
		CookieSecret: []byte(strings.Repeat("k", 32))})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	access := ks.sign(t, ks.priv, "JWT", map[string]any{"iss": ks.URL, "aud": []string{"shop"}, "sub": "u1",
		"iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(time.Minute).Unix(), "jti": "a1", "sid": "sid-9",
		"username": "jack", "roles": []string{"USER"}})
	u, err := client.VerifyAccessToken(context.Background(), access)
	if err != nil || u.Username != "jack" || !u.HasRole("USER") {
		t.Fatalf("valid access token: %v %+v", err, u)
	}
	if _, err := client.VerifyAccessToken(context.Background(), ks.sign(t, ks.priv, typLogout, logoutClaims(ks, nil))); err == nil {
		t.Fatal("a logout token was taken for an access token")
	}
	client.Store().EndSID(context.Background(), "sid-9", now.Add(time.Hour))
	if _, err := client.VerifyAccessToken(context.Background(), access); err == nil {
		t.Fatal("an access token of an ended session was accepted")
	}
}

// FuzzLogout: whatever arrives at the receiver, Logout refuses it without panicking and ends
// nothing unless it is a genuine token.
func FuzzLogout(f *testing.F) {
	f.Add("eyJhbGciOiJFZERTQSIsImtpZCI6ImsxIiwidHlwIjoibG9nb3V0K2p3dCJ9.e30.AAAA")
	f.Add("a.b.c")
	f.Add("")
	ks := newKeyServer(f)
	client, err := New(Config{CenterURL: ks.URL, SystemID: "shop", Secret: "x", BaseURL: "http://shop.test",
		CookieSecret: []byte(strings.Repeat("k", 32))})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, tok string) {
		if sid, err := client.Logout(context.Background(), tok); err == nil {
			t.Fatalf("an arbitrary string ended sid %q", sid)
		}
	})
}
