package identity

import (
	"context"

	"github.com/gatehouse/gatehouse/internal/domain"
)

// SystemPatch changes some fields of a system; nil fields stay as they are.
type SystemPatch struct {
	Name         *string
	RedirectURIs *[]string
	LogoutURL    *string
	Protocols    *[]string
	OIDC         *domain.OIDCClient
}

// ListSystems returns every registered system.
func (s *Service) ListSystems(ctx context.Context) ([]*domain.System, error) {
	return s.Systems.ListSystems(ctx)
}

// System returns one system; an unknown one is not_found.
func (s *Service) System(ctx context.Context, id string) (*domain.System, error) {
	sys, err := s.Systems.SystemByID(ctx, id)
	return sys, notFound(err, "no system %q", id)
}

// UpdateSystem applies p to the system, validating every field at once. The change reaches
// every node's cache of system credentials within a second.
func (s *Service) UpdateSystem(ctx context.Context, a Actor, id string, p SystemPatch) (*domain.System, error) {
	sys, err := s.Systems.SystemByID(ctx, id)
	if err != nil {
		return nil, notFound(err, "no system %q", id)
	}
	if p.Name != nil {
		sys.Name = *p.Name
	}
	if p.RedirectURIs != nil {
		sys.RedirectURIs = *p.RedirectURIs
	}
	if p.LogoutURL != nil {
		sys.LogoutURL = *p.LogoutURL
	}
	if p.Protocols != nil {
		sys.Protocols = *p.Protocols
	}
	if p.OIDC != nil {
		sys.OIDC = *p.OIDC
	}
	if err := sys.Validate(); err != nil {
		return nil, err
	}
	if err := s.Systems.UpdateSystem(ctx, sys); err != nil {
		return nil, notFound(err, "no system %q", id)
	}
	s.record(ctx, a, AuditSystemUpdate, sys.ID, sys.ID, nil)
	s.forgetSystem(sys.ID)
	s.authzChanged(ctx)
	return sys, nil
}

// DeleteSystem removes a system with its roles and every grant of them. The center system
// itself cannot be deleted.
func (s *Service) DeleteSystem(ctx context.Context, a Actor, id string) error {
	if id == domain.CenterSystemID {
		var p domain.Problems
		p.Add("id", "the Gatehouse system itself cannot be deleted")
		return p.Err()
	}
	if err := s.Systems.DeleteSystem(ctx, id); err != nil {
		return notFound(err, "no system %q", id)
	}
	s.record(ctx, a, AuditSystemDelete, id, id, nil)
	s.forgetSystem(id)
	s.authzChanged(ctx)
	return nil
}
