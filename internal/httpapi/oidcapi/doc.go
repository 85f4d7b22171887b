// Package oidcapi is the HTTP face of the OpenID Connect provider: it mounts the provider of
// internal/oidc (which speaks the protocol through the zitadel/oidc op package) and adds the
// one page op leaves to its host, the sign-in step of an authorization: with a live global
// session the request is completed at once, else the browser goes to the login page and comes
// back. It also gives op each request's browser session (for end session) and answers an
// inactive token at userinfo with 401 (RFC 6750 §3.1). It holds no protocol logic.
package oidcapi
