package e2e

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// idClaims are the claims an RP reads from Gatehouse's ID token and userinfo.
type idClaims struct {
	Sub               string   `json:"sub"`
	Name              string   `json:"name"`
	PreferredUsername string   `json:"preferred_username"`
	Email             string   `json:"email"`
	EmailVerified     bool     `json:"email_verified"`
	SID               string   `json:"sid"`
	Roles             []string `json:"roles"`
	Permissions       []string `json:"permissions"`
	Nonce             string   `json:"nonce"`
}

// signInRP runs discovery's authorization endpoint with PKCE in a signed-in browser, exchanges
// the code and verifies the ID token; it returns the token and its claims.
func signInRP(t *testing.T, e *oidcEnv, b *oidcBrowser) (*oauth2.Token, string, idClaims) {
	t.Helper()
	ctx := context.Background()
	verifier, state, nonce := oauth2.GenerateVerifier(), "st-"+oauth2.GenerateVerifier()[:8], "n-"+oauth2.GenerateVerifier()[:8]
	q := b.authorize(e.conf.AuthCodeURL(state, oauth2.S256ChallengeOption(verifier), gooidc.Nonce(nonce)), e.redirect)
	if q.Get("state") != state || q.Get("code") == "" {
		t.Fatalf("callback query %v: want the state back and a code", q)
	}
	tok, err := e.conf.Exchange(ctx, q.Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatalf("code exchange: %v", err)
	}
	raw, _ := tok.Extra("id_token").(string)
	idt, err := e.verifier("rp", "EdDSA").Verify(ctx, raw)
	if err != nil {
		t.Fatalf("ID token: %v", err)
	}
	var c idClaims
	if err := idt.Claims(&c); err != nil {
		t.Fatal(err)
	}
	if c.Nonce != nonce {
		t.Fatalf("nonce %q, want %q", c.Nonce, nonce)
	}
	if err := idt.VerifyAccessToken(tok.AccessToken); err != nil {
		t.Fatalf("at_hash: %v", err)
	}
	return tok, raw, c
}

