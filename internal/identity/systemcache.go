package identity

import (
	"context"
	"sync"

	"github.com/gatehouse/gatehouse/internal/domain"
)

// systemCache keeps the systems that authenticated recently, so that checking a system's
// credentials (on every ticket validation) needs no SQL read. An entry holds while the change
// epoch it was read under is current.
type systemCache struct {
	mu      sync.Mutex
	entries map[string]cachedSystem
}

type cachedSystem struct {
	sys   domain.System
	epoch int64
}

const maxCachedSystems = 10_000

// cachedSystem returns a copy of the system, from the cache when its epoch is current. Without
// an Epoch function every call reads the store.
func (s *Service) cachedSystem(ctx context.Context, id string) (*domain.System, error) {
	if s.Epoch == nil {
		return s.Systems.SystemByID(ctx, id)
	}
	epoch, err := s.Epoch(ctx)
	if err != nil {
		return nil, err
	}
	s.systems.mu.Lock()
	e, ok := s.systems.entries[id]
	s.systems.mu.Unlock()
	if ok && e.epoch == epoch {
		c := e.sys
		return &c, nil
	}
	sys, err := s.Systems.SystemByID(ctx, id)
	if err != nil {
		return nil, err
	}
	s.systems.mu.Lock()
	if s.systems.entries == nil || len(s.systems.entries) >= maxCachedSystems {
		s.systems.entries = make(map[string]cachedSystem)
	}
	s.systems.entries[id] = cachedSystem{sys: *sys, epoch: epoch}
	s.systems.mu.Unlock()
	return sys, nil
}

// forgetSystem drops a system from this node's cache (after this node changed it).
func (s *Service) forgetSystem(id string) {
	s.systems.mu.Lock()
	delete(s.systems.entries, id)
	s.systems.mu.Unlock()
}
