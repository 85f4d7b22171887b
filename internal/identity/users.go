package identity

import (
	"context"
	"strings"

	"github.com/gatehouse/gatehouse/internal/domain"
)

// NewUser is what it takes to create a user. Exactly one of Password (plain, checked against
// the policy and hashed) and PasswordHash (imported: argon2id or bcrypt) is set.
type NewUser struct {
	Username     string
	DisplayName  string
	Email        string
	Password     string
	PasswordHash string
	Status       domain.UserStatus // "" means active
	Roles        []RoleRef
}

// RoleRef names a role by system and name, as in "demo:ADMIN".
type RoleRef struct {
	System string
	Role   string
}

// ParseRoleRef parses "system:ROLE".
func ParseRoleRef(s string) (RoleRef, error) {
	sys, role, ok := strings.Cut(strings.TrimSpace(s), ":")
	if !ok || sys == "" || role == "" {
		return RoleRef{}, domain.Errorf(domain.CodeInvalidInput, "role %q must be written system:ROLE", s)
	}
	return RoleRef{System: sys, Role: role}, nil
}

func (r RoleRef) String() string { return r.System + ":" + r.Role }

// CreateUser validates, hashes and stores a new user with its roles, in one step.
func (s *Service) CreateUser(ctx context.Context, a Actor, in NewUser) (*domain.User, error) {
	u, roleIDs, err := s.prepareUser(ctx, in)
	if err != nil {
		return nil, err
	}
	if err := s.Users.CreateUser(ctx, u, roleIDs...); err != nil {
		return nil, err
	}
	details := map[string]string{"username": u.Username}
	if len(in.Roles) > 0 {
		details["roles"] = joinRefs(in.Roles)
	}
	s.record(ctx, a, domain.AuditUserCreate, u.ID, "", details)
	return u, nil
}

// prepareUser turns NewUser into a valid domain.User and role ids, or reports every problem.
func (s *Service) prepareUser(ctx context.Context, in NewUser) (*domain.User, []string, error) {
	now := s.Now()
	u := &domain.User{
		Username:    domain.NormalizeUsername(in.Username),
		DisplayName: strings.TrimSpace(in.DisplayName),
		Email:       strings.TrimSpace(in.Email),
		Status:      in.Status,
		CreatedAt:   now, UpdatedAt: now, PasswordChangedAt: now,
	}
	if u.Status == "" {
		u.Status = domain.UserActive
	}
	if u.DisplayName == "" {
		u.DisplayName = u.Username
	}
	var p domain.Problems
	if err := u.Validate(); err != nil {
		p = append(p, err.(*domain.Error).Fields...)
	}
	switch {
	case in.Password != "" && in.PasswordHash != "":
		p.Add("password", "give a password or a password hash, not both")
	case in.PasswordHash != "":
		if !RecognizedHash(in.PasswordHash) {
			p.Add("password_hash", "is not an argon2id or bcrypt hash")
		}
	case in.Password == "":
		p.Add("password", "is required")
	default:
		if err := s.Policy.Check(in.Password, u.Username); err != nil {
			if de, ok := err.(*domain.Error); ok {
				for _, f := range de.Fields {
					p.Add("password", "%s", f.Problem)
				}
			} else {
				return nil, nil, err
			}
		}
	}
	roleIDs := make([]string, 0, len(in.Roles))
	for _, ref := range in.Roles {
		r, err := s.Roles.RoleByName(ctx, ref.System, ref.Role)
		if err != nil {
			if domain.ErrorCode(err) != domain.CodeNotFound {
				return nil, nil, err
			}
			p.Add("roles", "%s does not exist", ref)
			continue
		}
		roleIDs = append(roleIDs, r.ID)
	}
	if err := p.Err(); err != nil {
		return nil, nil, err
	}
	id, err := s.newID()
	if err != nil {
		return nil, nil, err
	}
	u.ID = id
	if in.PasswordHash != "" {
		u.PasswordHash = in.PasswordHash
	} else if u.PasswordHash, err = s.Hasher.Hash(ctx, in.Password); err != nil {
		return nil, nil, err
	}
	return u, roleIDs, nil
}

