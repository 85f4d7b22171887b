package storetest

import (
	"testing"

	"github.com/gatehouse/gatehouse/internal/domain"
)

func sqlTestUpdateRole(t *testing.T, s SQLStore) {
	ctx := t.Context()
	sqlMustCreateSystem(t, s, "demo")
	r := sqlMustCreateRole(t, s, "r1", "demo", "EDITOR", "demo:a:read", "demo:a:edit")
	sqlMustCreateUser(t, s, "u1", "holder", "r1")
	v := sqlVersion(t, s, "u1")

	// Description only: no new Version for the holder.
	r.Description = "Edits <b>articles</b>"
	r.Permissions = []string{"demo:a:read", "demo:a:edit"}
	sqlNoErr(t, "UpdateRole description", s.UpdateRole(ctx, r))
	sqlVersionIs(t, s, "u1", v, "a description change")

	// A new set, with a duplicate and in another order.
	r.Permissions = []string{"demo:b:*", "demo:a:read", "demo:b:*"}
	sqlNoErr(t, "UpdateRole permissions", s.UpdateRole(ctx, r))
	sqlVersionIs(t, s, "u1", v+1, "a permission change")
	got, err := s.RoleByID(ctx, "r1")
	sqlNoErr(t, "RoleByID", err)
	sqlEqual(t, "after UpdateRole", got, &domain.Role{ID: "r1", SystemID: "demo", Name: "EDITOR",
		Description: "Edits <b>articles</b>", Permissions: []string{"demo:a:read", "demo:b:*"}, CreatedAt: sqlStored(sqlT0)})

	// Emptied.
	r.Permissions = nil
	sqlNoErr(t, "UpdateRole to none", s.UpdateRole(ctx, r))
	sqlVersionIs(t, s, "u1", v+2, "removing every permission")
	got, err = s.RoleByID(ctx, "r1")
	sqlNoErr(t, "RoleByID", err)
	if got.Permissions != nil {
		t.Errorf("permissions after emptying: %v", got.Permissions)
	}

	sqlNotFound(t, "UpdateRole of an unknown role", s.UpdateRole(ctx, &domain.Role{ID: "nope", Description: "x"}))
}
