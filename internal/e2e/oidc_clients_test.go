package e2e

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/testenv"
)

// TestOIDCClientCredentials: a machine system gets an access token for itself (sub = its id,
// no session), introspectable; a client without the grant, or with a wrong secret, does not.
func TestOIDCClientCredentials(t *testing.T) {
	for _, b := range backends[:2] {
		t.Run(b.name, func(t *testing.T) {
			e := newOIDCEnv(t, b, nil)
			ctx := context.Background()
			secret := e.addClient(t, &domain.System{ID: "robot", Name: "Robot", Protocols: []string{domain.ProtocolOIDC},
				OIDC: domain.OIDCClient{GrantTypes: []string{domain.GrantClientCredentials}}})
			cc := clientcredentials.Config{ClientID: "robot", ClientSecret: secret, TokenURL: e.provider.Endpoint().TokenURL,
				Scopes: []string{"roles"}}
			tok, err := cc.Token(ctx)
			if err != nil {
				t.Fatalf("client credentials: %v", err)
			}
			if tok.RefreshToken != "" || tok.Extra("id_token") != nil {
				t.Fatal("client credentials gave a refresh or ID token")
			}
			st, m := e.form("/oidc/introspect", "robot", secret, url.Values{"token": {tok.AccessToken}})
			if st != http.StatusOK || m["active"] != true || m["sub"] != "robot" || m["client_id"] != "robot" || m["sid"] != nil {
				t.Fatalf("introspection: %d %v", st, m)
			}
			if !e.introspect(tok.AccessToken) { // a resource server (rp) introspects it too
				t.Fatal("not active for another resource server")
			}
			if e.userinfoStatus(tok.AccessToken) != http.StatusUnauthorized {
				t.Fatal("userinfo answered for a machine token")
			}
			// Basic or post: both authenticate.
			post := cc
			post.AuthStyle = oauth2.AuthStyleInParams
			if _, err := post.Token(ctx); err != nil {
				t.Fatalf("client_secret_post: %v", err)
			}

			bad := cc
			bad.ClientSecret = "wrong"
			if _, err := bad.Token(ctx); oauthErrorCode(err) != "invalid_client" {
				t.Fatalf("wrong secret: %v", err)
			}
			rp := clientcredentials.Config{ClientID: "rp", ClientSecret: e.secret, TokenURL: cc.TokenURL}
			if _, err := rp.Token(ctx); oauthErrorCode(err) != "unauthorized_client" {
				t.Fatalf("a client without the grant: %v", err)
			}
			// A machine client cannot start the code flow.
			br := e.browser()
			br.signIn("olivia", oliviaPassword)
			robotConf := oauth2.Config{ClientID: "robot", Endpoint: e.provider.Endpoint(), RedirectURL: e.redirect, Scopes: []string{"openid"}}
			status, _, _ := br.open(robotConf.AuthCodeURL("s"))
			if status != http.StatusBadRequest {
				t.Fatalf("code flow of a machine client: %d", status)
			}
		})
	}
}

// TestOIDCPublicClient: a public client must use PKCE S256 and never sends a secret.
func TestOIDCPublicClient(t *testing.T) {
	e := newOIDCEnv(t, backends[0], nil)
	ctx := context.Background()
	redirect := e.rp.URL + "/spa"
	e.addClient(t, &domain.System{ID: "spa", Name: "SPA", RedirectURIs: []string{redirect}, Protocols: []string{domain.ProtocolOIDC},
		OIDC: domain.OIDCClient{Public: true}})
	conf := oauth2.Config{ClientID: "spa", Endpoint: e.provider.Endpoint(), RedirectURL: redirect, Scopes: []string{"openid", "profile", "offline_access"}}
	conf.Endpoint.AuthStyle = oauth2.AuthStyleInParams
	br := e.browser()
	br.signIn("olivia", oliviaPassword)

	q := br.authorize(conf.AuthCodeURL("s"), redirect)
	if q.Get("error") != "invalid_request" || q.Get("code") != "" {
		t.Fatalf("public client without PKCE: %v", q)
	}
	v := oauth2.GenerateVerifier()
	q = br.authorize(conf.AuthCodeURL("s", oauth2.SetAuthURLParam("code_challenge", oauth2.S256ChallengeFromVerifier(v)),
		oauth2.SetAuthURLParam("code_challenge_method", "plain")), redirect)
	if q.Get("error") != "invalid_request" {
		t.Fatalf("plain PKCE: %v", q)
	}
	q = br.authorize(conf.AuthCodeURL("s", oauth2.S256ChallengeOption(v)), redirect)
	tok, err := conf.Exchange(ctx, q.Get("code"), oauth2.VerifierOption(v))
	if err != nil {
		t.Fatalf("public exchange: %v", err)
	}
	if _, err := e.verifier("spa", "EdDSA").Verify(ctx, tok.Extra("id_token").(string)); err != nil {
		t.Fatal(err)
	}
	// Its refresh token rotates without a secret.
	stale := *tok
	stale.Expiry = time.Now().Add(-time.Hour)
	if tok2, err := conf.TokenSource(ctx, &stale).Token(); err != nil || tok2.RefreshToken == tok.RefreshToken {
		t.Fatalf("public refresh: %v", err)
	}
}

