package e2e

import (
	"slices"
	"testing"
)

// TestAdminUserLifecycle: create → grant → the user signs in and sees the role → revoke →
// disable ends their sessions → re-enable → reset password (given, then generated), each
// change audited with the administrator as actor.
func TestAdminUserLifecycle(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			s := startServer(t, b, nil)
			admin, adminLogin := s.adminClient(t)

			e := admin.do("POST", "/api/admin/users", map[string]any{"username": "Alice", "display_name": "Alice A", "email": "alice@example.org"})
			expect(t, e, 201, 0, "create alice")
			var created struct {
				User     adminUser `json:"user"`
				Password string    `json:"password"`
			}
			e.decode(t, &created)
			alice := created.User
			if alice.Username != "alice" || alice.Status != "active" || len(created.Password) < 20 {
				t.Fatalf("created %+v with password %q", alice, created.Password)
			}
			editor := roleID(t, admin, "demo", "EDITOR")

			e = admin.do("PUT", "/api/admin/users/"+alice.ID+"/roles/"+editor, nil)
			expect(t, e, 200, 0, "grant EDITOR")
			var grants struct {
				Grants []adminGrant `json:"grants"`
			}
			e.decode(t, &grants)
			if len(grants.Grants) != 1 || grants.Grants[0].Role != "EDITOR" || grants.Grants[0].System != "demo" {
				t.Fatalf("grants after granting: %+v", grants)
			}

			ac := s.client("203.0.113.7", "alice-browser")
			ac.mustLogin("alice", created.Password, nil)
			me := get[struct{ Roles []string }](t, ac, "/api/me?system=demo")
			if !slices.Equal(me.Roles, []string{"EDITOR"}) {
				t.Fatalf("alice's roles in demo: %v", me.Roles)
			}
			detail := get[struct {
				User   adminUser    `json:"user"`
				Grants []adminGrant `json:"grants"`
			}](t, admin, "/api/admin/users/"+alice.ID)
			if detail.User.ID != alice.ID || len(detail.Grants) != 1 {
				t.Fatalf("detail: %+v", detail)
			}

			expect(t, admin.do("DELETE", "/api/admin/users/"+alice.ID+"/roles/"+editor, nil), 200, 0, "revoke EDITOR")
			if me := get[struct{ Roles []string }](t, ac, "/api/me?system=demo"); len(me.Roles) != 0 {
				t.Fatalf("alice's roles after the revocation: %v", me.Roles)
			}

			e = admin.do("PATCH", "/api/admin/users/"+alice.ID, map[string]any{"status": "disabled"})
			expect(t, e, 200, 0, "disable alice")
			expect(t, ac.do("GET", "/api/me", nil), 401, codeSessionEnded, "alice's session after disabling")
			e, _ = s.client("203.0.113.7", "alice-browser").login("alice", created.Password, nil)
			expect(t, e, 401, codeBadCredentials, "login of a disabled user")

			expect(t, admin.do("PATCH", "/api/admin/users/"+alice.ID, map[string]any{"status": "active", "display_name": "Alice B"}), 200, 0, "enable")
			ac = s.client("203.0.113.7", "alice-browser")
			ac.mustLogin("alice", created.Password, nil)

			e = admin.do("POST", "/api/admin/users/"+alice.ID+"/password", map[string]any{"password": "Quite-New-Passw0rd"})
			expect(t, e, 200, 0, "reset to a given password")
			if string(e.Data) != "{}" {
				t.Errorf("answer to a given password: %s", e.Data)
			}
			expect(t, ac.do("GET", "/api/me", nil), 401, codeSessionEnded, "alice's session after the reset")
			ac = s.client("203.0.113.7", "alice-browser")
			ac.mustLogin("alice", "Quite-New-Passw0rd", nil)

			e = admin.do("POST", "/api/admin/users/"+alice.ID+"/password", nil)
			expect(t, e, 200, 0, "reset to a generated password")
			var gen struct{ Password string }
			e.decode(t, &gen)
			if len(gen.Password) < 20 {
				t.Fatalf("generated password %q", gen.Password)
			}
			expect(t, ac.do("GET", "/api/me", nil), 401, codeSessionEnded, "alice's session after the second reset")
			s.client("203.0.113.7", "alice-browser").mustLogin("alice", gen.Password, nil)

			list := get[adminPage[adminUser]](t, admin, "/api/admin/users?q=ALICE")
			if list.Total != 1 || list.Items[0].DisplayName != "Alice B" || list.Limit != 50 {
				t.Fatalf("search: %+v", list)
			}

			audit := get[adminPage[adminAudit]](t, admin, "/api/admin/audit?user=alice&limit=200")
			byAdmin := map[string]int{}
			for _, ev := range audit.Items {
				if ev.ActorID == adminLogin.User.ID {
					byAdmin[ev.Type]++
					if ev.Details["via"] != "admin_api" {
						t.Errorf("event %s by the admin: details %v", ev.Type, ev.Details)
					}
				}
			}
			for typ, n := range map[string]int{"user.create": 1, "role.grant": 1, "role.revoke": 1, "user.status": 2, "user.update": 2, "user.password": 2} {
				if byAdmin[typ] != n {
					t.Errorf("%s events by the admin: %d, want %d (all: %v)", typ, byAdmin[typ], n, auditTypes(audit.Items))
				}
			}
			if audit.Total != len(audit.Items) {
				t.Errorf("audit total %d for %d items", audit.Total, len(audit.Items))
			}
		})
	}
}
