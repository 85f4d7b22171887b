package spec

import "github.com/gatehouse/gatehouse/internal/domain"

// authOps are the sign-in, account, gateway and demo routes (internal/httpapi/authapi,
// forwardauth) and this document itself.
func authOps() []Op {
	d := domain.CodeInvalidInput
	return []Op{
		{Method: "GET", Path: "/api/captcha", Tag: "auth", Summary: "Fetch a fresh image captcha",
			Description: "The answer is consumed by its first check, right or wrong, and compared case-insensitively. " +
				"At most 30 per client address and minute.",
			Data:   obj("captcha_id", str(), "image", str("data:image/png;base64,…"), "expires_in", integer("Seconds.")),
			Errors: []domain.Code{domain.CodeTooManyRequests}},
		{Method: "GET", Path: "/api/password-policy", Tag: "auth", Summary: "What a new password must satisfy",
			Description: "For forms to show before the server refuses a password. Public: it says nothing about any account.",
			NoDeps:      true,
			Data: obj("min_length", integer("Characters (code points)."), "max_length", integer("Bytes of UTF-8."),
				"forbid_username", boolean("The password may not contain the username."),
				"forbid_common", boolean("The password may not be one of the most common passwords."))},
		{Method: "POST", Path: "/api/auth/login", Tag: "auth", Summary: "Sign in with username and password",
			Description: "Unknown user, wrong password, disabled or locked account all answer invalid_credentials alike. " +
				"After repeated failures a captcha is required (captcha_required, also the answer to the failure that made it required); " +
				"while the (user, address) pair or the address is locked the answer is too_many_requests with Retry-After.",
			Body: input("username", str(), "password", str(), "captcha_id?", str(), "captcha_answer?", str(),
				"remember_me?", boolean("Keep the session cookie until the absolute limit."),
				"system?", str("Also put this system in the token's audience and answer its roles.")),
			Data:    ref("SignIn"),
			Cookies: "gatehouse_session (`__Host-` over HTTPS), gatehouse_refresh (path /api/auth/refresh) and gatehouse_device.",
			Errors:  []domain.Code{d, domain.CodeInvalidCredentials, domain.CodeCaptchaRequired, domain.CodeCaptchaInvalid, domain.CodeTooManyRequests}},
		{Method: "POST", Path: "/api/auth/refresh", Tag: "auth", Auth: Refresh, Summary: "Rotate the refresh token",
			Description: "Takes the refresh cookie, or refresh_token in the body (then the new one comes back in the body). " +
				"The old token dies at once; replaying the immediately previous one within tokens.refresh_grace returns the same successor, " +
				"any other reuse revokes the whole family. A token presented from another device is refused and changes nothing.",
			Body: input("refresh_token?", str()), BodyOptional: true,
			Data:    obj("token", ref("Token")),
			Cookies: "The new gatehouse_refresh cookie (when the token came as a cookie).",
			Errors:  []domain.Code{domain.CodeUnauthenticated, domain.CodeTokenInvalid, domain.CodeTokenExpired, domain.CodeSessionExpired}},
		{Method: "POST", Path: "/api/auth/logout", Tag: "auth", Auth: MaybeSigned, Summary: "Sign out",
			Description: "Ends the session of the request's credentials and everything under it, and clears the cookies. " +
				"Idempotent: signed_out is false when there was no live session.",
			Data: obj("signed_out", boolean())},
		{Method: "GET", Path: "/api/me", Tag: "account", Auth: Signed, Summary: "The signed-in user, roles, permissions and session",
			Params: []S{query("system", str(), "The system whose roles and permissions to answer (default gatehouse).")},
			Data:   ref("Me"), Errors: []domain.Code{d}},
		{Method: "POST", Path: "/api/me/password", Tag: "account", Auth: Signed, Summary: "Change one's own password",
			Description: "Every other session of the user ends; this one stays.",
			Body:        input("old_password", str(), "new_password", str()),
			Data:        obj("changed", S{"const": true}),
			Errors:      []domain.Code{d, domain.CodeInvalidCredentials, domain.CodeWeakPassword}},
		{Method: "GET", Path: "/api/me/sessions", Tag: "account", Auth: Signed, Summary: "One's own live sessions",
			Data: obj("sessions", arr(ref("Session")))},
		{Method: "DELETE", Path: "/api/me/sessions/{sid}", Tag: "account", Auth: Signed, Summary: "End one of one's own sessions",
			Description: "Another user's session is not_found. Ending the current one also clears the cookies.",
			Data:        obj("revoked", str("The sid.")), Errors: []domain.Code{domain.CodeNotFound}},
		{Method: "DELETE", Path: "/api/me/sessions", Tag: "account", Auth: Signed, Summary: "End every one of one's sessions but the current",
			Data: obj("revoked", integer("How many ended."))},
		verifyOp(),
		{Method: "GET", Path: "/api/openapi.json", Tag: "meta", Summary: "This document",
			Description: "The OpenAPI 3.1 document of the native API. Cacheable for a short while.", NoDeps: true,
			Raw: S{"description": "The document itself (no envelope).",
				"content": S{"application/json": S{"schema": S{"type": "object"}}}}},
		{Method: "GET", Path: "/.well-known/jwks.json", Tag: "meta", Summary: "Public keys that verify access tokens (RFC 7517)",
			Description: "The active key of each algorithm and the retired ones whose tokens may still be alive.",
			Raw: S{"description": "A JWK set (no envelope).", "content": S{"application/jwk-set+json": S{"schema": obj(
				"keys", arr(S{"type": "object", "required": []string{"kty", "kid"}}))}}}},
	}
}

