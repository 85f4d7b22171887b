package spec

import "github.com/gatehouse/gatehouse/internal/domain"

// adminOps are the routes of the admin API (internal/httpapi/adminapi), as docs/admin-api.md
// contracts them. Every change is audited under the type of the change, details.via admin_api.
func adminOps() []Op {
	in, nf, cf := domain.CodeInvalidInput, domain.CodeNotFound, domain.CodeConflict
	weak := domain.CodeWeakPassword
	op := func(method, path, perm, summary string, o Op) Op {
		o.Method, o.Path, o.Tag, o.Auth, o.Permission, o.Summary = method, path, "admin", Signed, "gatehouse:"+perm, summary
		return o
	}
	userPatch := input("display_name?", str(), "email?", S{"type": "string", "format": "email"},
		"status?", enum("active", "disabled", "locked"))
	systemIn := input("id", S{"type": "string", "pattern": "^[a-z0-9_-]+$", "description": "Lower-case letters, digits, - and _."},
		"name", str(), "redirect_uris?", arr(S{"type": "string", "format": "uri"}, "Compared exactly as parsed URLs."),
		"logout_url?", str("Back-channel logout URL."), "protocols?", arr(enum("sso", "cas", "oidc"), "Empty: all."),
		"oidc?", ref("OIDCSettings"))
	systemPatch := input("name?", str(), "redirect_uris?", arr(S{"type": "string", "format": "uri"}), "logout_url?", str(),
		"protocols?", arr(enum("sso", "cas", "oidc")), "oidc?", ref("OIDCSettings"))
	grants := obj("grants", arr(ref("Grant")))
	return []Op{
		op("GET", "/api/admin/users", "users:read", "List users", Op{
			Params: append([]S{query("q", str(), "Substring of username, display name or e-mail."),
				query("status", enum("active", "disabled", "locked"), "Only users of this status.")}, paging...),
			Data: page("AdminUser"), Errors: []domain.Code{in}}),
		op("POST", "/api/admin/users", "users:write", "Create a user", Op{
			Description: "Without a password a one-time password is generated and answered once as data.password.",
			Body:        input("username", str(), "display_name?", str(), "email?", S{"type": "string", "format": "email"}, "password?", str()),
			Status:      201, Data: obj("user", ref("AdminUser"), "password?", str("The generated one-time password, shown once.")),
			Errors: []domain.Code{in, cf}}),
		op("GET", "/api/admin/users/{id}", "users:read", "Read a user and their grants", Op{
			Data: obj("user", ref("AdminUser"), "grants", arr(ref("Grant"))), Errors: []domain.Code{nf}}),
		op("PATCH", "/api/admin/users/{id}", "users:write", "Edit a user", Op{
			Description: "A status other than active ends every session of the user at once. An administrator cannot disable or lock their own account (invalid_input). " + noEscalationUser,
			Body:        userPatch, Data: ref("AdminUser"), Errors: []domain.Code{in, nf, cf}}),
		op("POST", "/api/admin/users/{id}/password", "users:write", "Reset a user's password", Op{
			Description: "Without a password (no body at all, or an empty password) one is generated and answered once; " +
				"with a given password the answer is {}. Every session of the user ends. " + noEscalationUser,
			Body: input("password?", str()), BodyOptional: true,
			Data: obj("password?", str("The generated password, shown once.")), Errors: []domain.Code{in, nf, weak}}),
		op("PUT", "/api/admin/users/{id}/roles/{roleId}", "users:write", "Grant a role", Op{
			Description: "Idempotent; answers the user's grants. " + noEscalationRole + " " + noEscalationUser,
			Data:        grants, Errors: []domain.Code{nf}}),
		op("DELETE", "/api/admin/users/{id}/roles/{roleId}", "users:write", "Revoke a role", Op{
			Description: "Idempotent; answers the user's grants. " + noEscalationRole + " " + noEscalationUser,
			Data:        grants, Errors: []domain.Code{nf}}),
		op("GET", "/api/admin/users/{id}/sessions", "users:read", "A user's live sessions", Op{
			Data: obj("items", arr(ref("AdminSession"))), Errors: []domain.Code{nf}}),
		op("DELETE", "/api/admin/users/{id}/sessions", "sessions:revoke", "Sign a user out everywhere", Op{
			Data: obj("ended", integer()), Errors: []domain.Code{nf}}),

		op("GET", "/api/admin/systems", "systems:read", "List systems", Op{Data: obj("items", arr(ref("System")))}),
		op("POST", "/api/admin/systems", "systems:write", "Register a system", Op{
			Description: "The secret is answered once; a public OIDC client (oidc.public) gets none.",
			Body:        systemIn, Status: 201, Data: obj("system", ref("System"), "secret?", str("Shown once.")),
			Errors: []domain.Code{in, cf}}),
		op("GET", "/api/admin/systems/{id}", "systems:read", "Read a system", Op{Data: ref("System"), Errors: []domain.Code{nf}}),
		op("PATCH", "/api/admin/systems/{id}", "systems:write", "Edit a system", Op{
			Body: systemPatch, Data: ref("System"), Errors: []domain.Code{in, nf, cf}}),
		op("DELETE", "/api/admin/systems/{id}", "systems:write", "Delete a system", Op{
			Description: "The gatehouse system itself cannot be deleted (invalid_input).", Errors: []domain.Code{in, nf, domain.CodeForbidden, cf}}),
		op("POST", "/api/admin/systems/{id}/secret", "systems:write", "Rotate a system's secret", Op{
			Description: "The old secret stops working at once on this node, within seconds elsewhere.",
			Data:        obj("secret", str("Shown once.")), Errors: []domain.Code{nf, in}}),
		op("GET", "/api/admin/systems/{id}/logout-deliveries", "systems:read", "Single-logout delivery report of a system", Op{
			Data: ref("DeliveryReport"), Errors: []domain.Code{nf}}),

		op("GET", "/api/admin/roles", "systems:read", "List roles", Op{
			Params: []S{query("system", str(), "Only the roles of this system.")},
			Data:   obj("items", arr(ref("Role"))), Errors: []domain.Code{in}}),
		op("POST", "/api/admin/roles", "systems:write", "Create a role", Op{
			Body:        input("system", str(), "name", str(), "description?", str(), "permissions?", strs("Codes system:resource:action; any segment may be *.")),
			Description: "A role outside the gatehouse system holds codes of its own system only. " + noEscalationRole,
			Status:      201, Data: ref("Role"), Errors: []domain.Code{in, nf, cf}}),
		op("PATCH", "/api/admin/roles/{id}", "systems:write", "Edit a role", Op{
			Description: "permissions replace the whole set; those of super-admin cannot change (invalid_input). " + noEscalationRole,
			Body:        input("description?", str(), "permissions?", strs()), Data: ref("Role"), Errors: []domain.Code{in, nf, cf}}),
		op("DELETE", "/api/admin/roles/{id}", "systems:write", "Delete a role", Op{
			Description: "super-admin cannot be deleted (invalid_input). " + noEscalationRole,
			Errors:      []domain.Code{in, nf}}),

		op("GET", "/api/admin/sessions", "sessions:read", "List live sessions, newest first", Op{
			Params: append([]S{query("user", str(), "A user id or username.")}, paging...),
			Data:   page("AdminSession"), Errors: []domain.Code{in}}),
		op("DELETE", "/api/admin/sessions/{sid}", "sessions:revoke", "End a session", Op{Errors: []domain.Code{nf}}),

		op("GET", "/api/admin/audit", "audit:read", "Read the audit log, newest first", Op{
			Params: append([]S{query("user", str(), "Actor or subject: a user id or username."),
				query("type", S{"type": "string", "maxLength": 64}, "An exact type, or a prefix ending in . (admin.)."),
				query("since", S{"type": "string", "format": "date-time"}, "RFC 3339, inclusive."),
				query("until", S{"type": "string", "format": "date-time"}, "RFC 3339, exclusive; after since.")}, paging...),
			Data: page("AuditEvent"), Errors: []domain.Code{in}}),
		op("GET", "/api/admin/stats", "stats:read", "Dashboard statistics", Op{
			Params: []S{query("range", S{"type": "string", "enum": []string{"24h", "7d", "30d"}, "default": "24h"},
				"24h: hourly buckets; 7d, 30d: daily buckets.")},
			Data: obj("range", enum("24h", "7d", "30d"), "bucket", enum("hour", "day"), "buckets", arr(obj("start", timestamp(), "logins", integer(), "failures", integer(), "locks", integer())),
				"totals", obj("users", integer(), "systems", integer(), "live_sessions", integer())),
			Errors: []domain.Code{in}}),
	}
}

