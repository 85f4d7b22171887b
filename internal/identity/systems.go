package identity

import (
	"context"

	"github.com/gatehouse/gatehouse/internal/domain"
)

// CreateSystem registers a sub-system and returns its secret, which is shown this once and
// stored only as a keyed hash. A public OpenID Connect client gets no secret ("").
func (s *Service) CreateSystem(ctx context.Context, a Actor, sys *domain.System) (string, error) {
	now := s.Now()
	sys.CreatedAt, sys.UpdatedAt = now, now
	if err := sys.Validate(); err != nil {
		return "", err
	}
	if sys.OIDC.Public {
		sys.SecretHash = nil
		if err := s.Systems.CreateSystem(ctx, sys); err != nil {
			return "", err
		}
		s.record(ctx, a, domain.AuditSystemCreate, sys.ID, sys.ID, map[string]string{"name": sys.Name, "public": "true"})
		return "", nil
	}
	secret, err := s.Secrets.NewSecret()
	if err != nil {
		return "", domain.Wrap(domain.CodeInternal, err, "no randomness")
	}
	sys.SecretHash = s.Secrets.HashSecret(secret)
	if err := s.Systems.CreateSystem(ctx, sys); err != nil {
		return "", err
	}
	s.record(ctx, a, domain.AuditSystemCreate, sys.ID, sys.ID, map[string]string{"name": sys.Name})
	return secret, nil
}

// RotateSecret replaces a system's secret; the old one stops working at once.
func (s *Service) RotateSecret(ctx context.Context, a Actor, systemID string) (string, error) {
	sys, err := s.Systems.SystemByID(ctx, systemID)
	if err != nil {
		return "", notFound(err, "no system %q", systemID)
	}
	secret, err := s.Secrets.NewSecret()
	if err != nil {
		return "", domain.Wrap(domain.CodeInternal, err, "no randomness")
	}
	sys.SecretHash = s.Secrets.HashSecret(secret)
	if err := s.Systems.UpdateSystem(ctx, sys); err != nil {
		return "", err
	}
	s.record(ctx, a, domain.AuditSystemSecret, sys.ID, sys.ID, nil)
	s.forgetSystem(sys.ID)
	s.authzChanged(ctx) // other nodes drop their cached copy within a second
	return secret, nil
}

// AuthenticateSystem checks a system's credentials. Unknown system and wrong secret give the
// same answer. The system is read through a cache keyed to the change epoch (see Epoch), so
// a rotated secret stops working at once on the node that rotated it, within a second on every
// other node sharing the session store, and within five seconds in any case.
func (s *Service) AuthenticateSystem(ctx context.Context, systemID, secret string) (*domain.System, error) {
	sys, err := s.cachedSystem(ctx, systemID)
	if err != nil && domain.ErrorCode(err) != domain.CodeNotFound {
		return nil, err
	}
	if sys == nil || secret == "" || !s.Secrets.SecretMatches(secret, sys.SecretHash) {
		return nil, domain.Errorf(domain.CodeUnauthenticated, "unknown system or wrong secret")
	}
	return sys, nil
}

// CreateRole adds a role with its permission codes to a system.
func (s *Service) CreateRole(ctx context.Context, a Actor, r *domain.Role) error {
	r.CreatedAt = s.Now()
	if err := r.Validate(); err != nil {
		return err
	}
	id, err := s.newID()
	if err != nil {
		return err
	}
	r.ID = id
	if err := s.Roles.CreateRole(ctx, r); err != nil {
		return notFound(err, "no system %q", r.SystemID)
	}
	s.record(ctx, a, domain.AuditRoleCreate, r.ID, r.SystemID, map[string]string{"role": r.Name})
	return nil
}

// GrantPermission adds a permission code to a role (idempotent).
func (s *Service) GrantPermission(ctx context.Context, a Actor, ref RoleRef, code string) error {
	r, err := s.Roles.RoleByName(ctx, ref.System, ref.Role)
	if err != nil {
		return notFound(err, "no role %s", ref)
	}
	probe := *r
	probe.Permissions = []string{code}
	if err := probe.Validate(); err != nil {
		return err
	}
	if err := s.Roles.AddPermission(ctx, r.ID, code); err != nil {
		return err
	}
	s.record(ctx, a, domain.AuditPermissionGrant, r.ID, r.SystemID, map[string]string{"role": ref.String(), "code": code})
	s.authzChanged(ctx)
	return nil
}
