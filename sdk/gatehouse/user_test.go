package gatehouse

import "testing"

func TestCan(t *testing.T) {
	tests := []struct {
		granted  []string
		required string
		want     bool
	}{
		{[]string{"*"}, "cms:article:edit", true},
		{[]string{"*"}, "cms:*:edit", true},
		{[]string{"*"}, "CMS:article", false}, // malformed required code
		{[]string{"cms:*"}, "cms:article:edit", true},
		{[]string{"cms:*"}, "cms", false},
		{[]string{"cms:*"}, "shop:article:edit", false},
		{[]string{"cms:article:*"}, "cms:article:edit", true},
		{[]string{"cms:article:*"}, "cms:article:edit:draft", true},
		{[]string{"cms:article:*"}, "cms:article", false},
		{[]string{"cms:*:read"}, "cms:article:read", true},
		{[]string{"cms:*:read"}, "cms:article:edit", false},
		{[]string{"cms:*:read"}, "cms:article:read:x", false},
		{[]string{"cms:article:read"}, "cms:article:read", true},
		{[]string{"cms:article:read"}, "cms:article", false},
		{[]string{"cms:article"}, "cms:article:read", false},
		{[]string{"cms:article:read"}, "cms:article:*", false}, // '*' required is literal
		{[]string{"cms:article:*"}, "cms:article:*", true},
		{[]string{"cms::read"}, "cms::read", false},
		{[]string{"cms:article:read"}, "cms:article:read:", false},
		{[]string{"Cms:article:read"}, "Cms:article:read", false},
		{nil, "cms:article:read", false},
		{[]string{"bad code", "cms:article:read"}, "cms:article:read", true},
	}
	for _, tt := range tests {
		u := &User{Permissions: tt.granted}
		if got := u.Can(tt.required); got != tt.want {
			t.Errorf("%v Can(%q) = %v, want %v", tt.granted, tt.required, got, tt.want)
		}
	}
	var nobody *User
	if nobody.Can("cms:article:read") || nobody.HasRole("USER") {
		t.Error("a nil user may do nothing")
	}
	if !(&User{Roles: []string{"USER", "EDITOR"}}).HasRole("ADMIN", "EDITOR") {
		t.Error("HasRole: any of the roles")
	}
}

func FuzzPermissionMatch(f *testing.F) {
	f.Add("cms:*", "cms:article:read")
	f.Add("cms:*:read", "cms:a:read")
	f.Fuzz(func(t *testing.T, pattern, required string) {
		got := permissionGrants(pattern, required) && validCode(required)
		if got && !validCode(pattern) {
			t.Fatal("an invalid pattern granted something")
		}
		if pattern == required && validCode(pattern) && !permissionGrants(pattern, required) {
			t.Fatal("a code does not grant itself")
		}
	})
}
