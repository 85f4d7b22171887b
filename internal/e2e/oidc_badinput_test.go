package e2e

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"golang.org/x/oauth2"

	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/testenv"
)

// codeFor runs an authorization with PKCE for conf in the signed-in browser and returns the
// code and its verifier.
func (e *oidcEnv) codeFor(b *oidcBrowser, conf oauth2.Config) (string, string) {
	e.t.Helper()
	verifier := oauth2.GenerateVerifier()
	q := b.authorize(conf.AuthCodeURL("s", oauth2.S256ChallengeOption(verifier)), conf.RedirectURL)
	if q.Get("code") == "" {
		e.t.Fatalf("no code: %v", q)
	}
	return q.Get("code"), verifier
}

// redeem posts the code to the token endpoint as client id with secret.
func (e *oidcEnv) redeem(id, secret, code, verifier, redirect string) (int, map[string]any) {
	e.t.Helper()
	v := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {redirect}}
	if verifier != "" {
		v.Set("code_verifier", verifier)
	}
	return e.form("/oidc/token", id, secret, v)
}

// refreshAs posts a refresh grant as client id.
func (e *oidcEnv) refreshAs(id, secret, rt string) (int, map[string]any) {
	e.t.Helper()
	return e.form("/oidc/token", id, secret, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}})
}

// wantOAuthError checks an OAuth error tokAnswer.
func wantOAuthError(t *testing.T, status int, m map[string]any, wantStatus int, code string) {
	t.Helper()
	if status != wantStatus || m["error"] != code {
		t.Fatalf("tokAnswer %d %v, want %d %s", status, m, wantStatus, code)
	}
}

// tokAnswer is a status and a decoded JSON body.
type tokAnswer struct {
	status int
	m      map[string]any
}

func ans(status int, m map[string]any) tokAnswer { return tokAnswer{status, m} }

// wantTokens checks a token tokAnswer and returns its access and refresh tokens.
func wantTokens(t *testing.T, a tokAnswer) (string, string) {
	t.Helper()
	status, m := a.status, a.m
	if status != http.StatusOK || m["access_token"] == nil {
		t.Fatalf("tokAnswer %d %v, want tokens", status, m)
	}
	rt, _ := m["refresh_token"].(string)
	return m["access_token"].(string), rt
}

