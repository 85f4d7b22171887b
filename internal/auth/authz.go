package auth

import (
	"context"
	"sync"
	"time"

	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/store"
)

// AuthzLoader reads what the cache keeps (the SQL store does).
type AuthzLoader interface {
	UserByID(ctx context.Context, id string) (*domain.User, error)
	GrantsOfUser(ctx context.Context, userID string) ([]domain.Grant, error)
}

// AuthzCache keeps each signed-in user's details and grants in process, so that checking a
// request needs no SQL query (the user-details cache of requirement 001). Any change to users,
// roles or grants bumps a global epoch in the session store; every node reads the epoch at most
// once per EpochEvery and drops its entries when it moved, so a change reaches every node within
// about a second. Entries also expire after MaxAge, which bounds staleness for changes made
// where the epoch could not be bumped (the command line against an in-process session store).
type AuthzCache struct {
	Store      AuthzLoader
	KV         store.Counters
	Now        func() time.Time
	MaxAge     time.Duration // default 30s
	EpochEvery time.Duration // default 1s
	MaxEntries int           // default 100,000

	mu      sync.Mutex
	entries map[string]*Identity
	epoch   int64
	epochAt time.Time
}

const epochKey = "authz:epoch"

// Identity is a user as the cache holds it: details (never the password hash) and grants, with
// the effective permissions of each system computed once.
type Identity struct {
	User     domain.User
	Grants   []domain.Grant
	loadedAt time.Time
	epoch    int64

	mu        sync.Mutex
	effective map[string]domain.Effective
}

// Effective returns what the user may do in a system, computed once per identity.
func (id *Identity) Effective(systemID string) domain.Effective {
	id.mu.Lock()
	defer id.mu.Unlock()
	if e, ok := id.effective[systemID]; ok {
		return e
	}
	e := domain.EffectivePermissions(id.Grants, systemID)
	if id.effective == nil {
		id.effective = map[string]domain.Effective{}
	}
	id.effective[systemID] = e
	return e
}

// Get returns the user's identity from the cache, loading it when absent or stale.
func (c *AuthzCache) Get(ctx context.Context, userID string) (*Identity, error) {
	epoch, err := c.currentEpoch(ctx)
	if err != nil {
		return nil, err
	}
	now := c.Now()
	c.mu.Lock()
	id := c.entries[userID]
	c.mu.Unlock()
	if id != nil && id.epoch == epoch && now.Sub(id.loadedAt) < c.maxAge() {
		return id, nil
	}
	u, err := c.Store.UserByID(ctx, userID)
	if err != nil {
		return nil, err
	}
	grants, err := c.Store.GrantsOfUser(ctx, userID)
	if err != nil {
		return nil, err
	}
	u.PasswordHash = ""
	id = &Identity{User: *u, Grants: grants, loadedAt: now, epoch: epoch}
	c.mu.Lock()
	if c.entries == nil || len(c.entries) >= c.maxEntries() {
		c.entries = make(map[string]*Identity)
	}
	c.entries[userID] = id
	c.mu.Unlock()
	return id, nil
}

// Invalidate tells every node that users, roles or grants changed.
func (c *AuthzCache) Invalidate(ctx context.Context) error {
	n, err := c.KV.Incr(ctx, epochKey, 1, 0)
	if err != nil {
		return err
	}
	c.mu.Lock()
	c.epoch, c.epochAt, c.entries = n, c.Now(), nil
	c.mu.Unlock()
	return nil
}

// Forget drops one user's entry on this node (after a change this node made itself).
func (c *AuthzCache) Forget(userID string) {
	c.mu.Lock()
	delete(c.entries, userID)
	c.mu.Unlock()
}

// Epoch returns the change counter of users, roles, grants and systems as this node last read
// it from the session store (at most EpochEvery old). Caches of such data key their entries
// to it.
func (c *AuthzCache) Epoch(ctx context.Context) (int64, error) { return c.currentEpoch(ctx) }

func (c *AuthzCache) currentEpoch(ctx context.Context) (int64, error) {
	now := c.Now()
	c.mu.Lock()
	if !c.epochAt.IsZero() && now.Sub(c.epochAt) < c.epochEvery() {
		e := c.epoch
		c.mu.Unlock()
		return e, nil
	}
	c.mu.Unlock()
	e, err := c.KV.Count(ctx, epochKey)
	if err != nil {
		return 0, err
	}
	c.mu.Lock()
	c.epoch, c.epochAt = e, now
	c.mu.Unlock()
	return e, nil
}

func (c *AuthzCache) maxAge() time.Duration {
	if c.MaxAge > 0 {
		return c.MaxAge
	}
	return 30 * time.Second
}

func (c *AuthzCache) epochEvery() time.Duration {
	if c.EpochEvery > 0 {
		return c.EpochEvery
	}
	return time.Second
}

func (c *AuthzCache) maxEntries() int {
	if c.MaxEntries > 0 {
		return c.MaxEntries
	}
	return 100_000
}
