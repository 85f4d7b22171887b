package storetest

import (
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/domain"
)

// sqlStoredSystem is sys as the store gives it back.
func sqlStoredSystem(sys *domain.System) *domain.System {
	c := *sys
	c.CreatedAt, c.UpdatedAt = sqlStored(c.CreatedAt), sqlStored(c.UpdatedAt)
	if len(c.SecretHash) == 0 {
		c.SecretHash = nil
	}
	if len(c.RedirectURIs) == 0 {
		c.RedirectURIs = nil
	}
	if len(c.Protocols) == 0 {
		c.Protocols = nil
	}
	return &c
}

func sqlTestSystemRoundTrip(t *testing.T, s SQLStore) {
	ctx := t.Context()
	full := sqlSystem("demo")
	want := sqlStoredSystem(full)
	sqlNoErr(t, "CreateSystem", s.CreateSystem(ctx, full))
	got, err := s.SystemByID(ctx, "demo")
	sqlNoErr(t, "SystemByID", err)
	sqlEqual(t, "SystemByID", got, want)

	// Empty and nil lists alike come back nil; an absent secret and logout URL stay absent.
	bare := &domain.System{ID: "bare", Name: "Bare", RedirectURIs: []string{}, SecretHash: []byte{},
		CreatedAt: sqlT0, UpdatedAt: sqlT0}
	sqlNoErr(t, "CreateSystem bare", s.CreateSystem(ctx, bare))
	got, err = s.SystemByID(ctx, "bare")
	sqlNoErr(t, "SystemByID bare", err)
	sqlEqual(t, "SystemByID bare", got, &domain.System{ID: "bare", Name: "Bare",
		CreatedAt: sqlStored(sqlT0), UpdatedAt: sqlStored(sqlT0)})
}

func sqlTestSystemConflict(t *testing.T, s SQLStore) {
	ctx := t.Context()
	first := sqlMustCreateSystem(t, s, "demo")
	other := sqlSystem("demo")
	other.Name = "Another"
	sqlConflict(t, "same id", s.CreateSystem(ctx, other), "demo")
	got, err := s.SystemByID(ctx, "demo")
	sqlNoErr(t, "SystemByID", err)
	sqlEqual(t, "system after the conflict", got, sqlStoredSystem(first))
}

func sqlTestSystemNotFound(t *testing.T, s SQLStore) {
	ctx := t.Context()
	sqlMustCreateSystem(t, s, "demo")
	_, err := s.SystemByID(ctx, "nope")
	sqlNotFound(t, "SystemByID", err)
	sqlNotFound(t, "UpdateSystem", s.UpdateSystem(ctx, sqlSystem("nope")))
	sqlNotFound(t, "DeleteSystem", s.DeleteSystem(ctx, "nope"))
}

func sqlTestUpdateSystem(t *testing.T, s SQLStore) {
	ctx := t.Context()
	sys := sqlMustCreateSystem(t, s, "demo")
	created := sqlStored(sys.CreatedAt)

	changed := &domain.System{
		ID:           "demo",
		Name:         "Demo, renamed",
		SecretHash:   []byte("rotated"),
		RedirectURIs: []string{"https://new.example.org/cb"},
		LogoutURL:    "",
		Protocols:    []string{domain.ProtocolCAS},
		OIDC: domain.OIDCClient{Public: true, GrantTypes: []string{domain.GrantAuthorizationCode},
			Scopes: []string{"openid"}, IDTokenAlg: domain.AlgRS256,
			PostLogoutRedirectURIs: []string{"https://new.example.org/bye"}},
		CreatedAt: sqlT0.Add(100 * time.Hour), // never written by UpdateSystem
	}
	sqlNoErr(t, "UpdateSystem", s.UpdateSystem(ctx, changed))
	if changed.UpdatedAt.IsZero() {
		t.Fatalf("UpdatedAt was not written back")
	}
	got, err := s.SystemByID(ctx, "demo")
	sqlNoErr(t, "SystemByID", err)
	sqlEqual(t, "after UpdateSystem", got, &domain.System{
		ID: "demo", Name: "Demo, renamed", SecretHash: []byte("rotated"),
		RedirectURIs: []string{"https://new.example.org/cb"}, Protocols: []string{domain.ProtocolCAS},
		OIDC: changed.OIDC, CreatedAt: created, UpdatedAt: changed.UpdatedAt,
	})

	// Lists can be emptied.
	changed.RedirectURIs, changed.Protocols, changed.SecretHash = nil, []string{}, nil
	sqlNoErr(t, "UpdateSystem emptying", s.UpdateSystem(ctx, changed))
	got, err = s.SystemByID(ctx, "demo")
	sqlNoErr(t, "SystemByID", err)
	if got.RedirectURIs != nil || got.Protocols != nil || got.SecretHash != nil {
		t.Errorf("after emptying: %+v", got)
	}
}

