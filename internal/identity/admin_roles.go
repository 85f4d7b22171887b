package identity

import (
	"context"
	"strings"

	"github.com/gatehouse/gatehouse/internal/domain"
)

// RolePatch changes a role; nil fields stay as they are. Permissions replace the whole set.
type RolePatch struct {
	Description *string
	Permissions *[]string
}

// ListRoles lists the roles of a system ("" for every system).
func (s *Service) ListRoles(ctx context.Context, systemID string) ([]*domain.Role, error) {
	return s.Roles.ListRoles(ctx, systemID)
}

// Role returns one role by id; an unknown one is not_found.
func (s *Service) Role(ctx context.Context, id string) (*domain.Role, error) {
	r, err := s.Roles.RoleByID(ctx, id)
	return r, notFound(err, "no role %q", id)
}

// UpdateRole applies p, validating the result; holders feel a permission change at once.
func (s *Service) UpdateRole(ctx context.Context, a Actor, id string, p RolePatch) (*domain.Role, error) {
	r, err := s.Roles.RoleByID(ctx, id)
	if err != nil {
		return nil, notFound(err, "no role %q", id)
	}
	if isSuperAdmin(r) && p.Permissions != nil {
		var pr domain.Problems
		pr.Add("permissions", "the super-admin role always holds \"*\"")
		return nil, pr.Err()
	}
	if p.Description != nil {
		r.Description = *p.Description
	}
	if p.Permissions != nil {
		r.Permissions = *p.Permissions
	}
	if err := r.Validate(); err != nil {
		return nil, err
	}
	if err := s.Roles.UpdateRole(ctx, r); err != nil {
		return nil, notFound(err, "no role %q", id)
	}
	details := map[string]string{"role": r.SystemID + ":" + r.Name}
	if p.Permissions != nil {
		details["permissions"] = strings.Join(r.Permissions, ",")
	}
	s.record(ctx, a, AuditRoleUpdate, r.ID, r.SystemID, details)
	s.authzChanged(ctx)
	return s.Role(ctx, id)
}

// DeleteRole removes a role and every grant of it. The super-admin role cannot be deleted.
func (s *Service) DeleteRole(ctx context.Context, a Actor, id string) error {
	r, err := s.Roles.RoleByID(ctx, id)
	if err != nil {
		return notFound(err, "no role %q", id)
	}
	if isSuperAdmin(r) {
		var pr domain.Problems
		pr.Add("id", "the super-admin role cannot be deleted")
		return pr.Err()
	}
	if err := s.Roles.DeleteRole(ctx, id); err != nil {
		return notFound(err, "no role %q", id)
	}
	s.record(ctx, a, AuditRoleDelete, r.ID, r.SystemID, map[string]string{"role": r.SystemID + ":" + r.Name})
	s.authzChanged(ctx)
	return nil
}

func isSuperAdmin(r *domain.Role) bool {
	return r.SystemID == domain.CenterSystemID && r.Name == domain.SuperAdminRole
}
