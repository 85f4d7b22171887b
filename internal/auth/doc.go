// Package auth is the sign-in engine every face of Gatehouse shares: password login behind the
// captcha and the brute-force defence, the global session, access and refresh tokens,
// authentication of later requests by bearer token or session cookie, logout, password change
// and the user's own sessions. It caches each user's details and grants so that checking a
// request needs no SQL.
//
// It knows nothing of HTTP: faces (the native API, SSO, CAS, OIDC, forward-auth) translate
// requests into its calls and its results into answers.
package auth