func sqlTestListSystems(t *testing.T, s SQLStore) {
	ctx := t.Context()
	list, err := s.ListSystems(ctx)
	sqlNoErr(t, "ListSystems empty", err)
	if len(list) != 0 {
		t.Fatalf("ListSystems of an empty store = %v", list)
	}
	var want []*domain.System
	for _, id := range []string{"zeta", "alpha", "mid", "alpha-2"} {
		sqlMustCreateSystem(t, s, id)
	}
	for _, id := range []string{"alpha", "alpha-2", "mid", "zeta"} {
		want = append(want, sqlStoredSystem(sqlSystem(id)))
	}
	list, err = s.ListSystems(ctx)
	sqlNoErr(t, "ListSystems", err)
	sqlEqual(t, "ListSystems", list, want)
}

func sqlTestDeleteSystem(t *testing.T, s SQLStore) {
	ctx := t.Context()
	sqlMustCreateSystem(t, s, "demo")
	sqlMustCreateSystem(t, s, "other")
	sqlMustCreateRole(t, s, "r-edit", "demo", "EDITOR", "demo:article:edit", "demo:article:read")
	sqlMustCreateRole(t, s, "r-view", "demo", "VIEWER", "demo:article:read")
	keep := sqlMustCreateRole(t, s, "r-other", "other", "VIEWER", "other:*")
	holder := sqlMustCreateUser(t, s, "u-holder", "holder", "r-edit", "r-other")
	bystander := sqlMustCreateUser(t, s, "u-bystander", "bystander", "r-other")

	sqlNoErr(t, "DeleteSystem", s.DeleteSystem(ctx, "demo"))

	_, err := s.SystemByID(ctx, "demo")
	sqlNotFound(t, "SystemByID after delete", err)
	for _, id := range []string{"r-edit", "r-view"} {
		_, err = s.RoleByID(ctx, id)
		sqlNotFound(t, "RoleByID "+id+" after delete", err)
	}
	roles, err := s.ListRoles(ctx, "demo")
	sqlNoErr(t, "ListRoles", err)
	if len(roles) != 0 {
		t.Errorf("roles of the deleted system: %+v", roles)
	}
	grants, err := s.GrantsOfUser(ctx, "u-holder")
	sqlNoErr(t, "GrantsOfUser", err)
	sqlEqual(t, "grants after delete", grants, []domain.Grant{{UserID: "u-holder", Role: *sqlStoredRole(keep)}})
	sqlVersionIs(t, s, "u-holder", holder.Version+1, "deleting a system whose role the user held")
	sqlVersionIs(t, s, "u-bystander", bystander.Version, "deleting a system whose roles the user did not hold")

	// The id and the role names are free again, with nothing left over.
	sqlMustCreateSystem(t, s, "demo")
	r := sqlMustCreateRole(t, s, "r-edit", "demo", "EDITOR")
	got, err := s.RoleByID(ctx, "r-edit")
	sqlNoErr(t, "RoleByID", err)
	sqlEqual(t, "re-created role", got, sqlStoredRole(r))
	sqlNoErr(t, "GrantRole", s.GrantRole(ctx, "u-holder", "r-edit"))
}
