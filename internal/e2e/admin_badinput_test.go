package e2e

import (
	"fmt"
	"strings"
	"testing"
)

// TestAdminScriptInDisplayName: a display name holding markup is stored as given and comes
// back JSON-escaped, never as markup.
func TestAdminScriptInDisplayName(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			s := startServer(t, b, nil)
			admin, _ := s.adminClient(t)
			evil := `<script>alert("x")</script><img src=x onerror=alert(1)>&amp;`
			u, _ := createUser(t, admin, map[string]any{"username": "mallory", "display_name": evil, "password": "Long-Passw0rd-Of-M"})
			if u.DisplayName != evil {
				t.Fatalf("display name came back as %q", u.DisplayName)
			}
			e := admin.do("GET", "/api/admin/users/"+u.ID, nil)
			expect(t, e, 200, 0, "read mallory")
			if strings.ContainsAny(string(e.Data), "<>") || !strings.Contains(string(e.Data), `\u003cscript\u003e`) {
				t.Errorf("raw answer is not escaped: %s", e.Data)
			}
			if ct := e.header.Get("Content-Type"); ct != "application/json; charset=utf-8" || e.header.Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("headers: %v", e.header)
			}
			stored, err := s.SQL.UserByID(t.Context(), u.ID)
			if err != nil || stored.DisplayName != evil {
				t.Errorf("stored display name %q, %v", stored.DisplayName, err)
			}
		})
	}
}

// TestAdminCrossSite: a state-changing admin request sent cross-site by a browser carrying the
// administrator's cookie is refused as forbidden and changes nothing.
func TestAdminCrossSite(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			s := startServer(t, b, nil)
			admin, al := s.adminClient(t)
			jack := s.client("203.0.113.1", "jack")
			jl := jack.mustLogin("jack", "jack123", nil)
			editor := roleID(t, admin, "demo", "EDITOR")
			for _, hdr := range [][]string{
				{"Sec-Fetch-Site", "cross-site"},
				{"Origin", "https://evil.example"},
				{"Sec-Fetch-Site", "same-site", "Origin", "https://sub.evil.example"},
			} {
				for _, c := range []struct {
					method, path string
					body         any
				}{
					{"POST", "/api/admin/users", map[string]any{"username": "csrf", "password": "Long-Passw0rd-Of-C"}},
					{"PATCH", "/api/admin/users/" + jl.User.ID, map[string]any{"status": "disabled"}},
					{"PUT", "/api/admin/users/" + jl.User.ID + "/roles/" + editor, nil},
					{"DELETE", "/api/admin/sessions/" + jl.Session.ID, nil},
					{"DELETE", "/api/admin/users/" + jl.User.ID + "/sessions", nil},
					{"DELETE", "/api/admin/systems/demo", nil},
					{"POST", "/api/admin/systems/demo/secret", nil},
				} {
					e := admin.do(c.method, c.path, c.body, hdr...)
					expect(t, e, 403, codeForbidden, fmt.Sprintf("%s %s with %v", c.method, c.path, hdr))
				}
			}
			// Nothing changed.
			expect(t, admin.do("GET", "/api/admin/users?q=csrf", nil), 200, 0, "list")
			if p := get[adminPage[adminUser]](t, admin, "/api/admin/users?q=csrf"); p.Total != 0 {
				t.Errorf("a user was created: %+v", p)
			}
			expect(t, jack.do("GET", "/api/me", nil), 200, 0, "jack's session")
			if me := get[struct{ Roles []string }](t, jack, "/api/me?system=demo"); len(me.Roles) != 1 || me.Roles[0] != "USER" {
				t.Errorf("jack's roles: %v", me.Roles)
			}
			if _, err := s.Identity.System(t.Context(), "demo"); err != nil {
				t.Errorf("demo system: %v", err)
			}
			// The same requests from the console's own origin pass.
			e := admin.do("DELETE", "/api/admin/sessions/"+jl.Session.ID, nil, "Sec-Fetch-Site", "same-origin")
			expect(t, e, 200, 0, "same-origin revocation")
			_ = al
		})
	}
}

