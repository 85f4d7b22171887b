package spec

import (
	"bytes"
	"encoding/json"
	"errors"
	"maps"
)

// tags name the groups of operations, in the order a reader meets them.
var tags = []struct{ Name, Description string }{
	{"auth", "Sign-in and tokens: captcha, login, refresh, logout."},
	{"account", "The signed-in user's own account: profile, password, sessions."},
	{"admin", "The admin API (docs/admin-api.md): users, systems, roles, sessions, audit, statistics. " +
		"Each route needs a permission code of the gatehouse system; the super-admin role's * grants all. " +
		"A query parameter that is not a whole number in range, is given twice or is longer than 256 bytes is invalid_input; " +
		"every change is audited with details.via admin_api."},
	{"gateway", "Forward-auth for reverse proxies."},
	{"demo", "Requirement 001's demo controller, served with --demo."},
	{"meta", "This document and the token verification keys."},
	{"sso", "Browser SSO, server-to-server JSON routes under /sso/ (docs/sso.md). Same envelope and catalog."},
}

func tagRank(name string) int {
	for i, t := range tags {
		if t.Name == name {
			return i
		}
	}
	return len(tags)
}

// Ops is every documented operation.
func Ops() []Op {
	var ops []Op
	ops = append(ops, authOps()...)
	ops = append(ops, adminOps()...)
	ops = append(ops, demoOps()...)
	ops = append(ops, ssoOps()...)
	return ops
}

const intro = "The JSON interface of Gatehouse under /api/ (and the server-to-server routes of /sso/).\n\n" +
	"Every answer, success or error, is the envelope {code, msg, data}: code 0 and msg \"ok\" on success, " +
	"else the stable number of the error and a message in the caller's language (Accept-Language, English or Chinese). " +
	"Branch on code, never on msg. Each operation lists the error codes it answers in x-error-codes and, per status, in its responses.\n\n" +
	"Request bodies are one JSON value with Content-Type: application/json, at most 1 MiB, decoded strictly " +
	"(unknown members, trailing data and wrong types are malformed_body). Every answer carries X-Request-Id; " +
	"answers under /api/ carry Cache-Control: no-store unless said otherwise. " +
	"State-changing routes refuse browser requests from another origin (forbidden). Unknown /api/ paths answer not_found, " +
	"known paths with another method method_not_allowed with Allow. Conventions and the catalog: docs/api.md."

// Document is the OpenAPI 3.1 document of the native API.
func Document() S {
	ops := Ops()
	var tagList []S
	for _, name := range sortedTags(ops) {
		for _, t := range tags {
			if t.Name == name {
				tagList = append(tagList, S{"name": t.Name, "description": t.Description})
			}
		}
	}
	all := schemas()
	maps.Copy(all, adminSchemas())
	maps.Copy(all, ssoSchemas())
	return S{
		"openapi": "3.1.0",
		"info": S{
			"title":       "Gatehouse native API",
			"version":     "1",
			"description": intro,
		},
		"servers": []S{{"url": "/", "description": "The Gatehouse server itself (its base URL)."}},
		"tags":    tagList,
		"paths":   Paths(ops),
		"components": S{
			"schemas": all,
			"securitySchemes": S{
				"sessionCookie": S{"type": "apiKey", "in": "cookie", "name": "gatehouse_session",
					"description": "The session cookie set at sign-in, <sid>.<secret>; named __Host-gatehouse_session over HTTPS. " +
						"Roles listed in a requirement are permission codes of the gatehouse system."},
				"bearerJWT": S{"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
					"description": "An access token from sign-in or refresh (audience gatehouse). It stops working the moment its session ends."},
				"refreshCookie": S{"type": "apiKey", "in": "cookie", "name": "gatehouse_refresh",
					"description": "The refresh token cookie (path /api/auth/refresh); __Secure-gatehouse_refresh over HTTPS."},
				"systemBasic": S{"type": "http", "scheme": "basic",
					"description": "A registered system's id and secret (RFC 7617), server to server."},
				"systemBearer": S{"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
					"description": "An access token issued to a system by /sso/validate or /sso/refresh (audience: that system alone)."},
			},
			"headers": S{
				"WWWAuthenticate": S{"description": "Bearer realm=\"gatehouse\" (with error=\"invalid_token\" for token_invalid and token_expired); Basic for system credentials.",
					"schema": S{"type": "string"}},
				"RetryAfter": S{"description": "Seconds until the caller may try again.", "schema": S{"type": "integer"}},
			},
		},
	}
}

// JSON is the document as the server serves it: indented, members in a reading order
// (keyOrder), ending in a newline.
func JSON() ([]byte, error) {
	var b bytes.Buffer
	if err := encode(&b, Document(), ""); err != nil {
		return nil, err
	}
	b.WriteByte('\n')
	if !json.Valid(b.Bytes()) {
		return nil, errors.New("openapi: rendered JSON is not valid")
	}
	return b.Bytes(), nil
}
