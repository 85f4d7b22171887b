// Package authapi is the native REST face of sign-in: the captcha, login, token refresh,
// logout, the signed-in user's own account and sessions, the public signing keys, and the
// declarative guards (RequireLogin, RequireRole, RequirePermission) the center's handlers use.
// With the demo data it also serves the role-checked demo endpoints of requirement 001.
//
// It decodes requests, calls package auth, and hands results to package respond; it holds no
// sign-in rules of its own, and it is the only place that knows the cookies' names and flags.
package authapi
