package spec

import "github.com/gatehouse/gatehouse/internal/domain"

// ssoOps are the JSON routes of the browser-SSO face (internal/httpapi/ssoapi) that a
// sub-system's server calls; docs/sso.md tells the whole protocol.
func ssoOps() []Op {
	claims := func(kv ...any) S {
		return obj(append([]any{"user", ref("SSOUser"), "system", str("The calling system."),
			"roles", strs("The user's roles in this system."), "permissions", strs("Permission codes in this system."),
			"sid", str("The global session; single-logout notices name it.")}, kv...)...)
	}
	tokens := []any{"access_token", str("A JWT whose aud is this system alone."), "token_type", S{"const": "Bearer"},
		"expires_in", integer("Seconds.")}
	return []Op{
		{Method: "POST", Path: "/sso/validate", Tag: "sso", Auth: SystemKey, Summary: "Redeem a ticket",
			Description: "The ticket is consumed by this call, even when it fails (except for bad system credentials). " +
				"redirect_uri must be the one the ticket was sent to; code_verifier is required when the sign-in sent a code_challenge and refused when it did not. " +
				"Cache-Control: no-store.",
			Body: input("ticket", str(), "redirect_uri", S{"type": "string", "format": "uri"}, "code_verifier?", str("RFC 7636 §4.1.")),
			Data: claims(append([]any{"session_expires_at", timestamp()}, append(tokens,
				"refresh_token?", str("Rotate it at /sso/refresh; bound to this system, the session and the client."))...)...),
			Errors: []domain.Code{domain.CodeTokenInvalid, domain.CodeSessionExpired, domain.CodeForbidden}},
		{Method: "POST", Path: "/sso/refresh", Tag: "sso", Auth: SystemKey, Summary: "Rotate a system's refresh token",
			Description: "The old token dies at once; a retry within tokens.refresh_grace returns the same successor, any later reuse revokes the family.",
			Body:        input("refresh_token", str()),
			Data:        obj(append(tokens, "refresh_token", str(), "roles", strs(), "permissions", strs(), "sid", str())...),
			Errors:      []domain.Code{domain.CodeInvalidInput, domain.CodeTokenInvalid, domain.CodeSessionExpired}},
		{Method: "GET", Path: "/sso/userinfo", Tag: "sso", Auth: SystemJWT, Summary: "The user behind a system's access token",
			Description: "Answers a strong ETag and Cache-Control: private, no-cache; If-None-Match that matches gets 304. Asking does not renew the session.",
			Params:      []S{{"name": "If-None-Match", "in": "header", "schema": str()}},
			Data:        claims(),
			Extra:       map[string]S{"304": {"description": "Not modified: the user, roles and permissions are those of the ETag."}},
			Errors:      []domain.Code{domain.CodeTokenInvalid, domain.CodeTokenExpired, domain.CodeSessionExpired}},
		{Method: "GET", Path: "/sso/users/{id}", Tag: "sso", Auth: SystemKey, Summary: "A user's status and details",
			Data: ref("SSOUser"), Errors: []domain.Code{domain.CodeNotFound}},
		{Method: "POST", Path: "/sso/touch", Tag: "sso", Auth: SystemKey, Summary: "Keep the global session alive",
			Description: "alive is false (never an error) when the session ended, its user is no longer active, or this system never joined it. " +
				"Renewal is throttled by session.touch_every.",
			Body:   input("sid", S{"type": "string", "minLength": 1, "maxLength": 128}),
			Data:   obj("alive", boolean(), "expires_at", orNull(timestamp())),
			Errors: []domain.Code{domain.CodeInvalidInput}},
	}
}

func ssoSchemas() S {
	return S{
		"SSOUser": obj("id", str(), "username", str(), "display_name", str(), "email", str("Empty when unknown."),
			"status", enum("active", "disabled", "locked")),
	}
}
