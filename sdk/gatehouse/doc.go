// Package gatehouse is the Go SDK of the Gatehouse single-sign-on center for sub-systems
// written with net/http.
//
// A Client protects a web application (Middleware) or an API (BearerMiddleware):
//
//   - an anonymous browser is sent to the center's /sso/login with a state and a PKCE S256
//     challenge kept in a signed, short-lived cookie;
//   - /sso/callback exchanges the one-time ticket server-to-server (POST /sso/validate with the
//     system's id and secret and the PKCE verifier) and opens a local session cookie;
//   - every later request finds the local session in a SessionStore, puts the User in the
//     request context (UserFrom) and, at most every Config.TouchEvery, renews the center's
//     global session (POST /sso/touch); a dead global session ends the local one;
//   - /sso/logout ends the local session and then the global one at the center;
//   - /sso/backchannel-logout receives the center's logout tokens (OpenID Connect Back-Channel
//     Logout 1.0), verifies them against the center's JWKS and ends every local session of the
//     signed-out sid, so a sign-out anywhere reaches this system.
//
// RequireLogin, RequireRole and RequirePermission guard handlers; permission codes match
// with the center's wildcard rules ("cms:article:*", "cms:*", "*").
//
// The package imports nothing of the Gatehouse server: it talks to the center only through
// its public HTTP protocol.
package gatehouse