// demoOps are served with --demo: requirement 001's test controller.
func demoOps() []Op {
	greet := obj("endpoint", str(), "user?", str(), "roles?", strs("Roles in the demo system."))
	forbidden := []domain.Code{domain.CodeForbidden}
	return []Op{
		{Method: "GET", Path: "/api/demo/everyone", Tag: "demo", Auth: MaybeSigned, Summary: "Anonymous welcome", Data: greet},
		{Method: "GET", Path: "/api/demo/user", Tag: "demo", Auth: Signed, Summary: "Any demo role", Data: greet, Errors: forbidden},
		{Method: "GET", Path: "/api/demo/editor", Tag: "demo", Auth: Signed, Summary: "Permission demo:article:edit", Data: greet, Errors: forbidden},
		{Method: "GET", Path: "/api/demo/admin", Tag: "demo", Auth: Signed, Summary: "Role ADMIN in demo", Data: greet, Errors: forbidden},
	}
}

// verifyOp is the forward-auth endpoint: it answers with headers, for any method.
func verifyOp() Op {
	hdr := func(desc string) S { return S{"description": desc, "schema": S{"type": "string"}} }
	return Op{Method: "GET", Path: "/api/verify", Tag: "gateway", Auth: MaybeSigned,
		Summary: "Forward-auth check for nginx auth_request, Traefik ForwardAuth and Caddy forward_auth",
		Description: "Any method is answered the same (proxies forward the original one). The original request is read from a trusted proxy only: " +
			"X-Original-URL (nginx) or X-Forwarded-Proto, X-Forwarded-Host and X-Forwarded-Uri (Traefik, Caddy); " +
			"X-Original-Method / X-Forwarded-Method name its method. The caller is the session cookie or bearer token of the original request. " +
			"Browsers behind Traefik and Caddy that must sign in get a 302 to the login page; everyone else a 401 naming it in X-Auth-Login-URL.",
		Params: []S{
			{"name": "X-Original-URL", "in": "header", "schema": str(), "description": "nginx: $scheme://$http_host$request_uri."},
			{"name": "X-Forwarded-Host", "in": "header", "schema": str()},
			{"name": "X-Forwarded-Uri", "in": "header", "schema": str()},
			{"name": "X-Forwarded-Proto", "in": "header", "schema": enum("http", "https")},
		},
		Raw: S{"description": "Allowed. No body; the identity headers are always present, empty when unknown. " +
			"Whatever a client sends under X-Auth- is never believed.",
			"headers": S{
				"X-Auth-User": hdr("Username."), "X-Auth-User-Id": hdr("User id."),
				"X-Auth-Roles":       hdr("Comma-separated roles in the rule's system."),
				"X-Auth-Permissions": hdr("Comma-separated permission codes."),
				"X-Auth-Session":     hdr("The session id."),
			}},
		Extra: map[string]S{"302": {"description": "A browser (Accept: text/html) behind Traefik or Caddy must sign in: redirected to the login page.",
			"headers": S{"Location": hdr("The login page, with continue= the return hop.")}}},
		ErrorHeaders: map[string]S{"401": {"X-Auth-Login-URL": hdr("The login page for the original URL, for the proxy to redirect to.")}},
		Errors:       []domain.Code{domain.CodeInvalidInput, domain.CodeUnauthenticated, domain.CodeForbidden},
	}
}