func joinRefs(refs []RoleRef) string {
	parts := make([]string, len(refs))
	for i, r := range refs {
		parts[i] = r.String()
	}
	return strings.Join(parts, ",")
}

// User finds a user by id or, failing that, by username.
func (s *Service) User(ctx context.Context, idOrName string) (*domain.User, error) {
	u, err := s.Users.UserByUsername(ctx, domain.NormalizeUsername(idOrName))
	if err == nil {
		return u, nil
	}
	if domain.ErrorCode(err) != domain.CodeNotFound {
		return nil, err
	}
	u, err = s.Users.UserByID(ctx, idOrName)
	return u, notFound(err, "no user %q", idOrName)
}

// SetPassword checks the policy, hashes and stores a new password.
func (s *Service) SetPassword(ctx context.Context, a Actor, userID, newPassword string) error {
	u, err := s.Users.UserByID(ctx, userID)
	if err != nil {
		return notFound(err, "no user %q", userID)
	}
	if err := s.Policy.Check(newPassword, u.Username); err != nil {
		return err
	}
	hash, err := s.Hasher.Hash(ctx, newPassword)
	if err != nil {
		return err
	}
	u.PasswordHash, u.PasswordChangedAt = hash, s.Now()
	if err := s.Users.UpdateUser(ctx, u); err != nil {
		return err
	}
	s.record(ctx, a, domain.AuditUserPassword, u.ID, "", nil)
	if s.Changes != nil {
		s.Changes.PasswordReset(ctx, u.ID)
	}
	return nil
}

// SetStatus activates, disables or locks a user.
func (s *Service) SetStatus(ctx context.Context, a Actor, userID string, status domain.UserStatus) (*domain.User, error) {
	if !status.Valid() {
		return nil, domain.Errorf(domain.CodeInvalidInput, "status must be active, disabled or locked")
	}
	u, err := s.Users.UserByID(ctx, userID)
	if err != nil {
		return nil, notFound(err, "no user %q", userID)
	}
	if u.Status == status {
		return u, nil
	}
	old := u.Status
	u.Status = status
	if err := s.Users.UpdateUser(ctx, u); err != nil {
		return nil, err
	}
	s.record(ctx, a, domain.AuditUserStatus, u.ID, "", map[string]string{"from": string(old), "to": string(status)})
	if s.Changes != nil && status != domain.UserActive {
		s.Changes.UserDeactivated(ctx, u.ID)
	} else {
		s.authzChanged(ctx)
	}
	return u, nil
}

// GrantRole gives the user a role of a system; RevokeRole takes it away.
func (s *Service) GrantRole(ctx context.Context, a Actor, userID string, ref RoleRef) error {
	return s.changeGrant(ctx, a, userID, ref, true)
}

// RevokeRole takes a role of a system away from the user.
func (s *Service) RevokeRole(ctx context.Context, a Actor, userID string, ref RoleRef) error {
	return s.changeGrant(ctx, a, userID, ref, false)
}

func (s *Service) changeGrant(ctx context.Context, a Actor, userID string, ref RoleRef, grant bool) error {
	r, err := s.Roles.RoleByName(ctx, ref.System, ref.Role)
	if err != nil {
		return notFound(err, "no role %s", ref)
	}
	typ := domain.AuditRoleGrant
	if grant {
		err = s.Grants.GrantRole(ctx, userID, r.ID)
	} else {
		typ = domain.AuditRoleRevoke
		err = s.Grants.RevokeRole(ctx, userID, r.ID)
	}
	if err != nil {
		return notFound(err, "no user %q", userID)
	}
	s.record(ctx, a, typ, userID, ref.System, map[string]string{"role": ref.String()})
	s.authzChanged(ctx)
	return nil
}

// Effective returns what the user may do in a system.
func (s *Service) Effective(ctx context.Context, userID, systemID string) (domain.Effective, error) {
	grants, err := s.Grants.GrantsOfUser(ctx, userID)
	if err != nil {
		return domain.Effective{}, err
	}
	return domain.EffectivePermissions(grants, systemID), nil
}
