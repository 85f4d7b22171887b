package domain_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/gatehouse/gatehouse/internal/domain"
)

func TestParsePermission(t *testing.T) {
	seg8 := "a:b:c:d:e:f:g:h"
	tests := []struct {
		code string
		want []string // nil: refused
	}{
		{"*", []string{"*"}},
		{"demo", []string{"demo"}},
		{"demo:*", []string{"demo", "*"}},
		{"demo:article:*", []string{"demo", "article", "*"}},
		{"demo:*:read", []string{"demo", "*", "read"}},
		{"*:article:read", []string{"*", "article", "read"}},
		{"*:*", []string{"*", "*"}},
		{"cms:article.v2:edit-all_x", []string{"cms", "article.v2", "edit-all_x"}},
		{"0:9", []string{"0", "9"}},
		{seg8, strings.Split(seg8, ":")},
		{strings.Repeat("a", domain.MaxPermissionLen), []string{strings.Repeat("a", domain.MaxPermissionLen)}},
		{"", nil},
		{":", nil},
		{"demo:", nil},
		{":demo", nil},
		{"demo::read", nil},
		{seg8 + ":i", nil},
		{strings.Repeat("a", domain.MaxPermissionLen+1), nil},
		{"Demo:article", nil},
		{"demo:ARTICLE", nil},
		{"demo:art*", nil},
		{"demo:**", nil},
		{"demo:*a", nil},
		{"demo article", nil},
		{" demo", nil},
		{"demo\n", nil},
		{"demo/article", nil},
		{"démo", nil},
		{"demo:артикль", nil},
		{"demo\x00", nil},
	}
	for _, tt := range tests {
		got, err := domain.ParsePermission(tt.code)
		if tt.want == nil {
			if err == nil {
				t.Errorf("ParsePermission(%q) = %q, want an error", tt.code, got)
			} else if domain.ErrorCode(err) != domain.CodeInvalidInput {
				t.Errorf("ParsePermission(%q): code %q, want invalid_input", tt.code, domain.ErrorCode(err))
			}
			continue
		}
		if err != nil || !slices.Equal(got, tt.want) {
			t.Errorf("ParsePermission(%q) = %q, %v; want %q", tt.code, got, err, tt.want)
		}
	}
}

