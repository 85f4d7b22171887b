// Package session owns Gatehouse's global sign-in session (the "sid"): one per browser or
// device, created at every login with a new id, recognised by its cookie or by its id, kept
// alive by activity up to a sliding idle limit and never past an absolute limit, and ended by
// logout, revocation or expiry. Everything a session carries — the systems it joined, the
// hash of its cookie secret — lives with it in the session store; everything below it (refresh
// families, sub-system sessions, SSO tickets) is tied to it through the OnEnd hooks and the sid
// claim of tokens.
//
// Keys in the session store:
//
//	sess:{SID}     the session, compact JSON, expiring with the session
//	usess:{UID}    the set of a user's session ids, expiring no sooner than its longest session
//
// The cookie value is "<sid>.<secret>"; only SHA-256(secret) is stored, and the sid alone —
// which tokens carry and sub-systems see — never authenticates. Every way a cookie can fail
// (malformed, unknown, expired, wrong secret) gets the same session_expired answer.
//
// It is core logic on the standard library and the store interfaces: it must not speak HTTP
// (cookies as headers, status codes, redirects belong to the faces), touch SQL, or log.
// Time and randomness are injected through Manager.Now and Manager.Rand.
package session