// adminRoutes is one request per admin route, with a harmless body where one is needed.
func adminRoutes(userID, roleID, sid string) []struct {
	method, path string
	body         any
} {
	return []struct {
		method, path string
		body         any
	}{
		{"GET", "/api/admin/users", nil},
		{"POST", "/api/admin/users", map[string]any{"username": "intruder", "password": "Long-Passw0rd-Of-I"}},
		{"GET", "/api/admin/users/" + userID, nil},
		{"PATCH", "/api/admin/users/" + userID, map[string]any{"status": "disabled"}},
		{"POST", "/api/admin/users/" + userID + "/password", map[string]any{"password": "Hijacked-Passw0rd"}},
		{"PUT", "/api/admin/users/" + userID + "/roles/" + roleID, nil},
		{"DELETE", "/api/admin/users/" + userID + "/roles/" + roleID, nil},
		{"GET", "/api/admin/users/" + userID + "/sessions", nil},
		{"DELETE", "/api/admin/users/" + userID + "/sessions", nil},
		{"GET", "/api/admin/systems", nil},
		{"POST", "/api/admin/systems", map[string]any{"id": "intruder", "name": "Intruder"}},
		{"GET", "/api/admin/systems/demo", nil},
		{"PATCH", "/api/admin/systems/demo", map[string]any{"name": "Owned"}},
		{"DELETE", "/api/admin/systems/demo", nil},
		{"POST", "/api/admin/systems/demo/secret", nil},
		{"GET", "/api/admin/systems/demo/logout-deliveries", nil},
		{"GET", "/api/admin/roles", nil},
		{"POST", "/api/admin/roles", map[string]any{"system": "demo", "name": "INTRUDER"}},
		{"PATCH", "/api/admin/roles/" + roleID, map[string]any{"permissions": []string{"demo:*"}}},
		{"DELETE", "/api/admin/roles/" + roleID, nil},
		{"GET", "/api/admin/sessions", nil},
		{"DELETE", "/api/admin/sessions/" + sid, nil},
		{"GET", "/api/admin/audit", nil},
		{"GET", "/api/admin/stats", nil},
	}
}

