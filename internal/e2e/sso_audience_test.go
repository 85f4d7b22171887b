package e2e

import (
	"context"
	"testing"
)

// TestSubsystemRefreshCannotReachCenter: a sub-system holding a user's SSO refresh token cannot
// turn it into a token for the center's own API, and its attempt changes nothing.
func TestSubsystemRefreshCannotReachCenter(t *testing.T) {
	srv := startServer(t, backends[0], nil)
	env := newSSOEnv(t, srv)
	br := env.browser("203.0.113.40")
	br.mustLogin("jack", "jack123", nil)
	sysA := env.systemClient("alpha", env.secretA)
	d := sysA.mustValidate(ticketFor(t, br, "alpha", ssoRedirectA), ssoRedirectA)

	// The sub-system's server presents the token at the center's refresh endpoint, from its own
	// address and User-Agent (the family's device).
	e := sysA.c.do("POST", "/api/auth/refresh", map[string]string{"refresh_token": d.RefreshToken})
	expect(t, e, 401, codeTokenInvalid, "an SSO refresh token at /api/auth/refresh")
	// The same token still works where it belongs.
	expect(t, sysA.do("POST", "/sso/refresh", map[string]string{"refresh_token": d.RefreshToken}), 200, 0, "/sso/refresh after the refused attempt")
	// And the system's access token does not open the center's API.
	api := srv.client("198.51.100.9", "subsystem/1")
	api.bearer = d.AccessToken
	expect(t, api.do("GET", "/api/me", nil), 401, codeTokenInvalid, "an SSO access token at /api/me")
}

// TestRotatedSecretDiesAtOnce: system credentials are checked through a cache, and a rotation
// still ends the old secret for the very next request.
func TestRotatedSecretDiesAtOnce(t *testing.T) {
	srv := startServer(t, backends[0], nil)
	env := newSSOEnv(t, srv)
	br := env.browser("203.0.113.41")
	br.mustLogin("jack", "jack123", nil)
	old := env.systemClient("alpha", env.secretA)
	old.mustValidate(ticketFor(t, br, "alpha", ssoRedirectA), ssoRedirectA) // the system is cached now
	secret, err := srv.Identity.RotateSecret(context.Background(), cliActor, "alpha")
	if err != nil {
		t.Fatal(err)
	}
	e := old.validate(ticketFor(t, br, "alpha", ssoRedirectA), ssoRedirectA)
	expect(t, e, 401, codeUnauth, "the old secret after rotation")
	env.systemClient("alpha", secret).mustValidate(ticketFor(t, br, "alpha", ssoRedirectA), ssoRedirectA)
}