func TestAllows(t *testing.T) {
	long := "demo:" + strings.Repeat("a", domain.MaxPermissionLen-5)
	tests := []struct {
		name     string
		codes    []string
		required string
		want     bool
	}{
		{"exact", []string{"demo:article:read"}, "demo:article:read", true},
		{"exact, other action", []string{"demo:article:read"}, "demo:article:edit", false},
		{"exact, other system", []string{"demo:article:read"}, "shop:article:read", false},
		{"exact one segment", []string{"demo"}, "demo", true},
		{"pattern shorter than required", []string{"demo:article"}, "demo:article:read", false},
		{"pattern longer than required", []string{"demo:article:read"}, "demo:article", false},
		{"prefix of a segment", []string{"demo:art"}, "demo:article", false},
		{"segment prefixed", []string{"demo:article"}, "demo:art", false},

		{"star alone, one segment", []string{"*"}, "demo", true},
		{"star alone, deep", []string{"*"}, "shop:order:item:refund", true},
		{"star alone, eight segments", []string{"*"}, "a:b:c:d:e:f:g:h", true},
		{"star alone, nine segments", []string{"*"}, "a:b:c:d:e:f:g:h:i", false},
		{"star alone, empty", []string{"*"}, "", false},
		{"star alone, upper case", []string{"*"}, "Demo:article", false},
		{"star alone, trailing colon", []string{"*"}, "demo:", false},
		{"star alone, colon", []string{"*"}, ":", false},
		{"star alone, over-long", []string{"*"}, long + "a", false},
		{"star alone, longest", []string{"*"}, long, true},

		{"trailing star at depth 1, one below", []string{"demo:*"}, "demo:article", true},
		{"trailing star at depth 1, deep", []string{"demo:*"}, "demo:article:comment:delete", true},
		{"trailing star at depth 1, system alone", []string{"demo:*"}, "demo", false},
		{"trailing star at depth 1, other system", []string{"demo:*"}, "shop:article", false},
		{"trailing star at depth 1, system prefix", []string{"demo:*"}, "demo2:article", false},
		{"trailing star at depth 2", []string{"demo:article:*"}, "demo:article:read", true},
		{"trailing star at depth 2, deeper", []string{"demo:article:*"}, "demo:article:comment:read", true},
		{"trailing star at depth 2, too short", []string{"demo:article:*"}, "demo:article", false},
		{"trailing star at depth 2, other resource", []string{"demo:article:*"}, "demo:user:read", false},
		{"trailing star at depth 7", []string{"a:b:c:d:e:f:*"}, "a:b:c:d:e:f:g:h", true},
		{"trailing star at depth 7, nine segments", []string{"a:b:c:d:e:f:*"}, "a:b:c:d:e:f:g:h:i", false},

		{"middle star", []string{"demo:*:read"}, "demo:article:read", true},
		{"middle star, other action", []string{"demo:*:read"}, "demo:article:edit", false},
		{"middle star takes one segment only", []string{"demo:*:read"}, "demo:a:b:read", false},
		{"middle star, too short", []string{"demo:*:read"}, "demo:read", false},
		{"middle star, too long", []string{"demo:*:read"}, "demo:article:read:x", false},
		{"leading star", []string{"*:article:read"}, "shop:article:read", true},
		{"leading star, other resource", []string{"*:article:read"}, "shop:order:read", false},
		{"two stars", []string{"*:*"}, "demo:x:y", true},
		{"two stars, one segment", []string{"*:*"}, "demo", false},
		{"star star read", []string{"demo:*:*:read"}, "demo:a:b:read", true},

		{"empty required", []string{"demo:*"}, "", false},
		{"empty segment", []string{"demo:*"}, "demo::read", false},
		{"trailing colon", []string{"demo:*"}, "demo:article:", false},
		{"trailing colon, exact", []string{"demo:article"}, "demo:article:", false},
		{"leading colon", []string{"demo:*"}, ":demo:article", false},
		{"upper case", []string{"demo:*"}, "demo:Article", false},
		{"upper case, exact", []string{"demo:article"}, "DEMO:article", false},
		{"space", []string{"demo:*"}, "demo:article read", false},
		{"nine segments", []string{"demo:*"}, "demo:b:c:d:e:f:g:h:i", false},
		{"eight segments", []string{"demo:*"}, "demo:b:c:d:e:f:g:h", true},
		{"over-long", []string{"demo:*"}, long + "a", false},
		{"longest", []string{"demo:*"}, long, true},

		{"required star, granted by star", []string{"*"}, "*", true},
		{"required demo:*, granted by demo:*", []string{"demo:*"}, "demo:*", true},
		{"required demo:*, not granted by a narrower code", []string{"demo:article:*"}, "demo:*", false},
		{"required demo:*, not granted by a middle star", []string{"demo:*:read"}, "demo:*", false},
		{"required *, not granted by demo:*", []string{"demo:*"}, "*", false},
		{"required demo:*:read, granted by demo:*:read", []string{"demo:*:read"}, "demo:*:read", true},
		{"required demo:*:read, not granted by one resource", []string{"demo:article:read"}, "demo:*:read", false},

		{"several codes, second grants", []string{"shop:*", "demo:article:read"}, "demo:article:read", true},
		{"invalid codes are dropped", []string{"Demo:*", "demo::x", ""}, "demo:x", false},
		{"no codes", nil, "demo:x", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := domain.NewPermissions(tt.codes).Allows(tt.required); got != tt.want {
				t.Fatalf("%q.Allows(%q) = %v, want %v", tt.codes, tt.required, got, tt.want)
			}
		})
	}
	var zero domain.Permissions
	if zero.Allows("demo") || zero.Allows("*") {
		t.Error("the zero Permissions allows something")
	}
}

func TestNewPermissionsCodes(t *testing.T) {
	p := domain.NewPermissions([]string{"shop:*", "demo:b", "bad code", "demo:a", "shop:*", "demo:b", ""})
	if got, want := p.Codes(), []string{"demo:a", "demo:b", "shop:*"}; !slices.Equal(got, want) {
		t.Fatalf("Codes() = %q, want %q", got, want)
	}
	c := p.Codes()
	c[0] = "changed"
	if p.Codes()[0] != "demo:a" {
		t.Fatal("Codes() shares its slice with the set")
	}
}

func TestAppliesTo(t *testing.T) {
	tests := []struct {
		code, system string
		want         bool
	}{
		{"demo:article:read", "demo", true},
		{"demo", "demo", true},
		{"*", "demo", true},
		{"*:article:read", "demo", true},
		{"demo2:x", "demo", false},
		{"dem:x", "demo", false},
		{"shop:*", "demo", false},
	}
	for _, tt := range tests {
		if got := domain.AppliesTo(tt.code, tt.system); got != tt.want {
			t.Errorf("AppliesTo(%q, %q) = %v, want %v", tt.code, tt.system, got, tt.want)
		}
	}
}

func grant(system, name string, codes ...string) domain.Grant {
	return domain.Grant{UserID: "u1", Role: domain.Role{ID: system + "/" + name, SystemID: system, Name: name, Permissions: codes}}
}

