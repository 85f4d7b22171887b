package storetest

import (
	"slices"
	"testing"

	"github.com/gatehouse/gatehouse/internal/domain"
)

// sqlStoredRole is r as the store gives it back: permissions sorted without duplicates, nil
// when there are none.
func sqlStoredRole(r *domain.Role) *domain.Role {
	c := *r
	c.CreatedAt = sqlStored(c.CreatedAt)
	c.Permissions = slices.Compact(slices.Sorted(slices.Values(r.Permissions)))
	if len(c.Permissions) == 0 {
		c.Permissions = nil
	}
	return &c
}

func sqlTestRoleRoundTrip(t *testing.T, s SQLStore) {
	ctx := t.Context()
	sqlMustCreateSystem(t, s, "demo")
	r := sqlMustCreateRole(t, s, "r1", "demo", "EDITOR",
		"demo:article:read", "demo:*:list", "demo:article:edit", "demo:article:read")
	want := sqlStoredRole(r)
	got, err := s.RoleByID(ctx, "r1")
	sqlNoErr(t, "RoleByID", err)
	sqlEqual(t, "RoleByID", got, want)
	got, err = s.RoleByName(ctx, "demo", "EDITOR")
	sqlNoErr(t, "RoleByName", err)
	sqlEqual(t, "RoleByName", got, want)

	sqlMustCreateRole(t, s, "r2", "demo", "NOBODY")
	got, err = s.RoleByID(ctx, "r2")
	sqlNoErr(t, "RoleByID without permissions", err)
	if got.Permissions != nil {
		t.Errorf("permissions of a role without any = %#v, want nil", got.Permissions)
	}
	r3 := &domain.Role{ID: "r3", SystemID: "demo", Name: "EMPTY", Permissions: []string{}, CreatedAt: sqlT0}
	sqlNoErr(t, "CreateRole with empty permissions", s.CreateRole(ctx, r3))
	got, err = s.RoleByID(ctx, "r3")
	sqlNoErr(t, "RoleByID r3", err)
	sqlEqual(t, "role with empty permissions", got, &domain.Role{ID: "r3", SystemID: "demo", Name: "EMPTY",
		CreatedAt: sqlStored(sqlT0)})
}

func sqlTestRoleConflict(t *testing.T, s SQLStore) {
	ctx := t.Context()
	sqlMustCreateSystem(t, s, "demo")
	sqlMustCreateSystem(t, s, "other")
	first := sqlMustCreateRole(t, s, "r1", "demo", "EDITOR", "demo:a:b")

	dupName := &domain.Role{ID: "r2", SystemID: "demo", Name: "EDITOR", CreatedAt: sqlT0}
	sqlConflict(t, "same system and name", s.CreateRole(ctx, dupName), "EDITOR")
	dupID := &domain.Role{ID: "r1", SystemID: "demo", Name: "OTHER", CreatedAt: sqlT0}
	sqlConflict(t, "same id", s.CreateRole(ctx, dupID), "r1")

	got, err := s.RoleByID(ctx, "r1")
	sqlNoErr(t, "RoleByID", err)
	sqlEqual(t, "first role", got, sqlStoredRole(first))
	_, err = s.RoleByID(ctx, "r2")
	sqlNotFound(t, "RoleByID r2", err)

	// The same name in another system is another role.
	sqlMustCreateRole(t, s, "r3", "other", "EDITOR")
}

func sqlTestRoleNotFound(t *testing.T, s SQLStore) {
	ctx := t.Context()
	sqlMustCreateSystem(t, s, "demo")
	sqlMustCreateRole(t, s, "r1", "demo", "EDITOR")
	err := s.CreateRole(ctx, &domain.Role{ID: "r2", SystemID: "nope", Name: "EDITOR", CreatedAt: sqlT0})
	sqlNotFound(t, "CreateRole in an unknown system", err, "nope")
	_, err = s.RoleByID(ctx, "r2")
	sqlNotFound(t, "RoleByID of the failed role", err)
	_, err = s.RoleByID(ctx, "nope")
	sqlNotFound(t, "RoleByID", err)
	_, err = s.RoleByName(ctx, "demo", "VIEWER")
	sqlNotFound(t, "RoleByName unknown name", err)
	_, err = s.RoleByName(ctx, "other", "EDITOR")
	sqlNotFound(t, "RoleByName unknown system", err)
	sqlNotFound(t, "AddPermission", s.AddPermission(ctx, "nope", "demo:a:b"))
	sqlNotFound(t, "RemovePermission", s.RemovePermission(ctx, "nope", "demo:a:b"))
	sqlNotFound(t, "DeleteRole", s.DeleteRole(ctx, "nope"))
}

