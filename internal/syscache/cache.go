package syscache

import (
	"context"
	"sync"
	"time"

	"github.com/gatehouse/gatehouse/internal/domain"
)

const (
	// For is how long a looked-up system is reused.
	For = 2 * time.Second
	// MaxLen bounds the number of systems kept.
	MaxLen = 4096
)

// Reader finds a registered system (the SQL store does).
type Reader interface {
	SystemByID(ctx context.Context, id string) (*domain.System, error)
}

// Cache keeps recently read systems. The zero value is ready to use.
type Cache struct {
	mu      sync.Mutex
	entries map[string]entry
}

type entry struct {
	sys *domain.System
	at  time.Time
}

// Get returns system id as read from r at most For before now; callers must not modify it. A
// clock that went back counts as stale.
func (c *Cache) Get(ctx context.Context, r Reader, id string, now time.Time) (*domain.System, error) {
	c.mu.Lock()
	e, ok := c.entries[id]
	c.mu.Unlock()
	if ok && now.Sub(e.at) < For && !now.Before(e.at) {
		return e.sys, nil
	}
	sys, err := r.SystemByID(ctx, id)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.entries == nil || len(c.entries) >= MaxLen {
		c.entries = make(map[string]entry)
	}
	c.entries[id] = entry{sys: sys, at: now}
	c.mu.Unlock()
	return sys, nil
}
