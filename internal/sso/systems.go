package sso

import (
	"context"

	"github.com/gatehouse/gatehouse/internal/domain"
)

// system returns the system id from the cache or the store; callers must not modify it.
func (s *Service) system(ctx context.Context, id string) (*domain.System, error) {
	return s.systems.Get(ctx, s.Systems, id, s.now())
}