// TestAdminPermissions: without a sign-in every admin route is unauthenticated, and without
// the permission forbidden, changing nothing; a role holding gatehouse:users:* opens the
// user routes only, and gatehouse:*:read every read and no write.
func TestAdminPermissions(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			s := startServer(t, b, nil)
			admin, _ := s.adminClient(t)
			jack := s.client("203.0.113.1", "jack")
			jl := jack.mustLogin("jack", "jack123", nil)
			user := roleID(t, admin, "demo", "USER")
			auditBefore := get[adminPage[adminAudit]](t, admin, "/api/admin/audit").Total

			anon := s.client("203.0.113.9", "anon")
			for _, r := range adminRoutes(jl.User.ID, user, jl.Session.ID) {
				expect(t, anon.do(r.method, r.path, r.body), 401, codeUnauth, "anonymous "+r.method+" "+r.path)
				expect(t, jack.do(r.method, r.path, r.body), 403, codeForbidden, "jack "+r.method+" "+r.path)
			}
			bearer := s.client("203.0.113.1", "jack-script")
			bearer.bearer = jl.Token.AccessToken
			expect(t, bearer.do("DELETE", "/api/admin/systems/demo", nil), 403, codeForbidden, "jack with a bearer token")
			if after := get[adminPage[adminAudit]](t, admin, "/api/admin/audit").Total; after != auditBefore {
				t.Errorf("refused requests changed the audit log: %d events, then %d", auditBefore, after)
			}
			expect(t, jack.do("GET", "/api/me", nil), 200, 0, "jack still signed in")
			if _, err := s.Identity.System(t.Context(), "demo"); err != nil {
				t.Errorf("demo system: %v", err)
			}

			// A user administrator: gatehouse:users:*.
			e := admin.do("POST", "/api/admin/roles", map[string]any{"system": "gatehouse", "name": "USER-ADMIN", "permissions": []string{"gatehouse:users:*"}})
			expect(t, e, 201, 0, "create USER-ADMIN")
			var ua adminRole
			e.decode(t, &ua)
			e = admin.do("POST", "/api/admin/roles", map[string]any{"system": "gatehouse", "name": "AUDITOR", "permissions": []string{"gatehouse:*:read"}})
			expect(t, e, 201, 0, "create AUDITOR")
			var aud adminRole
			e.decode(t, &aud)
			ops, _ := createUser(t, admin, map[string]any{"username": "ops", "password": "Long-Passw0rd-Of-O"})
			expect(t, admin.do("PUT", "/api/admin/users/"+ops.ID+"/roles/"+ua.ID, nil), 200, 0, "grant USER-ADMIN")
			opsC := s.client("203.0.113.5", "ops")
			opsC.mustLogin("ops", "Long-Passw0rd-Of-O", nil)
			reader, _ := createUser(t, admin, map[string]any{"username": "reader", "password": "Long-Passw0rd-Of-R"})
			expect(t, admin.do("PUT", "/api/admin/users/"+reader.ID+"/roles/"+aud.ID, nil), 200, 0, "grant AUDITOR")
			readerC := s.client("203.0.113.6", "reader")
			readerC.mustLogin("reader", "Long-Passw0rd-Of-R", nil)

			victim, _ := createUser(t, admin, map[string]any{"username": "victim", "password": "Long-Passw0rd-Of-V"})
			for _, r := range adminRoutes(victim.ID, user, "no-such-session") {
				isUserRoute := strings.HasPrefix(r.path, "/api/admin/users") && !(r.method == "DELETE" && strings.HasSuffix(r.path, "/sessions"))
				e := opsC.do(r.method, r.path, r.body)
				if isUserRoute && (e.status == 403 || e.status == 401) || !isUserRoute && e.Code != codeForbidden {
					t.Errorf("user administrator %s %s: %d/%d %s", r.method, r.path, e.status, e.Code, e.Data)
				}
				e = readerC.do(r.method, r.path, r.body)
				if r.method == "GET" && e.Code == codeForbidden || r.method != "GET" && e.Code != codeForbidden {
					t.Errorf("auditor %s %s: %d/%d %s", r.method, r.path, e.status, e.Code, e.Data)
				}
			}

			// No escalation: the user administrator cannot take the super-admin role or the
			// super-admin's account, but manages users within their own powers.
			super := roleID(t, admin, "gatehouse", "super-admin")
			adminID := get[adminPage[adminUser]](t, admin, "/api/admin/users?q=admin").Items[0].ID
			for _, c := range []struct {
				method, path string
				body         any
			}{
				{"PUT", "/api/admin/users/" + ops.ID + "/roles/" + super, nil},
				{"PUT", "/api/admin/users/" + victim.ID + "/roles/" + super, nil},
				{"DELETE", "/api/admin/users/" + adminID + "/roles/" + super, nil},
				{"POST", "/api/admin/users/" + adminID + "/password", nil},
				{"PATCH", "/api/admin/users/" + adminID, map[string]any{"status": "disabled"}},
				{"PATCH", "/api/admin/users/" + adminID, map[string]any{"email": "ops@evil.example"}},
			} {
				expect(t, opsC.do(c.method, c.path, c.body), 403, codeForbidden, "escalation: "+c.method+" "+c.path)
			}
			expect(t, opsC.do("PUT", "/api/admin/users/"+victim.ID+"/roles/"+ua.ID, nil), 200, 0, "grant a role within one's powers")
			s.client("198.51.100.10", "admin-console/1.0").mustLogin("admin", adminPassword, nil)

			sysop, _ := createUser(t, admin, map[string]any{"username": "sysop", "password": "Long-Passw0rd-Of-S"})
			e = admin.do("POST", "/api/admin/roles", map[string]any{"system": "gatehouse", "name": "SYS-ADMIN", "permissions": []string{"gatehouse:systems:*"}})
			expect(t, e, 201, 0, "create SYS-ADMIN")
			var sa adminRole
			e.decode(t, &sa)
			expect(t, admin.do("PUT", "/api/admin/users/"+sysop.ID+"/roles/"+sa.ID, nil), 200, 0, "grant SYS-ADMIN")
			sysC := s.client("203.0.113.7", "sysop")
			sysC.mustLogin("sysop", "Long-Passw0rd-Of-S", nil)
			expect(t, sysC.do("POST", "/api/admin/roles", map[string]any{"system": "gatehouse", "name": "ROOT", "permissions": []string{"*"}}),
				403, codeForbidden, "create a center role beyond one's powers")
			expect(t, sysC.do("PATCH", "/api/admin/roles/"+sa.ID, map[string]any{"permissions": []string{"gatehouse:*"}}),
				403, codeForbidden, "widen one's own role")
			expect(t, sysC.do("DELETE", "/api/admin/roles/"+ua.ID, nil), 403, codeForbidden, "delete a center role beyond one's powers")
			expect(t, sysC.do("POST", "/api/admin/roles", map[string]any{"system": "demo", "name": "ROOT", "permissions": []string{"demo:*"}}),
				201, 0, "a role of another system")
		})
	}
}

