package adminapi

import (
	"context"
	"net/http"
	"strings"

	"github.com/gatehouse/gatehouse/internal/auth"
	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/httpapi/authapi"
)

// No escalation. Roles of the center system carry administrative power (their codes may reach
// every system: "*" is the super-admin). A route permission alone would let a holder of
// gatehouse:users:write grant themselves the super-admin role, or reset the super-admin's
// password and sign in as them. So, beyond the route's permission, a caller may only
//   - grant, revoke, create, edit or delete a center-system role whose every code they hold,
//   - edit, disable or set the password of a user whose center-system codes they all hold.
// Roles of other systems carry no power over Gatehouse and are not restricted.

// uncovered returns the first code the caller does not hold ("" when they hold them all). A
// code is held when the caller's permissions in its system allow it literally, wildcards
// matching only wildcards ("demo:*" holds "demo:article:*"; "demo:article:*" does not hold
// "demo:*").
func uncovered(p *auth.Principal, codes []string) string {
	for _, c := range codes {
		sys, _, _ := strings.Cut(c, ":")
		if sys == "*" {
			sys = domain.CenterSystemID
		}
		if !p.Effective(sys).Permissions.Allows(c) {
			return c
		}
	}
	return ""
}

func forbiddenCode(code string) error {
	return domain.Errorf(domain.CodeForbidden, "this needs every permission involved; you do not hold %q", code)
}

// checkRoleCodes refuses a change to a center-system role with codes the caller lacks.
func checkRoleCodes(r *http.Request, systemID string, codes []string) error {
	if systemID != domain.CenterSystemID {
		return nil
	}
	if c := uncovered(authapi.PrincipalFrom(r.Context()), codes); c != "" {
		return forbiddenCode(c)
	}
	return nil
}

// checkUserPowers refuses a change to a user who holds center-system codes the caller lacks.
// An unknown user is not_found.
func (h *Handler) checkUserPowers(ctx context.Context, r *http.Request, userID string) error {
	grants, err := h.Identity.GrantsOf(ctx, userID)
	if err != nil {
		return err
	}
	var codes []string
	for _, g := range grants {
		if g.Role.SystemID == domain.CenterSystemID {
			codes = append(codes, g.Role.Permissions...)
		}
	}
	if c := uncovered(authapi.PrincipalFrom(r.Context()), codes); c != "" {
		return forbiddenCode(c)
	}
	return nil
}
