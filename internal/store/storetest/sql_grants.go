package storetest

import (
	"testing"

	"github.com/gatehouse/gatehouse/internal/domain"
)

func sqlTestGrantRevoke(t *testing.T, s SQLStore) {
	ctx := t.Context()
	sqlMustCreateSystem(t, s, "demo")
	sqlMustCreateRole(t, s, "r1", "demo", "EDITOR", "demo:article:edit")
	u := sqlMustCreateUser(t, s, "u1", "alice")
	v := u.Version

	sqlNoErr(t, "GrantRole", s.GrantRole(ctx, "u1", "r1"))
	v++
	sqlVersionIs(t, s, "u1", v, "GrantRole")
	sqlNoErr(t, "GrantRole again", s.GrantRole(ctx, "u1", "r1"))
	sqlVersionIs(t, s, "u1", v, "GrantRole of a held role")
	grants, err := s.GrantsOfUser(ctx, "u1")
	sqlNoErr(t, "GrantsOfUser", err)
	if len(grants) != 1 || grants[0].Role.ID != "r1" {
		t.Fatalf("grants = %+v, want r1 once", grants)
	}

	sqlNoErr(t, "RevokeRole", s.RevokeRole(ctx, "u1", "r1"))
	v++
	sqlVersionIs(t, s, "u1", v, "RevokeRole")
	sqlNoErr(t, "RevokeRole again", s.RevokeRole(ctx, "u1", "r1"))
	sqlVersionIs(t, s, "u1", v, "RevokeRole of a role not held")
	sqlNoErr(t, "RevokeRole of unknown ids", s.RevokeRole(ctx, "nobody", "nothing"))
	grants, err = s.GrantsOfUser(ctx, "u1")
	sqlNoErr(t, "GrantsOfUser", err)
	if len(grants) != 0 {
		t.Fatalf("grants after RevokeRole = %+v, want none", grants)
	}
}

func sqlTestGrantNotFound(t *testing.T, s SQLStore) {
	ctx := t.Context()
	sqlMustCreateSystem(t, s, "demo")
	sqlMustCreateRole(t, s, "r1", "demo", "EDITOR")
	u := sqlMustCreateUser(t, s, "u1", "alice")
	sqlNotFound(t, "GrantRole of an unknown role", s.GrantRole(ctx, "u1", "nope"), "nope")
	sqlNotFound(t, "GrantRole to an unknown user", s.GrantRole(ctx, "nobody", "r1"), "nobody")
	sqlVersionIs(t, s, "u1", u.Version, "failed grants")
	_, err := s.GrantsOfUser(ctx, "nobody")
	sqlNotFound(t, "GrantsOfUser of an unknown user", err)
}

func sqlTestGrantsOfUser(t *testing.T, s SQLStore) {
	ctx := t.Context()
	sqlMustCreateSystem(t, s, "zeta")
	sqlMustCreateSystem(t, s, domain.CenterSystemID)
	sqlMustCreateSystem(t, s, "alpha")
	super := sqlMustCreateRole(t, s, "r-super", domain.CenterSystemID, domain.SuperAdminRole, "*")
	zv := sqlMustCreateRole(t, s, "r-zv", "zeta", "VIEWER", "zeta:doc:read", "zeta:doc:list")
	za := sqlMustCreateRole(t, s, "r-za", "zeta", "ADMIN", "zeta:*")
	an := sqlMustCreateRole(t, s, "r-an", "alpha", "NOTHING")
	sqlMustCreateRole(t, s, "r-unheld", "alpha", "UNHELD", "alpha:x:y")
	sqlMustCreateUser(t, s, "u1", "alice", "r-zv", "r-super", "r-an", "r-za")
	sqlMustCreateUser(t, s, "u2", "bob", "r-zv")
	sqlMustCreateUser(t, s, "u3", "carol")

	grants, err := s.GrantsOfUser(ctx, "u1")
	sqlNoErr(t, "GrantsOfUser u1", err)
	sqlEqual(t, "grants of u1", grants, []domain.Grant{
		{UserID: "u1", Role: *sqlStoredRole(an)},
		{UserID: "u1", Role: *sqlStoredRole(super)},
		{UserID: "u1", Role: *sqlStoredRole(za)},
		{UserID: "u1", Role: *sqlStoredRole(zv)},
	})
	grants, err = s.GrantsOfUser(ctx, "u2")
	sqlNoErr(t, "GrantsOfUser u2", err)
	sqlEqual(t, "grants of u2", grants, []domain.Grant{{UserID: "u2", Role: *sqlStoredRole(zv)}})
	grants, err = s.GrantsOfUser(ctx, "u3")
	sqlNoErr(t, "GrantsOfUser u3", err)
	if len(grants) != 0 {
		t.Errorf("grants of a user without roles = %+v", grants)
	}

	// What the grants give, as the session layer computes it.
	eff := domain.EffectivePermissions(sqlGrants(t, s, "u1"), "zeta")
	if !eff.Permissions.Allows("zeta:doc:delete") || len(eff.Roles) != 3 {
		t.Errorf("effective permissions of u1 in zeta: %+v", eff)
	}
}

func sqlGrants(t *testing.T, s SQLStore, userID string) []domain.Grant {
	t.Helper()
	grants, err := s.GrantsOfUser(t.Context(), userID)
	sqlNoErr(t, "GrantsOfUser", err)
	return grants
}