// TestOIDCSigningAlgorithms: each client's ID tokens are signed with the algorithm it chose;
// RS256 for clients that only speak RS256 (go-oidc's default).
func TestOIDCSigningAlgorithms(t *testing.T) {
	e := newOIDCEnv(t, backends[0], nil)
	ctx := context.Background()
	br := e.browser()
	br.signIn("olivia", oliviaPassword)
	for _, alg := range []string{"ES256", "RS256", "EdDSA"} {
		id := "alg-" + map[string]string{"ES256": "es", "RS256": "rs", "EdDSA": "ed"}[alg]
		redirect := e.rp.URL + "/" + id
		secret := e.addClient(t, &domain.System{ID: id, Name: id, RedirectURIs: []string{redirect}, Protocols: []string{domain.ProtocolOIDC},
			OIDC: domain.OIDCClient{IDTokenAlg: alg}})
		conf := oauth2.Config{ClientID: id, ClientSecret: secret, Endpoint: e.provider.Endpoint(), RedirectURL: redirect, Scopes: []string{"openid"}}
		v := oauth2.GenerateVerifier()
		q := br.authorize(conf.AuthCodeURL("s", oauth2.S256ChallengeOption(v)), redirect)
		tok, err := conf.Exchange(ctx, q.Get("code"), oauth2.VerifierOption(v))
		if err != nil {
			t.Fatal(err)
		}
		raw := tok.Extra("id_token").(string)
		verifier := e.verifier(id, alg)
		if alg == "RS256" {
			verifier = e.provider.Verifier(&gooidc.Config{ClientID: id}) // go-oidc's default: RS256 only
		}
		if _, err := verifier.Verify(ctx, raw); err != nil {
			t.Fatalf("%s: %v", alg, err)
		}
		if alg != "EdDSA" {
			if _, err := e.verifier(id, "EdDSA").Verify(ctx, raw); err == nil {
				t.Fatalf("%s token accepted as EdDSA", alg)
			}
		}
	}
}

// TestOIDCRefreshRotation: rotation with the grace window (a retry of the previous token gives
// the same successor) and reuse detection after it (the whole family dies).
func TestOIDCRefreshRotation(t *testing.T) {
	for _, b := range backends[:2] {
		t.Run(b.name, func(t *testing.T) {
			clock := testenv.NewClock(time.Now())
			e := newOIDCEnvClock(t, b, nil, clock)
			br := e.browser()
			br.signIn("olivia", oliviaPassword)
			code, verifier := e.codeFor(br, e.conf)
			_, rt1 := wantTokens(t, ans(e.redeem("rp", e.secret, code, verifier, e.redirect)))
			_, rt2 := wantTokens(t, ans(e.refreshAs("rp", e.secret, rt1)))
			_, again := wantTokens(t, ans(e.refreshAs("rp", e.secret, rt1)))
			if rt2 == rt1 || again != rt2 {
				t.Fatalf("grace retry gave %q, want the same successor %q", again, rt2)
			}
			clock.Add(11 * time.Second) // past the 10 s grace window
			st, m := e.refreshAs("rp", e.secret, rt1)
			wantOAuthError(t, st, m, http.StatusBadRequest, "invalid_grant")
			st, m = e.refreshAs("rp", e.secret, rt2)
			wantOAuthError(t, st, m, http.StatusBadRequest, "invalid_grant") // the family was revoked
		})
	}
}
