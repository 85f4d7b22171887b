package identity

import (
	"context"
	"encoding/base64"
	"io"

	"github.com/gatehouse/gatehouse/internal/domain"
)

// BootstrapAdmin is the username of the first administrator.
const BootstrapAdmin = "admin"

// Bootstrap makes sure the center system, its super-admin role and a first administrator
// exist. On the first start it creates user "admin" holding the super-admin role, with the
// given password or, when that is empty, a random one; it returns the password it set
// (to be shown once) or "" when the administrator already existed.
func (s *Service) Bootstrap(ctx context.Context, givenPassword string) (string, error) {
	a := Actor{Via: "bootstrap"}
	if _, err := s.Systems.SystemByID(ctx, domain.CenterSystemID); domain.ErrorCode(err) == domain.CodeNotFound {
		center := &domain.System{ID: domain.CenterSystemID, Name: "Gatehouse", Protocols: []string{domain.ProtocolSSO}}
		if _, err := s.CreateSystem(ctx, a, center); err != nil && domain.ErrorCode(err) != domain.CodeConflict {
			return "", err
		}
	} else if err != nil {
		return "", err
	}
	ref := RoleRef{System: domain.CenterSystemID, Role: domain.SuperAdminRole}
	if _, err := s.Roles.RoleByName(ctx, ref.System, ref.Role); domain.ErrorCode(err) == domain.CodeNotFound {
		r := &domain.Role{SystemID: ref.System, Name: ref.Role, Description: "Every permission in every system", Permissions: []string{"*"}}
		if err := s.CreateRole(ctx, a, r); err != nil && domain.ErrorCode(err) != domain.CodeConflict {
			return "", err
		}
	} else if err != nil {
		return "", err
	}
	if _, err := s.Users.UserByUsername(ctx, BootstrapAdmin); err == nil {
		return "", nil
	} else if domain.ErrorCode(err) != domain.CodeNotFound {
		return "", err
	}
	pw := givenPassword
	if pw == "" {
		b := make([]byte, 18)
		if _, err := io.ReadFull(s.Rand, b); err != nil {
			return "", err
		}
		pw = base64.RawURLEncoding.EncodeToString(b)
	}
	u, err := s.CreateUser(ctx, a, NewUser{Username: BootstrapAdmin, DisplayName: "Administrator", Password: pw, Roles: []RoleRef{ref}})
	if domain.ErrorCode(err) == domain.CodeConflict {
		return "", nil // another node bootstrapped at the same moment
	}
	if err != nil {
		return "", err
	}
	s.record(ctx, a, domain.AuditBootstrap, u.ID, domain.CenterSystemID, nil)
	return pw, nil
}