// TestAdminBadBodies: malformed, oversized, unknown-member and mistyped bodies get their
// stable codes and change nothing.
func TestAdminBadBodies(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			s := startServer(t, b, nil)
			admin, _ := s.adminClient(t)
			jack := get[adminPage[adminUser]](t, admin, "/api/admin/users?q=jack").Items[0]
			huge := `{"username":"big","display_name":"` + strings.Repeat("x", 2<<20) + `"}`
			for _, c := range []struct {
				name, method, path string
				body               any
				hdr                []string
				status, code       int
			}{
				{"malformed", "POST", "/api/admin/users", `{"username":`, nil, 400, codeMalformed},
				{"not an object", "POST", "/api/admin/users", `[1,2]`, nil, 400, codeMalformed},
				{"unknown member", "POST", "/api/admin/users", `{"username":"eve","password":"Long-Passw0rd-Of-E","is_admin":true}`, nil, 400, codeMalformed},
				{"wrong type", "POST", "/api/admin/users", `{"username":42}`, nil, 400, codeMalformed},
				{"trailing data", "POST", "/api/admin/users", `{"username":"eve"} {}`, nil, 400, codeMalformed},
				{"empty", "POST", "/api/admin/users", ``, nil, 400, codeMalformed},
				{"too large", "POST", "/api/admin/users", huge, nil, 413, codeTooLarge},
				{"not JSON", "POST", "/api/admin/users", `username=eve`, []string{"Content-Type", "application/x-www-form-urlencoded"}, 415, codeMedia},
				{"bad username", "POST", "/api/admin/users", `{"username":"a b","password":"Long-Passw0rd-Of-E","email":"nope"}`, nil, 400, codeInvalidInput},
				{"weak password", "POST", "/api/admin/users", `{"username":"eve","password":"123"}`, nil, 400, codeInvalidInput},
				{"taken username", "POST", "/api/admin/users", `{"username":"JACK","password":"Long-Passw0rd-Of-E"}`, nil, 409, codeConflict},
				{"patch unknown member", "PATCH", "/api/admin/users/" + jack.ID, `{"username":"root"}`, nil, 400, codeMalformed},
				{"patch bad status", "PATCH", "/api/admin/users/" + jack.ID, `{"status":"god"}`, nil, 400, codeInvalidInput},
				{"patch bad email", "PATCH", "/api/admin/users/" + jack.ID, `{"email":"not an address","display_name":"J"}`, nil, 400, codeInvalidInput},
				{"patch control char", "PATCH", "/api/admin/users/" + jack.ID, `{"display_name":"a\u0000b"}`, nil, 400, codeInvalidInput},
				{"patch unknown user", "PATCH", "/api/admin/users/nobody", `{"display_name":"x"}`, nil, 404, codeNotFound},
				{"password weak", "POST", "/api/admin/users/" + jack.ID + "/password", `{"password":"jack"}`, nil, 422, codeWeakPassword},
				{"password unknown member", "POST", "/api/admin/users/" + jack.ID + "/password", `{"pw":"x"}`, nil, 400, codeMalformed},
				{"grant unknown role", "PUT", "/api/admin/users/" + jack.ID + "/roles/nope", nil, nil, 404, codeNotFound},
				{"grant to unknown user", "PUT", "/api/admin/users/nobody/roles/nope", nil, nil, 404, codeNotFound},
				{"system bad id", "POST", "/api/admin/systems", `{"id":"Bad Id!","name":"x"}`, nil, 400, codeInvalidInput},
				{"system bad oidc", "POST", "/api/admin/systems", `{"id":"ok","name":"x","oidc":{"id_token_alg":"none"}}`, nil, 400, codeInvalidInput},
				{"system unknown oidc member", "POST", "/api/admin/systems", `{"id":"ok","name":"x","oidc":{"secret":"x"}}`, nil, 400, codeMalformed},
				{"system has_secret", "POST", "/api/admin/systems", `{"id":"ok","name":"x","has_secret":false}`, nil, 400, codeMalformed},
				{"system patch bad protocol", "PATCH", "/api/admin/systems/demo", `{"protocols":["ftp"]}`, nil, 400, codeInvalidInput},
				{"system patch unknown", "PATCH", "/api/admin/systems/nope", `{"name":"x"}`, nil, 404, codeNotFound},
				{"role bad code", "POST", "/api/admin/roles", `{"system":"demo","name":"R","permissions":["demo::x"]}`, nil, 400, codeInvalidInput},
				{"role unknown system", "POST", "/api/admin/roles", `{"system":"nope","name":"R"}`, nil, 404, codeNotFound},
				{"role patch unknown", "PATCH", "/api/admin/roles/nope", `{"description":"x"}`, nil, 404, codeNotFound},
			} {
				hdr := c.hdr
				e := admin.do(c.method, c.path, c.body, hdr...)
				expect(t, e, c.status, c.code, c.name)
			}
			// Nothing changed.
			if p := get[adminPage[adminUser]](t, admin, "/api/admin/users"); p.Total != 4 {
				t.Errorf("users after bad requests: %d", p.Total)
			}
			after := get[adminPage[adminUser]](t, admin, "/api/admin/users?q=jack").Items[0]
			if after.Version != jack.Version || after.DisplayName != jack.DisplayName || after.Email != jack.Email {
				t.Errorf("jack changed: %+v, was %+v", after, jack)
			}
			if l := get[struct{ Items []struct{ ID string } }](t, admin, "/api/admin/systems"); len(l.Items) != 2 {
				t.Errorf("systems after bad requests: %+v", l)
			}
			s.client("203.0.113.1", "jack").mustLogin("jack", "jack123", nil)
		})
	}
}

