package domain_test

import (
	"testing"

	"github.com/gatehouse/gatehouse/internal/domain"
)

// realisticCodes is what an editor of a CMS might hold: about twenty codes, a few wildcards.
var realisticCodes = []string{
	"cms:article:read", "cms:article:create", "cms:article:edit", "cms:article:publish",
	"cms:comment:*", "cms:media:read", "cms:media:upload", "cms:tag:read", "cms:tag:create",
	"cms:category:read", "cms:*:export", "cms:user:read", "cms:settings:read",
	"cms:newsletter:read", "cms:newsletter:send", "cms:page:read", "cms:page:edit",
	"cms:menu:read", "cms:report:daily:read", "cms:report:monthly:read",
}

func BenchmarkAllows(b *testing.B) {
	p := domain.NewPermissions(realisticCodes)
	for _, bc := range []struct {
		name, required string
		want           bool
	}{
		{"hit-first", "cms:article:read", true},
		{"hit-wildcard", "cms:comment:moderate", true},
		{"hit-last", "cms:report:monthly:read", true},
		{"miss", "cms:article:delete", false},
		{"miss-other-system", "shop:order:read", false},
		{"super-admin", "cms:article:delete", true},
	} {
		set := p
		if bc.name == "super-admin" {
			set = domain.NewPermissions([]string{"*"})
		}
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if set.Allows(bc.required) != bc.want {
					b.Fatal("wrong answer")
				}
			}
		})
	}
}

func BenchmarkEffectivePermissions(b *testing.B) {
	grants := []domain.Grant{
		{UserID: "u1", Role: domain.Role{SystemID: "cms", Name: "EDITOR", Permissions: realisticCodes[:10]}},
		{UserID: "u1", Role: domain.Role{SystemID: "cms", Name: "REPORTER", Permissions: realisticCodes[10:]}},
		{UserID: "u1", Role: domain.Role{SystemID: "shop", Name: "CLERK", Permissions: []string{"shop:order:*"}}},
		{UserID: "u1", Role: domain.Role{SystemID: domain.CenterSystemID, Name: "auditor", Permissions: []string{"*:audit:read", "gatehouse:users:read"}}},
	}
	b.ReportAllocs()
	for b.Loop() {
		if eff := domain.EffectivePermissions(grants, "cms"); len(eff.Roles) != 3 {
			b.Fatal(eff.Roles)
		}
	}
}
