package identity

import (
	"context"
	"encoding/base64"
	"io"
	"strings"

	"github.com/gatehouse/gatehouse/internal/domain"
)

// Audit event types of administration that the domain does not name yet.
const (
	AuditSystemUpdate = "system.update"
	AuditSystemDelete = "system.delete"
	AuditRoleUpdate   = "role.update"
	AuditRoleDelete   = "role.delete"
)

// UserPatch changes some fields of a user; nil fields stay as they are.
type UserPatch struct {
	DisplayName *string
	Email       *string
	Status      *domain.UserStatus
}

// ListUsers returns one page of users matching f, ordered by username, and the total.
func (s *Service) ListUsers(ctx context.Context, f domain.UserFilter) ([]*domain.User, int, error) {
	if f.Status != "" && !f.Status.Valid() {
		var p domain.Problems
		p.Add("status", "must be active, disabled or locked")
		return nil, 0, p.Err()
	}
	return s.Users.ListUsers(ctx, f)
}

// UserByID returns a user by id; an unknown one is not_found.
func (s *Service) UserByID(ctx context.Context, id string) (*domain.User, error) {
	u, err := s.Users.UserByID(ctx, id)
	return u, notFound(err, "no user %q", id)
}

// GrantsOf returns the roles the user holds in every system.
func (s *Service) GrantsOf(ctx context.Context, userID string) ([]domain.Grant, error) {
	g, err := s.Grants.GrantsOfUser(ctx, userID)
	return g, notFound(err, "no user %q", userID)
}

// UpdateUser applies p to the user, validating every field at once. A status other than
// active ends every session of the user; any change reaches cached permissions at once.
// A patch that changes nothing writes nothing and records nothing.
func (s *Service) UpdateUser(ctx context.Context, a Actor, userID string, p UserPatch) (*domain.User, error) {
	u, err := s.Users.UserByID(ctx, userID)
	if err != nil {
		return nil, notFound(err, "no user %q", userID)
	}
	old := *u
	var fields []string
	if p.DisplayName != nil {
		u.DisplayName = strings.TrimSpace(*p.DisplayName)
		if u.DisplayName == "" {
			u.DisplayName = u.Username
		}
		if u.DisplayName != old.DisplayName {
			fields = append(fields, "display_name")
		}
	}
	if p.Email != nil {
		if u.Email = strings.TrimSpace(*p.Email); u.Email != old.Email {
			fields = append(fields, "email")
		}
	}
	if p.Status != nil {
		if u.Status = *p.Status; u.Status != old.Status {
			fields = append(fields, "status")
		}
	}
	if err := u.Validate(); err != nil {
		return nil, err
	}
	if len(fields) == 0 {
		return u, nil
	}
	if err := s.Users.UpdateUser(ctx, u); err != nil {
		return nil, notFound(err, "no user %q", userID)
	}
	s.record(ctx, a, domain.AuditUserUpdate, u.ID, "", map[string]string{"fields": strings.Join(fields, ",")})
	switch {
	case u.Status == old.Status:
		s.authzChanged(ctx)
	case u.Status != domain.UserActive:
		s.record(ctx, a, domain.AuditUserStatus, u.ID, "", map[string]string{"from": string(old.Status), "to": string(u.Status)})
		if s.Changes != nil {
			s.Changes.UserDeactivated(ctx, u.ID)
		}
	default:
		s.record(ctx, a, domain.AuditUserStatus, u.ID, "", map[string]string{"from": string(old.Status), "to": string(u.Status)})
		s.authzChanged(ctx)
	}
	return u, nil
}

// GeneratePassword returns a random password of 144 bits (24 characters) that passes the
// policy for username, to be shown once.
func (s *Service) GeneratePassword(username string) (string, error) {
	for range 16 {
		b := make([]byte, 18)
		if _, err := io.ReadFull(s.Rand, b); err != nil {
			return "", domain.Wrap(domain.CodeInternal, err, "no randomness")
		}
		pw := base64.RawURLEncoding.EncodeToString(b)
		if s.Policy.Check(pw, username) == nil {
			return pw, nil
		}
	}
	return "", domain.Errorf(domain.CodeInternal, "no generated password passes the password policy")
}

// GrantRoleByID gives the user the role with the given id (idempotent).
func (s *Service) GrantRoleByID(ctx context.Context, a Actor, userID, roleID string) error {
	return s.changeGrantByID(ctx, a, userID, roleID, true)
}

// RevokeRoleByID takes the role with the given id away from the user (idempotent).
func (s *Service) RevokeRoleByID(ctx context.Context, a Actor, userID, roleID string) error {
	return s.changeGrantByID(ctx, a, userID, roleID, false)
}

func (s *Service) changeGrantByID(ctx context.Context, a Actor, userID, roleID string, grant bool) error {
	if _, err := s.Users.UserByID(ctx, userID); err != nil {
		return notFound(err, "no user %q", userID)
	}
	r, err := s.Roles.RoleByID(ctx, roleID)
	if err != nil {
		return notFound(err, "no role %q", roleID)
	}
	return s.changeGrant(ctx, a, userID, RoleRef{System: r.SystemID, Role: r.Name}, grant)
}