// TestAdminBadQueries: bad paging and filters are invalid_input, each problem named.
func TestAdminBadQueries(t *testing.T) {
	s := startServer(t, backends[0], nil)
	admin, _ := s.adminClient(t)
	for _, q := range []string{
		"/api/admin/users?offset=-1", "/api/admin/users?limit=0", "/api/admin/users?limit=201",
		"/api/admin/users?limit=abc", "/api/admin/users?offset=1e3", "/api/admin/users?limit=10&limit=20",
		"/api/admin/users?offset=99999999999999999999", "/api/admin/users?status=root",
		"/api/admin/users?q=" + strings.Repeat("a", 300),
		"/api/admin/sessions?limit=1000", "/api/admin/audit?since=yesterday",
		"/api/admin/audit?since=2025-01-02T00:00:00Z&until=2025-01-01T00:00:00Z",
		"/api/admin/audit?offset=x", "/api/admin/stats?range=1y", "/api/admin/roles?system=Bad!",
	} {
		e := admin.do("GET", q, nil)
		expect(t, e, 400, codeInvalidInput, q)
		if !strings.Contains(string(e.Data), `"fields"`) {
			t.Errorf("%s: no field named: %s", q, e.Data)
		}
	}
	if p := get[adminPage[adminUser]](t, admin, "/api/admin/users?offset=1000&limit=200"); p.Total != 4 || len(p.Items) != 0 {
		t.Errorf("past the end: %+v", p)
	}
	expect(t, admin.do("GET", "/api/admin/nothing", nil), 404, codeNotFound, "unknown admin path")
	expect(t, admin.do("PUT", "/api/admin/users", nil), 405, 40501, "wrong method")
}
