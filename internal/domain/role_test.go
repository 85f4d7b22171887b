package domain_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/gatehouse/gatehouse/internal/domain"
)

func TestRoleValidate(t *testing.T) {
	const center = domain.CenterSystemID
	tests := []struct {
		name   string
		role   domain.Role
		fields []string // nil: valid
	}{
		{"system role in its namespace", domain.Role{SystemID: "demo", Name: "EDITOR", Permissions: []string{"demo:article:*", "demo:*:read", "demo"}}, nil},
		{"system role with demo:*", domain.Role{SystemID: "demo", Name: "ADMIN", Permissions: []string{"demo:*"}}, nil},
		{"role without codes", domain.Role{SystemID: "demo", Name: "GUEST"}, nil},
		{"role names", domain.Role{SystemID: "demo", Name: "a" + strings.Repeat("B.-_9", 12) + "xyz"}, nil},
		{"super-admin of the center", domain.Role{SystemID: center, Name: domain.SuperAdminRole, Permissions: []string{"*"}}, nil},
		{"center role reaching other systems", domain.Role{SystemID: center, Name: "auditor", Permissions: []string{"demo:*:read", "*:audit:read", "gatehouse:users:*"}}, nil},
		{"star in a system role", domain.Role{SystemID: "demo", Name: "ROOT", Permissions: []string{"*"}}, []string{"permissions"}},
		{"star system in a system role", domain.Role{SystemID: "demo", Name: "X", Permissions: []string{"*:article:read"}}, []string{"permissions"}},
		{"other system's code", domain.Role{SystemID: "demo", Name: "X", Permissions: []string{"shop:order:read"}}, []string{"permissions"}},
		{"system id prefix", domain.Role{SystemID: "demo", Name: "X", Permissions: []string{"demo2:x", "dem:x"}}, []string{"permissions", "permissions"}},
		{"invalid code", domain.Role{SystemID: "demo", Name: "X", Permissions: []string{"demo:Article"}}, []string{"permissions"}},
		{"empty code", domain.Role{SystemID: "demo", Name: "X", Permissions: []string{""}}, []string{"permissions"}},
		{"bad system", domain.Role{SystemID: "Demo", Name: "X"}, []string{"system"}},
		{"no system", domain.Role{Name: "X"}, []string{"system"}},
		{"name starting with a digit", domain.Role{SystemID: "demo", Name: "1X"}, []string{"name"}},
		{"name with a space", domain.Role{SystemID: "demo", Name: "RE ADER"}, []string{"name"}},
		{"name with a colon", domain.Role{SystemID: "demo", Name: "demo:admin"}, []string{"name"}},
		{"empty name", domain.Role{SystemID: "demo"}, []string{"name"}},
		{"name of 65", domain.Role{SystemID: "demo", Name: "A" + strings.Repeat("b", 64)}, []string{"name"}},
		{"long description", domain.Role{SystemID: "demo", Name: "X", Description: strings.Repeat("d", 513)}, []string{"description"}},
		{"every problem", domain.Role{SystemID: "", Name: "", Description: strings.Repeat("d", 513), Permissions: []string{"x"}},
			[]string{"system", "name", "description", "permissions"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.role.Validate()
			if tt.fields == nil {
				if err != nil {
					t.Fatalf("Validate = %v", err)
				}
				return
			}
			var de *domain.Error
			if !errors.As(err, &de) || de.Code != domain.CodeInvalidInput {
				t.Fatalf("Validate = %v, want invalid_input", err)
			}
			var got []string
			for _, f := range de.Fields {
				got = append(got, f.Field)
			}
			if !slices.Equal(got, tt.fields) {
				t.Fatalf("fields %q, want %q (%v)", got, tt.fields, err)
			}
		})
	}
}