func sqlTestListRoles(t *testing.T, s SQLStore) {
	ctx := t.Context()
	list, err := s.ListRoles(ctx, "")
	sqlNoErr(t, "ListRoles empty", err)
	if len(list) != 0 {
		t.Fatalf("ListRoles of an empty store = %v", list)
	}
	sqlMustCreateSystem(t, s, "beta")
	sqlMustCreateSystem(t, s, "alpha")
	b2 := sqlMustCreateRole(t, s, "b2", "beta", "VIEWER", "beta:x:read")
	a1 := sqlMustCreateRole(t, s, "a1", "alpha", "ZED", "alpha:z:z", "alpha:a:a")
	b1 := sqlMustCreateRole(t, s, "b1", "beta", "ADMIN", "beta:*")
	a2 := sqlMustCreateRole(t, s, "a2", "alpha", "ADMIN")
	b3 := sqlMustCreateRole(t, s, "b3", "beta", "Admin") // byte order: upper case first

	list, err = s.ListRoles(ctx, "")
	sqlNoErr(t, "ListRoles all", err)
	sqlEqual(t, "ListRoles all", list, []*domain.Role{sqlStoredRole(a2), sqlStoredRole(a1),
		sqlStoredRole(b1), sqlStoredRole(b3), sqlStoredRole(b2)})
	list, err = s.ListRoles(ctx, "beta")
	sqlNoErr(t, "ListRoles beta", err)
	sqlEqual(t, "ListRoles beta", list, []*domain.Role{sqlStoredRole(b1), sqlStoredRole(b3), sqlStoredRole(b2)})
	list, err = s.ListRoles(ctx, "gamma")
	sqlNoErr(t, "ListRoles of an unknown system", err)
	if len(list) != 0 {
		t.Errorf("ListRoles of an unknown system = %v", list)
	}
}

func sqlTestRolePermissions(t *testing.T, s SQLStore) {
	ctx := t.Context()
	sqlMustCreateSystem(t, s, "demo")
	sqlMustCreateRole(t, s, "r1", "demo", "EDITOR", "demo:article:read")
	sqlMustCreateRole(t, s, "r2", "demo", "OTHER")
	holder := sqlMustCreateUser(t, s, "u1", "holder", "r1")
	bystander := sqlMustCreateUser(t, s, "u2", "bystander", "r2")
	v := holder.Version

	permsAre := func(after string, want ...string) {
		t.Helper()
		r, err := s.RoleByID(ctx, "r1")
		sqlNoErr(t, "RoleByID", err)
		sqlEqual(t, "permissions after "+after, r.Permissions, want)
	}

	sqlNoErr(t, "AddPermission", s.AddPermission(ctx, "r1", "demo:article:edit"))
	permsAre("AddPermission", "demo:article:edit", "demo:article:read")
	v++
	sqlVersionIs(t, s, "u1", v, "AddPermission")

	sqlNoErr(t, "AddPermission again", s.AddPermission(ctx, "r1", "demo:article:edit"))
	permsAre("AddPermission again", "demo:article:edit", "demo:article:read")
	sqlVersionIs(t, s, "u1", v, "AddPermission of a code the role has")

	sqlNoErr(t, "RemovePermission", s.RemovePermission(ctx, "r1", "demo:article:read"))
	permsAre("RemovePermission", "demo:article:edit")
	v++
	sqlVersionIs(t, s, "u1", v, "RemovePermission")

	sqlNoErr(t, "RemovePermission again", s.RemovePermission(ctx, "r1", "demo:article:read"))
	permsAre("RemovePermission again", "demo:article:edit")
	sqlVersionIs(t, s, "u1", v, "RemovePermission of a code the role lacks")

	sqlNoErr(t, "RemovePermission last", s.RemovePermission(ctx, "r1", "demo:article:edit"))
	r, err := s.RoleByID(ctx, "r1")
	sqlNoErr(t, "RoleByID", err)
	if r.Permissions != nil {
		t.Errorf("permissions after removing the last = %#v, want nil", r.Permissions)
	}
	v++
	sqlVersionIs(t, s, "u1", v, "RemovePermission of the last code")
	sqlVersionIs(t, s, "u2", bystander.Version, "changes to a role the user does not hold")
}

func sqlTestDeleteRole(t *testing.T, s SQLStore) {
	ctx := t.Context()
	sqlMustCreateSystem(t, s, "demo")
	sqlMustCreateRole(t, s, "r1", "demo", "EDITOR", "demo:article:edit")
	keep := sqlMustCreateRole(t, s, "r2", "demo", "VIEWER", "demo:article:read")
	holder := sqlMustCreateUser(t, s, "u1", "holder", "r1", "r2")
	bystander := sqlMustCreateUser(t, s, "u2", "bystander", "r2")

	sqlNoErr(t, "DeleteRole", s.DeleteRole(ctx, "r1"))
	_, err := s.RoleByID(ctx, "r1")
	sqlNotFound(t, "RoleByID after delete", err)
	_, err = s.RoleByName(ctx, "demo", "EDITOR")
	sqlNotFound(t, "RoleByName after delete", err)
	grants, err := s.GrantsOfUser(ctx, "u1")
	sqlNoErr(t, "GrantsOfUser", err)
	sqlEqual(t, "grants after delete", grants, []domain.Grant{{UserID: "u1", Role: *sqlStoredRole(keep)}})
	sqlVersionIs(t, s, "u1", holder.Version+1, "deleting a role the user held")
	sqlVersionIs(t, s, "u2", bystander.Version, "deleting a role the user did not hold")
	sqlNotFound(t, "DeleteRole again", s.DeleteRole(ctx, "r1"))

	// A role of the same id starts with no permissions and no holders.
	sqlMustCreateRole(t, s, "r1", "demo", "EDITOR")
	r, err := s.RoleByID(ctx, "r1")
	sqlNoErr(t, "RoleByID", err)
	if r.Permissions != nil {
		t.Errorf("re-created role has permissions %v", r.Permissions)
	}
	grants, err = s.GrantsOfUser(ctx, "u1")
	sqlNoErr(t, "GrantsOfUser", err)
	if len(grants) != 1 {
		t.Errorf("grants after re-creating the role: %+v", grants)
	}
}