// TestOIDCRelyingParty is the whole life of an OpenID Connect sign-in with go-oidc and
// x/oauth2 as the client: discovery, authorization with PKCE, code exchange, ID-token
// verification, userinfo, refresh with rotation, introspection, revocation, RP-initiated
// logout, and the back-channel logout token verified at the client; on every backend, the
// Redis Cluster included.
func TestOIDCRelyingParty(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			e := newOIDCEnv(t, b, nil)
			ctx := context.Background()

			// Discovery advertises what the issue asks for.
			var disc struct {
				Issuer        string   `json:"issuer"`
				JWKS          string   `json:"jwks_uri"`
				EndSession    string   `json:"end_session_endpoint"`
				Introspection string   `json:"introspection_endpoint"`
				Revocation    string   `json:"revocation_endpoint"`
				Algs          []string `json:"id_token_signing_alg_values_supported"`
				PKCE          []string `json:"code_challenge_methods_supported"`
				Backchannel   bool     `json:"backchannel_logout_supported"`
				BackchannelS  bool     `json:"backchannel_logout_session_supported"`
				Grants        []string `json:"grant_types_supported"`
				Scopes        []string `json:"scopes_supported"`
				Responses     []string `json:"response_types_supported"`
				Device        string   `json:"device_authorization_endpoint"`
			}
			if err := e.provider.Claims(&disc); err != nil {
				t.Fatal(err)
			}
			if disc.Issuer != e.base || disc.JWKS != e.base+"/.well-known/jwks.json" || disc.EndSession == "" ||
				disc.Introspection == "" || disc.Revocation == "" || !disc.Backchannel || !disc.BackchannelS {
				t.Fatalf("discovery: %+v", disc)
			}
			for _, want := range []string{"EdDSA", "ES256", "RS256"} {
				if !slices.Contains(disc.Algs, want) {
					t.Fatalf("discovery algs %v lack %s", disc.Algs, want)
				}
			}
			if !slices.Equal(disc.PKCE, []string{"S256"}) || !slices.Equal(disc.Grants, []string{"authorization_code", "refresh_token", "client_credentials"}) ||
				!slices.Equal(disc.Responses, []string{"code"}) || !slices.Contains(disc.Scopes, "roles") || disc.Device != "" {
				t.Fatalf("discovery: %+v", disc)
			}

			// Signed in at the center first: the code comes at once.
			br := e.browser()
			br.signIn("olivia", oliviaPassword)
			sid := br.sessionID()
			tok, rawID, c := signInRP(t, e, br)
			if c.Sub != e.userID || c.PreferredUsername != "olivia" || c.Name == "" || c.Email == "" || !c.EmailVerified ||
				c.SID != sid || !slices.Contains(c.Roles, "EDITOR") || !slices.Contains(c.Permissions, "rp:article:*") {
				t.Fatalf("ID token claims %+v (sid %s)", c, sid)
			}
			if tok.RefreshToken == "" {
				t.Fatal("no refresh token for offline_access")
			}

			// Userinfo with the access token.
			ui, err := e.provider.UserInfo(ctx, oauth2.StaticTokenSource(tok))
			if err != nil {
				t.Fatalf("userinfo: %v", err)
			}
			var uc idClaims
			if err := ui.Claims(&uc); err != nil {
				t.Fatal(err)
			}
			if ui.Subject != e.userID || uc.PreferredUsername != "olivia" || uc.SID != sid || !slices.Contains(uc.Roles, "EDITOR") {
				t.Fatalf("userinfo %+v", uc)
			}
			if !e.introspect(tok.AccessToken) {
				t.Fatal("the fresh access token is not active")
			}

			// Refresh: rotation gives a new refresh token and a new ID token of the same session.
			stale := *tok
			stale.Expiry = time.Now().Add(-time.Hour)
			tok2, err := e.conf.TokenSource(ctx, &stale).Token()
			if err != nil {
				t.Fatalf("refresh: %v", err)
			}
			if tok2.RefreshToken == "" || tok2.RefreshToken == tok.RefreshToken || tok2.AccessToken == tok.AccessToken {
				t.Fatal("refresh did not rotate")
			}
			raw2, _ := tok2.Extra("id_token").(string)
			idt2, err := e.verifier("rp", "EdDSA").Verify(ctx, raw2)
			if err != nil {
				t.Fatalf("refreshed ID token: %v", err)
			}
			var c2 idClaims
			_ = idt2.Claims(&c2)
			if c2.Sub != e.userID || c2.SID != sid {
				t.Fatalf("refreshed ID token claims %+v", c2)
			}

			// Revocation (RFC 7009) of the new refresh token and of the first access token.
			if st, m := e.form("/oidc/revoke", "rp", e.secret, url.Values{"token": {tok2.RefreshToken}, "token_type_hint": {"refresh_token"}}); st != http.StatusOK {
				t.Fatalf("revoke refresh: %d %v", st, m)
			}
			gone := *tok2
			gone.Expiry = time.Now().Add(-time.Hour)
			if _, err := e.conf.TokenSource(ctx, &gone).Token(); oauthErrorCode(err) != "invalid_grant" {
				t.Fatalf("refresh after revocation: %v, want invalid_grant", err)
			}
			if st, m := e.form("/oidc/revoke", "rp", e.secret, url.Values{"token": {tok.AccessToken}}); st != http.StatusOK {
				t.Fatalf("revoke access: %d %v", st, m)
			}
			if e.introspect(tok.AccessToken) {
				t.Fatal("a revoked access token is active")
			}
			if e.userinfoStatus(tok.AccessToken) != http.StatusUnauthorized {
				t.Fatal("userinfo takes a revoked access token")
			}
			if !e.introspect(tok2.AccessToken) {
				t.Fatal("the refreshed access token should still be active")
			}

			// RP-initiated logout with the ID token as hint, back to the registered URI.
			end := e.provider.Endpoint().AuthURL
			end = strings.TrimSuffix(end, "/authorize") + "/end_session"
			status, loc, body := br.open(end + "?" + url.Values{"id_token_hint": {rawID},
				"post_logout_redirect_uri": {e.after}, "state": {"bye"}}.Encode())
			if status != http.StatusFound || !strings.HasPrefix(loc.String(), e.after) || loc.Query().Get("state") != "bye" {
				t.Fatalf("end session: %d %v %s", status, loc, body)
			}
			if br.sessionID() != "" {
				t.Fatal("the session cookie survived the logout")
			}

			// The back-channel logout token arrives and verifies as Gatehouse's.
			lt := e.waitLogout()
			checkLogoutToken(t, e, lt, sid)

			// The session's OIDC tokens are dead.
			if e.introspect(tok2.AccessToken) {
				t.Fatal("an access token of the ended session is active")
			}
			if e.userinfoStatus(tok2.AccessToken) != http.StatusUnauthorized {
				t.Fatal("userinfo takes a token of the ended session")
			}
		})
	}
}

// checkLogoutToken verifies a logout token with go-oidc against the provider's keys and checks
// its Back-Channel Logout 1.0 §2.4 claims.
func checkLogoutToken(t *testing.T, e *oidcEnv, raw, sid string) {
	t.Helper()
	lv := e.provider.Verifier(&gooidc.Config{ClientID: "rp", SupportedSigningAlgs: []string{"EdDSA", "ES256"}})
	lt, err := lv.Verify(context.Background(), raw)
	if err != nil {
		t.Fatalf("logout token: %v", err)
	}
	var lc struct {
		SID    string                     `json:"sid"`
		Sub    string                     `json:"sub"`
		Nonce  *string                    `json:"nonce"`
		Events map[string]json.RawMessage `json:"events"`
	}
	if err := lt.Claims(&lc); err != nil {
		t.Fatal(err)
	}
	if lc.SID != sid || lc.Sub != e.userID || lc.Nonce != nil {
		t.Fatalf("logout token claims %+v, want sid %s", lc, sid)
	}
	if _, ok := lc.Events["http://schemas.openid.net/event/backchannel-logout"]; !ok {
		t.Fatalf("logout token events %v", lc.Events)
	}
}
