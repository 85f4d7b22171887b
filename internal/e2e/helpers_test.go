package e2e

import (
	"net/url"
	"testing"

	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/identity"
)

var cliActor = identity.Actor{Via: "test"}

func roleRef(system, role string) identity.RoleRef {
	return identity.RoleRef{System: system, Role: role}
}

func auditFilter(typ string) domain.AuditFilter { return domain.AuditFilter{Type: typ} }

func mustURL(t *testing.T, raw string) *url.URL {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
