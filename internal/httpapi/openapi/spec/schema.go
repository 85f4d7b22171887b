package spec

import "strings"

// The small vocabulary the descriptions are written in.

func ref(name string) S { return S{"$ref": "#/components/schemas/" + name} }

func withDesc(s S, desc []string) S {
	if len(desc) > 0 {
		s["description"] = strings.Join(desc, " ")
	}
	return s
}

func str(desc ...string) S     { return withDesc(S{"type": "string"}, desc) }
func integer(desc ...string) S { return withDesc(S{"type": "integer"}, desc) }
func boolean(desc ...string) S { return withDesc(S{"type": "boolean"}, desc) }
func timestamp(desc ...string) S {
	return withDesc(S{"type": "string", "format": "date-time"}, desc)
}
func enum(values ...string) S { return S{"type": "string", "enum": values} }
func arr(items S, desc ...string) S {
	return withDesc(S{"type": "array", "items": items}, desc)
}
func strs(desc ...string) S { return arr(S{"type": "string"}, desc...) }

// orNull admits null besides s.
func orNull(s S) S { return S{"oneOf": []S{s, {"type": "null"}}} }

// obj is an object schema from alternating names and schemas; a name ending in "?" is
// optional, every other one required. Unknown members are not added by the server.
func obj(kv ...any) S {
	props := S{}
	required := []string{}
	for i := 0; i+1 < len(kv); i += 2 {
		name := kv[i].(string)
		if n, ok := strings.CutSuffix(name, "?"); ok {
			name = n
		} else {
			required = append(required, name)
		}
		props[name] = kv[i+1].(S)
	}
	s := S{"type": "object", "properties": props}
	if len(required) > 0 {
		s["required"] = required
	}
	return s
}

// input is an object schema of a request body: strict decoding refuses unknown members.
func input(kv ...any) S {
	s := obj(kv...)
	s["additionalProperties"] = false
	return s
}

// page is a list answer of the admin API.
func page(item string) S {
	return obj("items", arr(ref(item)), "total", integer("Every match, not only this page."),
		"offset", integer(), "limit", integer())
}

func query(name string, schema S, desc string) S {
	return S{"name": name, "in": "query", "required": false, "schema": schema, "description": desc}
}

var paging = []S{
	query("offset", S{"type": "integer", "minimum": 0, "maximum": 1000000000, "default": 0}, "Items to skip; a page past the end is empty with the right total."),
	query("limit", S{"type": "integer", "minimum": 1, "maximum": 200, "default": 50}, "Items per page (at most 200)."),
}

// schemas are the shared shapes (components.schemas).
func schemas() S {
	return S{
		"ErrorEnvelope": obj(
			"code", S{"type": "integer", "minimum": 40001, "description": "The stable number of the error (see the catalog in docs/api.md)."},
			"msg", str("A message for people, in the caller's language (Accept-Language). Do not parse it."),
			"data", orNull(ref("ErrorData"))),
		"ErrorData": obj(
			"fields?", arr(ref("FieldError"), "For invalid_input and weak_password: every problem at once."),
			"detail?", str("A more specific explanation in English, safe to show.")),
		"FieldError": obj("field", str(), "problem", str()),
		"User": obj("id", str(), "username", str(), "display_name", str(),
			"email?", S{"type": "string", "format": "email"}, "status", enum("active", "disabled", "locked")),
		"Session": obj("id", str("The session id (sid)."), "device_id", str(), "ip", str(), "user_agent", str(),
			"created_at", timestamp(), "last_seen", timestamp(), "expires_at", timestamp(),
			"remember_me", boolean(), "systems", strs("Systems signed in through this session."),
			"current", boolean("The session of the request's own credentials.")),
		"Token": obj("access_token", str("A JWT (EdDSA or ES256) with iss, sub, aud, exp, iat, nbf, jti, sid, username, roles."),
			"token_type", S{"const": "Bearer"}, "expires_in", integer("Seconds."), "expires_at", timestamp(),
			"refresh_token?", str("Only when tokens.refresh_in_body is on, or the refresh token came in the body."),
			"audience", strs(), "roles?", strs()),
		"SignIn": obj("token", ref("Token"), "session", ref("Session"), "user", ref("User"),
			"system", str("The system asked for (default gatehouse)."),
			"roles", strs("Roles in that system."), "permissions", strs("Permission codes in that system.")),
		"Me": obj("user", ref("User"), "system", str(), "roles", strs(), "permissions", strs(), "session", ref("Session")),
	}
}
