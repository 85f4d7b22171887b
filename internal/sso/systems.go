package sso

import (
	"context"
	"sync"
	"time"

	"github.com/gatehouse/gatehouse/internal/domain"
)

// systemCacheFor is how long a looked-up system is reused for Authorize and UserInfo: a change of
// redirect URIs or protocols reaches every node within it. (Secrets are never checked from here:
// identity.Service.AuthenticateSystem keeps its own cache keyed to the change epoch, so a
// rotated secret dies at once on the rotating node and within seconds on the others.)
const (
	systemCacheFor    = 2 * time.Second
	systemCacheMaxLen = 4096
)

// systemCache keeps recently read systems, each a private copy. Only found systems are kept, so
// a probe with made-up ids cannot fill it with absences.
type systemCache struct {
	mu      sync.Mutex
	entries map[string]cachedSystem
}

type cachedSystem struct {
	sys *domain.System
	at  time.Time
}

// system returns the system id from the cache or the store; callers must not modify it.
func (s *Service) system(ctx context.Context, id string) (*domain.System, error) {
	now := s.now()
	c := &s.systems
	c.mu.Lock()
	e, ok := c.entries[id]
	c.mu.Unlock()
	if ok && now.Sub(e.at) < systemCacheFor && !now.Before(e.at) {
		return e.sys, nil
	}
	sys, err := s.Systems.SystemByID(ctx, id)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.entries == nil || len(c.entries) >= systemCacheMaxLen {
		c.entries = make(map[string]cachedSystem)
	}
	c.entries[id] = cachedSystem{sys: sys, at: now}
	c.mu.Unlock()
	return sys, nil
}