func TestEffectivePermissions(t *testing.T) {
	const center = domain.CenterSystemID
	tests := []struct {
		name      string
		grants    []domain.Grant
		system    string
		roles     []string
		codes     []string
		allows    []string
		disallows []string
	}{
		{
			name:   "no grants",
			system: "demo", roles: []string{}, codes: nil,
			disallows: []string{"demo:article:read", "*"},
		},
		{
			name:   "roles of the system",
			grants: []domain.Grant{grant("demo", "EDITOR", "demo:article:*"), grant("demo", "READER", "demo:*:read")},
			system: "demo", roles: []string{"EDITOR", "READER"}, codes: []string{"demo:*:read", "demo:article:*"},
			allows: []string{"demo:article:edit", "demo:user:read"}, disallows: []string{"demo:user:edit"},
		},
		{
			name:   "roles of other systems ignored",
			grants: []domain.Grant{grant("shop", "ADMIN", "shop:*"), grant("demo", "READER", "demo:article:read")},
			system: "demo", roles: []string{"READER"}, codes: []string{"demo:article:read"},
			disallows: []string{"shop:order:read"},
		},
		{
			name:   "center super-admin reaches every system",
			grants: []domain.Grant{grant(center, domain.SuperAdminRole, "*")},
			system: "demo", roles: []string{domain.SuperAdminRole}, codes: []string{"*"},
			allows: []string{"demo:anything:at:all", "demo"},
		},
		{
			name:   "center role with codes for this system",
			grants: []domain.Grant{grant(center, "auditor", "demo:*:read", "shop:*", "gatehouse:audit:read")},
			system: "demo", roles: []string{"auditor"}, codes: []string{"demo:*:read"},
			allows: []string{"demo:article:read"}, disallows: []string{"shop:order:read", "gatehouse:audit:read"},
		},
		{
			name:   "center role with codes for other systems only is not listed",
			grants: []domain.Grant{grant(center, "shop-admin", "shop:*"), grant(center, "console", "gatehouse:users:read")},
			system: "demo", roles: []string{}, codes: nil,
		},
		{
			name:   "center roles on the center itself",
			grants: []domain.Grant{grant(center, "console", "gatehouse:users:read"), grant(center, "empty")},
			system: center, roles: []string{"console", "empty"}, codes: []string{"gatehouse:users:read"},
			allows: []string{"gatehouse:users:read"},
		},
		{
			name:   "codes of another namespace in a system role ignored",
			grants: []domain.Grant{grant("demo", "ODD", "shop:order:read", "demo:article:read")},
			system: "demo", roles: []string{"ODD"}, codes: []string{"demo:article:read"},
			disallows: []string{"shop:order:read"},
		},
		{
			name:   "a role without codes still counts as a role",
			grants: []domain.Grant{grant("demo", "GUEST")},
			system: "demo", roles: []string{"GUEST"}, codes: nil,
		},
		{
			name: "duplicates and sorting",
			grants: []domain.Grant{
				grant("demo", "b-role", "demo:z", "demo:a", "demo:a"),
				grant("demo", "a-role", "demo:a"),
				grant("demo", "b-role", "demo:z"),
				grant(center, "a-role", "demo:m"),
			},
			system: "demo", roles: []string{"a-role", "b-role"}, codes: []string{"demo:a", "demo:m", "demo:z"},
		},
		{
			name:   "invalid codes dropped",
			grants: []domain.Grant{grant("demo", "R", "demo:Bad", "demo::x", "demo:ok")},
			system: "demo", roles: []string{"R"}, codes: []string{"demo:ok"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			eff := domain.EffectivePermissions(tt.grants, tt.system)
			if eff.SystemID != tt.system {
				t.Errorf("SystemID = %q", eff.SystemID)
			}
			if eff.Roles == nil || !slices.Equal(eff.Roles, tt.roles) {
				t.Errorf("Roles = %#v, want %#v", eff.Roles, tt.roles)
			}
			if got := eff.Permissions.Codes(); !slices.Equal(got, tt.codes) {
				t.Errorf("Codes = %q, want %q", got, tt.codes)
			}
			for _, r := range tt.allows {
				if !eff.Permissions.Allows(r) {
					t.Errorf("does not allow %q", r)
				}
			}
			for _, r := range tt.disallows {
				if eff.Permissions.Allows(r) {
					t.Errorf("allows %q", r)
				}
			}
			again := domain.EffectivePermissions(tt.grants, tt.system)
			if !slices.Equal(again.Roles, eff.Roles) || !slices.Equal(again.Permissions.Codes(), eff.Permissions.Codes()) {
				t.Error("two calls with the same grants differ")
			}
		})
	}
}
