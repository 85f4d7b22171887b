// Package ssoapi is the HTTP face of browser single sign-on for sub-systems: /sso/login (the
// redirect with a one-time ticket), /sso/validate, /sso/refresh, /sso/userinfo, /sso/users/{id},
// /sso/touch, /sso/logout, and the minimal login page (MinimalLoginPage, with its static script
// and style), which the web face mounts at /login when the front end is not built.
//
// It decodes requests, calls the engine (internal/sso and internal/auth) and writes answers:
// JSON envelopes through internal/httpapi/respond for sub-systems' servers, HTML pages through
// html/template for browsers. It holds no protocol logic of its own beyond parameter checks,
// and never redirects a browser to a URI the engine has not matched against the system's
// registered ones. It does not deliver single logout (a session end hook does).
package ssoapi