// The no-escalation rule of docs/admin-api.md, said where it applies.
const (
	noEscalationRole = "A role of the gatehouse system can be granted, revoked, created, edited or deleted only by a caller " +
		"holding every one of its permission codes (else forbidden, naming the code)."
	noEscalationUser = "A user holding gatehouse roles can be changed only by a caller holding every code of those roles (else forbidden)."
)

func adminSchemas() S {
	return S{
		"AdminUser": obj("id", str(), "username", str(), "display_name", str(), "email?", str("Absent when empty."),
			"status", enum("active", "disabled", "locked"), "created_at", timestamp(), "updated_at", timestamp(),
			"password_changed_at", orNull(timestamp("Null when the user never had a password set.")),
			"version", integer("Grows with every change.")),
		"Grant": obj("role_id", str(), "system", str(), "role", str(), "permissions", strs()),
		"OIDCSettings": obj("public?", boolean("A public client has no secret (PKCE only)."),
			"grant_types?", arr(enum("authorization_code", "refresh_token", "client_credentials"),
				"Empty: authorization_code and refresh_token. A public client may not use client_credentials."),
			"scopes?", strs("Empty: every scope."), "id_token_alg?", enum("EdDSA", "ES256", "RS256"), "post_logout_redirect_uris?", strs()),
		"System": obj("id", str(), "name", str(), "redirect_uris", strs(), "logout_url", str(),
			"protocols", arr(enum("sso", "cas", "oidc"), "Empty: all."),
			"oidc", S{"allOf": []S{ref("OIDCSettings")}, "description": "Every member present; empty lists mean the defaults."},
			"has_secret", boolean(), "created_at", timestamp(), "updated_at", timestamp()),
		"Role": obj("id", str(), "system", str(), "name", str(), "description", str(), "permissions", strs(),
			"created_at", timestamp()),
		"AdminSession": obj("id", str(), "user_id", str(), "username", str(), "device_id", str(), "ip", str(),
			"user_agent", str(), "created_at", timestamp(), "last_seen", timestamp(), "expires_at", timestamp(),
			"remember_me", boolean(), "systems", strs(), "current", boolean("The administrator's own session.")),
		"AuditEvent": obj("id", integer(), "time", timestamp(), "type", str("login.success, admin.user.create, …"),
			"actor_id", str(), "subject_id", str(), "system", str(), "session_id", str(), "ip", str(), "user_agent", str(),
			"outcome", str(), "reason", str(), "details", S{"type": "object", "additionalProperties": S{"type": "string"}}),
		"DeliveryReport": obj("ready", integer("Waiting to be sent now."), "scheduled", integer("Waiting for a retry, or being sent."),
			"dead", integer("Given up."), "dead_letters", arr(obj("id", str(), "attempts", integer(), "enqueued_at", timestamp(),
				"last_error", str(), "sid", str(), "kind", enum("oidc", "cas")), "The oldest dead letters, at most 100.")),
	}
}
