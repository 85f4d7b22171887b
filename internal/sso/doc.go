// Package sso is the engine of browser single sign-on for sub-systems: one-time tickets that
// carry a live global session to a registered redirect URI, their server-to-server redemption
// for the user, the user's roles and permissions in that system and tokens for it, the user
// API sub-systems call, and the renewal of the global session from a sub-system.
//
// It owns the ticket records (keys "tkt:<ticket>" in the session store). It speaks no HTTP
// (the faces are internal/httpapi/ssoapi and, later, CAS) and runs no SQL of its own: systems
// and users come through small interfaces, sessions through session.Manager, tokens through
// token.Access and token.Refresh. It does not deliver single logout: that hangs off the
// session's end hooks.
package sso