// TestOIDCBadInput: every hostile or mistaken request named by the issue gets a clear OAuth
// error and changes nothing.
func TestOIDCBadInput(t *testing.T) {
	for _, b := range backends[:2] {
		t.Run(b.name, func(t *testing.T) {
			e := newOIDCEnv(t, b, nil)
			ctx := context.Background()
			otherRedirect := e.rp.URL + "/other"
			otherSecret := e.addClient(t, &domain.System{ID: "other", Name: "Other", RedirectURIs: []string{otherRedirect},
				Protocols: []string{domain.ProtocolOIDC}})
			br := e.browser()
			br.signIn("olivia", oliviaPassword)
			sid := br.sessionID()

			t.Run("unregistered redirect_uri", func(t *testing.T) {
				for _, bad := range []string{e.rp.URL + "/evil", "https://evil.example/callback", e.redirect + "/",
					e.redirect + "?next=x", strings.Replace(e.redirect, "127.0.0.1", "localhost", 1), e.redirect + "#f"} {
					conf := e.conf
					conf.RedirectURL = bad
					status, loc, body := br.open(conf.AuthCodeURL("s", oauth2.S256ChallengeOption(oauth2.GenerateVerifier())))
					if status != http.StatusBadRequest || !strings.HasPrefix(loc.String(), e.base) || !strings.Contains(body, "redirect_uri") {
						t.Fatalf("redirect_uri %q: %d %v %s", bad, status, loc, body)
					}
				}
				sess, err := e.srv.Auth.Sessions.Get(ctx, sid)
				if err != nil || slices.Contains(sess.Systems, "rp") {
					t.Fatalf("the session joined rp on a refused request: %v %v", sess, err)
				}
			})

			t.Run("missing or wrong PKCE verifier", func(t *testing.T) {
				code, verifier := e.codeFor(br, e.conf)
				st, m := e.redeem("rp", e.secret, code, "", e.redirect)
				wantOAuthError(t, st, m, http.StatusBadRequest, "invalid_request")
				st, m = e.redeem("rp", e.secret, code, oauth2.GenerateVerifier(), e.redirect)
				wantOAuthError(t, st, m, http.StatusBadRequest, "invalid_grant")
				wantTokens(t, ans(e.redeem("rp", e.secret, code, verifier, e.redirect))) // the code was not spent
			})

			t.Run("code replay revokes the first tokens", func(t *testing.T) {
				code, verifier := e.codeFor(br, e.conf)
				access, rt := wantTokens(t, ans(e.redeem("rp", e.secret, code, verifier, e.redirect)))
				if !e.introspect(access) || rt == "" {
					t.Fatal("the first redemption's tokens are not live")
				}
				st, m := e.redeem("rp", e.secret, code, verifier, e.redirect)
				wantOAuthError(t, st, m, http.StatusBadRequest, "invalid_grant")
				if e.introspect(access) {
					t.Fatal("the access token of a replayed code is still active")
				}
				st, m = e.refreshAs("rp", e.secret, rt)
				wantOAuthError(t, st, m, http.StatusBadRequest, "invalid_grant")
			})

			t.Run("code issued to another client", func(t *testing.T) {
				code, verifier := e.codeFor(br, e.conf)
				st, m := e.redeem("other", otherSecret, code, verifier, e.redirect)
				wantOAuthError(t, st, m, http.StatusBadRequest, "invalid_grant")
				st, m = e.redeem("other", otherSecret, code, verifier, otherRedirect)
				wantOAuthError(t, st, m, http.StatusBadRequest, "invalid_grant")
				wantTokens(t, ans(e.redeem("rp", e.secret, code, verifier, e.redirect)))
			})

			t.Run("wrong client secret", func(t *testing.T) {
				code, verifier := e.codeFor(br, e.conf)
				st, m := e.redeem("rp", "wrong-"+e.secret, code, verifier, e.redirect)
				wantOAuthError(t, st, m, http.StatusUnauthorized, "invalid_client")
				st, m = e.redeem("rp", "", code, verifier, e.redirect)
				wantOAuthError(t, st, m, http.StatusUnauthorized, "invalid_client")
				st, m = e.redeem("nobody", "x", code, verifier, e.redirect)
				wantOAuthError(t, st, m, http.StatusUnauthorized, "invalid_client")
				wantTokens(t, ans(e.redeem("rp", e.secret, code, verifier, e.redirect)))
			})

			t.Run("alg none request object", func(t *testing.T) {
				claims, _ := json.Marshal(map[string]any{"iss": "rp", "aud": e.base, "client_id": "rp", "response_type": "code",
					"redirect_uri": e.redirect, "scope": "openid profile", "state": "s"})
				unsigned := b64url(`{"alg":"none","typ":"JWT"}`) + "." + base64.RawURLEncoding.EncodeToString(claims) + "."
				u := e.conf.AuthCodeURL("s", oauth2.S256ChallengeOption(oauth2.GenerateVerifier()), oauth2.SetAuthURLParam("request", unsigned))
				q := br.authorize(u, e.redirect)
				if q.Get("error") != "request_not_supported" || q.Get("code") != "" {
					t.Fatalf("alg none request object: %v", q)
				}
			})

			t.Run("refresh token of another client", func(t *testing.T) {
				code, verifier := e.codeFor(br, e.conf)
				_, rt := wantTokens(t, ans(e.redeem("rp", e.secret, code, verifier, e.redirect)))
				st, m := e.refreshAs("other", otherSecret, rt)
				wantOAuthError(t, st, m, http.StatusBadRequest, "invalid_grant")
				_, next := wantTokens(t, ans(e.refreshAs("rp", e.secret, rt))) // not rotated by the refused attempt
				if next == "" || next == rt {
					t.Fatal("no rotation for the rightful client")
				}
			})

			t.Run("revoked tokens at introspection and userinfo", func(t *testing.T) {
				code, verifier := e.codeFor(br, e.conf)
				access, _ := wantTokens(t, ans(e.redeem("rp", e.secret, code, verifier, e.redirect)))
				if !e.introspect(access) || e.userinfoStatus(access) != http.StatusOK {
					t.Fatal("a fresh token is not usable")
				}
				// Another client may not revoke it (RFC 7009 §2.1).
				if st, m := e.form("/oidc/revoke", "other", otherSecret, url.Values{"token": {access}}); st == http.StatusOK {
					t.Fatalf("another client revoked the token: %v", m)
				}
				if !e.introspect(access) {
					t.Fatal("a refused revocation changed the token")
				}
				if st, _ := e.form("/oidc/revoke", "rp", e.secret, url.Values{"token": {access}}); st != http.StatusOK {
					t.Fatal("revocation failed")
				}
				if e.introspect(access) || e.userinfoStatus(access) != http.StatusUnauthorized {
					t.Fatal("a revoked token is still accepted")
				}
				for _, junk := range []string{"", "x", strings.Repeat("A", 5000), access + "x"} {
					if e.introspect(junk) {
						t.Fatalf("junk %.20q is active", junk)
					}
					if e.userinfoStatus(junk) != http.StatusUnauthorized {
						t.Fatalf("userinfo takes junk %.20q", junk)
					}
				}
			})

			t.Run("introspection needs client credentials", func(t *testing.T) {
				code, verifier := e.codeFor(br, e.conf)
				access, _ := wantTokens(t, ans(e.redeem("rp", e.secret, code, verifier, e.redirect)))
				for _, cred := range [][2]string{{"", ""}, {"rp", "wrong"}, {"nobody", "x"}} {
					st, m := e.form("/oidc/introspect", cred[0], cred[1], url.Values{"token": {access}})
					if st == http.StatusOK && m["active"] == true {
						t.Fatalf("introspection with %v answered %v", cred, m)
					}
				}
			})

			t.Run("request completed in another browser", func(t *testing.T) {
				// The attacker starts an authorization and passes its id to a signed-in victim.
				attacker := e.browser()
				status, loc, _ := attacker.open(e.conf.AuthCodeURL("s", oauth2.S256ChallengeOption(oauth2.GenerateVerifier())))
				back := loc.Query().Get("continue")
				if status != http.StatusOK || !strings.HasPrefix(back, "/oidc/login?id=") {
					t.Fatalf("attacker not at the login page: %d %v", status, loc)
				}
				victim := &http.Client{Jar: br.http.Jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
				resp, err := victim.Get(e.base + back)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				callback := resp.Header.Get("Location")
				if resp.StatusCode != http.StatusFound || !strings.Contains(callback, "/oidc/authorize/callback?id=") {
					t.Fatalf("victim: %d %s", resp.StatusCode, callback)
				}
				// The attacker collects first: refused, no code.
				if status, loc, _ := attacker.open(e.base + callback); status != http.StatusBadRequest || strings.HasPrefix(loc.String(), e.redirect) {
					t.Fatalf("the attacker got %d %v", status, loc)
				}
				// The victim's own browser still gets its code (which the client will refuse: wrong state).
				if q := br.authorize(e.base+callback, e.redirect); q.Get("code") == "" {
					t.Fatalf("victim: %v", q)
				}
			})

			t.Run("id_token_hint of another issuer at logout", func(t *testing.T) {
				_, foreign, _ := ed25519.GenerateKey(rand.Reader)
				sig, _ := jose.NewSigner(jose.SigningKey{Algorithm: jose.EdDSA, Key: jose.JSONWebKey{Key: foreign, KeyID: "k1"}}, nil)
				payload, _ := json.Marshal(map[string]any{"iss": "https://evil.example", "sub": e.userID, "aud": "rp", "azp": "rp",
					"sid": sid, "iat": time.Now().Unix(), "exp": time.Now().Add(time.Hour).Unix()})
				obj, _ := sig.Sign(payload)
				hint, _ := obj.CompactSerialize()
				// Also one of ours re-signed by the foreign key, and a hint with alg none.
				payload2, _ := json.Marshal(map[string]any{"iss": e.base, "sub": e.userID, "aud": "rp", "azp": "rp",
					"sid": sid, "iat": time.Now().Unix(), "exp": time.Now().Add(time.Hour).Unix()})
				obj2, _ := sig.Sign(payload2)
				hint2, _ := obj2.CompactSerialize()
				hint3 := b64url(`{"alg":"none"}`) + "." + base64.RawURLEncoding.EncodeToString(payload2) + "."
				for _, h := range []string{hint, hint2, hint3} {
					// A client that does not follow redirects: the session must survive.
					req, _ := http.NewRequest(http.MethodGet, e.base+"/oidc/end_session?"+url.Values{"id_token_hint": {h},
						"post_logout_redirect_uri": {e.after}}.Encode(), nil)
					resp, err := http.DefaultClient.Do(req)
					if err != nil {
						t.Fatal(err)
					}
					var m map[string]any
					_ = json.NewDecoder(resp.Body).Decode(&m)
					resp.Body.Close()
					wantOAuthError(t, resp.StatusCode, m, http.StatusBadRequest, "invalid_request")
				}
				if _, err := e.srv.Auth.Sessions.Get(ctx, sid); err != nil {
					t.Fatalf("a refused logout ended the session: %v", err)
				}
			})
		})
	}
}

func b64url(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

// TestOIDCExpiredTokens: an expired code is refused and an expired access token is inactive
// at introspection and refused at userinfo, on a clock moved past their lifetimes.
func TestOIDCExpiredTokens(t *testing.T) {
	for _, b := range backends[:2] {
		t.Run(b.name, func(t *testing.T) {
			clock := testenv.NewClock(time.Now())
			e := newOIDCEnvClock(t, b, nil, clock)
			br := e.browser()
			br.signIn("olivia", oliviaPassword)

			code, verifier := e.codeFor(br, e.conf)
			clock.Add(61 * time.Second)
			st, m := e.redeem("rp", e.secret, code, verifier, e.redirect)
			wantOAuthError(t, st, m, http.StatusBadRequest, "invalid_grant")

			code, verifier = e.codeFor(br, e.conf)
			access, rt := wantTokens(t, ans(e.redeem("rp", e.secret, code, verifier, e.redirect)))
			clock.Add(15*time.Minute + time.Second)
			if e.introspect(access) {
				t.Fatal("an expired access token is active")
			}
			if e.userinfoStatus(access) != http.StatusUnauthorized {
				t.Fatal("userinfo takes an expired access token")
			}
			// The session lives on (idle 30 minutes): the refresh token still gives a new one.
			access2, _ := wantTokens(t, ans(e.refreshAs("rp", e.secret, rt)))
			if !e.introspect(access2) {
				t.Fatal("the refreshed access token is not active")
			}
		})
	}
}
