package adminapi

import (
	"testing"

	"github.com/gatehouse/gatehouse/internal/auth"
	"github.com/gatehouse/gatehouse/internal/domain"
)

func principal(roles ...domain.Role) *auth.Principal {
	var grants []domain.Grant
	for _, r := range roles {
		grants = append(grants, domain.Grant{UserID: "u", Role: r})
	}
	return &auth.Principal{Identity: &auth.Identity{User: domain.User{ID: "u"}, Grants: grants}}
}

func TestUncovered(t *testing.T) {
	super := principal(domain.Role{SystemID: "gatehouse", Name: "super-admin", Permissions: []string{"*"}})
	users := principal(domain.Role{SystemID: "gatehouse", Name: "UA", Permissions: []string{"gatehouse:users:*"}})
	reader := principal(domain.Role{SystemID: "gatehouse", Name: "R", Permissions: []string{"gatehouse:*:read"}},
		domain.Role{SystemID: "demo", Name: "ADMIN", Permissions: []string{"demo:*"}})
	for _, c := range []struct {
		name  string
		p     *auth.Principal
		codes []string
		want  string
	}{
		{"super holds all", super, []string{"*", "gatehouse:*", "demo:article:edit", "*:x"}, ""},
		{"nothing asked", users, nil, ""},
		{"users holds users", users, []string{"gatehouse:users:read", "gatehouse:users:*"}, ""},
		{"users lacks star", users, []string{"gatehouse:users:read", "*"}, "*"},
		{"users lacks systems", users, []string{"gatehouse:systems:write"}, "gatehouse:systems:write"},
		{"narrow does not hold wide", users, []string{"gatehouse:*"}, "gatehouse:*"},
		{"reader holds reads", reader, []string{"gatehouse:audit:read", "gatehouse:*:read"}, ""},
		{"reader lacks a write", reader, []string{"gatehouse:users:write"}, "gatehouse:users:write"},
		{"another system's own role", reader, []string{"demo:article:*"}, ""},
		{"a system it has nothing in", reader, []string{"cms:page:read"}, "cms:page:read"},
	} {
		if got := uncovered(c.p, c.codes); got != c.want {
			t.Errorf("%s: uncovered = %q, want %q", c.name, got, c.want)
		}
	}
}
