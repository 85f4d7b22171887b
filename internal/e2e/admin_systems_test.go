package e2e

import (
	"slices"
	"strings"
	"testing"
)

// TestAdminSystemsAndRoles: a system is created with its secret shown once, validates tickets
// with it, rotates (the old secret stops working), gets a role whose permissions are edited and
// reach a holder at once, and is deleted with its roles; the center system cannot be deleted.
func TestAdminSystemsAndRoles(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			s := startServer(t, b, nil)
			admin, _ := s.adminClient(t)

			e := admin.do("POST", "/api/admin/systems", map[string]any{
				"id": "wiki", "name": "Wiki", "redirect_uris": []string{"https://wiki.example.org/cb"},
				"logout_url": "https://wiki.example.org/logout", "protocols": []string{"sso", "oidc"}})
			expect(t, e, 201, 0, "create system")
			var created struct {
				System struct {
					ID        string   `json:"id"`
					HasSecret bool     `json:"has_secret"`
					Redirects []string `json:"redirect_uris"`
					OIDC      struct {
						Alg string `json:"id_token_alg"`
					} `json:"oidc"`
				} `json:"system"`
				Secret string `json:"secret"`
			}
			e.decode(t, &created)
			if created.Secret == "" || !created.System.HasSecret || created.System.OIDC.Alg != "EdDSA" {
				t.Fatalf("created: %+v", created)
			}
			if strings.Contains(string(admin.do("GET", "/api/admin/systems/wiki", nil).Data), created.Secret) {
				t.Fatal("the secret is shown again")
			}
			if _, err := s.Identity.AuthenticateSystem(t.Context(), "wiki", created.Secret); err != nil {
				t.Fatalf("the new secret: %v", err)
			}
			expect(t, admin.do("POST", "/api/admin/systems", map[string]any{"id": "wiki", "name": "Again"}), 409, codeConflict, "same id")

			e = admin.do("POST", "/api/admin/systems/wiki/secret", nil)
			expect(t, e, 200, 0, "rotate")
			var rotated struct{ Secret string }
			e.decode(t, &rotated)
			if rotated.Secret == "" || rotated.Secret == created.Secret {
				t.Fatalf("rotated secret %q", rotated.Secret)
			}
			if _, err := s.Identity.AuthenticateSystem(t.Context(), "wiki", created.Secret); err == nil {
				t.Fatal("the old secret still works after rotation")
			}

			e = admin.do("PATCH", "/api/admin/systems/wiki", map[string]any{"name": "Team Wiki",
				"redirect_uris": []string{"https://wiki.example.org/cb", "https://wiki.example.org/cb2"}, "logout_url": ""})
			expect(t, e, 200, 0, "patch system")
			sys := get[struct {
				Name      string   `json:"name"`
				Redirects []string `json:"redirect_uris"`
				LogoutURL string   `json:"logout_url"`
				Protocols []string `json:"protocols"`
			}](t, admin, "/api/admin/systems/wiki")
			if sys.Name != "Team Wiki" || len(sys.Redirects) != 2 || sys.LogoutURL != "" || !slices.Equal(sys.Protocols, []string{"sso", "oidc"}) {
				t.Fatalf("after patch: %+v", sys)
			}
			expect(t, admin.do("PATCH", "/api/admin/systems/wiki", map[string]any{"redirect_uris": []string{"https://user@evil.example/cb"}}),
				400, codeInvalidInput, "a redirect URI with user info")

			e = admin.do("GET", "/api/admin/systems/wiki/logout-deliveries", nil)
			expect(t, e, 200, 0, "delivery report")
			if !strings.Contains(string(e.Data), `"dead_letters":[]`) {
				t.Errorf("delivery report: %s", e.Data)
			}
			expect(t, admin.do("GET", "/api/admin/systems/nope/logout-deliveries", nil), 404, codeNotFound, "report of an unknown system")

			public := admin.do("POST", "/api/admin/systems", map[string]any{"id": "spa", "name": "SPA",
				"redirect_uris": []string{"https://spa.example.org/cb"}, "oidc": map[string]any{"public": true}})
			expect(t, public, 201, 0, "create a public client")
			if strings.Contains(string(public.Data), `"secret"`) || !strings.Contains(string(public.Data), `"has_secret":false`) {
				t.Errorf("public client: %s", public.Data)
			}

			// Roles: create, grant to a user, edit the permissions; the holder sees the change.
			e = admin.do("POST", "/api/admin/roles", map[string]any{"system": "wiki", "name": "WRITER",
				"description": "Writes pages", "permissions": []string{"wiki:page:read"}})
			expect(t, e, 201, 0, "create role")
			var role adminRole
			e.decode(t, &role)
			expect(t, admin.do("POST", "/api/admin/roles", map[string]any{"system": "wiki", "name": "WRITER"}), 409, codeConflict, "same role")
			expect(t, admin.do("POST", "/api/admin/roles", map[string]any{"system": "wiki", "name": "X", "permissions": []string{"demo:*"}}),
				400, codeInvalidInput, "a code of another system")

			bob, pw := createUser(t, admin, map[string]any{"username": "bob", "password": "Long-Passw0rd-Of-B"})
			expect(t, admin.do("PUT", "/api/admin/users/"+bob.ID+"/roles/"+role.ID, nil), 200, 0, "grant WRITER")
			bc := s.client("203.0.113.8", "bob-browser")
			bc.mustLogin("bob", pw, nil)
			perms := func() []string {
				return get[struct{ Permissions []string }](t, bc, "/api/me?system=wiki").Permissions
			}
			if got := perms(); !slices.Equal(got, []string{"wiki:page:read"}) {
				t.Fatalf("bob's permissions: %v", got)
			}
			e = admin.do("PATCH", "/api/admin/roles/"+role.ID, map[string]any{"permissions": []string{"wiki:page:*", "wiki:admin:read"}})
			expect(t, e, 200, 0, "edit permissions")
			if got := perms(); !slices.Equal(got, []string{"wiki:admin:read", "wiki:page:*"}) {
				t.Fatalf("bob's permissions after the edit: %v", got)
			}
			super := roleID(t, admin, "gatehouse", "super-admin")
			expect(t, admin.do("PATCH", "/api/admin/roles/"+super, map[string]any{"permissions": []string{}}), 400, codeInvalidInput, "empty the super-admin role")
			expect(t, admin.do("DELETE", "/api/admin/roles/"+super, nil), 400, codeInvalidInput, "delete the super-admin role")

			// Delete the system: its roles and grants go.
			expect(t, admin.do("DELETE", "/api/admin/systems/gatehouse", nil), 400, codeInvalidInput, "delete the center")
			expect(t, admin.do("DELETE", "/api/admin/systems/wiki", nil), 200, 0, "delete wiki")
			expect(t, admin.do("GET", "/api/admin/systems/wiki", nil), 404, codeNotFound, "deleted system")
			expect(t, admin.do("DELETE", "/api/admin/systems/wiki", nil), 404, codeNotFound, "delete twice")
			if got := perms(); len(got) != 0 {
				t.Fatalf("bob's permissions after the system went: %v", got)
			}
			if roles := get[adminPage[adminRole]](t, admin, "/api/admin/roles?system=wiki").Items; len(roles) != 0 {
				t.Fatalf("roles of a deleted system: %+v", roles)
			}
			if _, err := s.Identity.AuthenticateSystem(t.Context(), "wiki", rotated.Secret); err == nil {
				t.Fatal("a deleted system still authenticates")
			}
			list := get[adminPage[struct{ ID string }]](t, admin, "/api/admin/systems")
			var ids []string
			for _, x := range list.Items {
				ids = append(ids, x.ID)
			}
			if !slices.Contains(ids, "gatehouse") || slices.Contains(ids, "wiki") {
				t.Fatalf("systems: %v", ids)
			}
		})
	}
}
