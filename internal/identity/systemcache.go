package identity

import (
	"context"
	"sync"
	"time"

	"github.com/gatehouse/gatehouse/internal/domain"
)

// systemCache keeps the systems that authenticated recently, so that checking a system's
// credentials (on every ticket validation) needs no SQL read. An entry holds while the change
// epoch it was read under is current, and never longer than systemMaxAge: a change made where
// the epoch could not be bumped (the command line against an in-process session store) reaches
// the server within that bound.
type systemCache struct {
	mu      sync.Mutex
	entries map[string]cachedSystem
}

type cachedSystem struct {
	sys      domain.System
	epoch    int64
	loadedAt time.Time
}

const (
	maxCachedSystems = 10_000
	systemMaxAge     = 5 * time.Second
)

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
	now := s.Now()
	if ok && e.epoch == epoch && now.Sub(e.loadedAt) < systemMaxAge {
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
	s.systems.entries[id] = cachedSystem{sys: *sys, epoch: epoch, loadedAt: now}
	s.systems.mu.Unlock()
	return sys, nil
}

// forgetSystem drops a system from this node's cache (after this node changed it).
func (s *Service) forgetSystem(id string) {
	s.systems.mu.Lock()
	delete(s.systems.entries, id)
	s.systems.mu.Unlock()
}
