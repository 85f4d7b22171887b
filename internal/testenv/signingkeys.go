package testenv

import (
	"context"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gatehouse/gatehouse/internal/domain"
)

// SigningKeys is an in-memory store.SigningKeys for tests of the key manager and of what signs
// with it. It stores copies, lists newest first like the real stores, and counts its lists
// (key-set loads) so a test can tell a cache hit from a reload. The zero value is ready.
type SigningKeys struct {
	mu    sync.Mutex
	keys  []*domain.SigningKey
	lists atomic.Int64
}

// AddSigningKey stores a copy of k.
func (f *SigningKeys) AddSigningKey(_ context.Context, k *domain.SigningKey) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := *k
	f.keys = append(f.keys, &c)
	return nil
}

// ListSigningKeys returns copies of every key, newest first, and counts the call.
func (f *SigningKeys) ListSigningKeys(context.Context) ([]*domain.SigningKey, error) {
	f.lists.Add(1)
	return f.Keys(), nil
}

// RetireSigningKey marks key id retired at at, or answers domain.ErrNotFound.
func (f *SigningKeys) RetireSigningKey(_ context.Context, id string, at time.Time) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, k := range f.keys {
		if k.ID == id {
			k.RetiredAt = at
			return nil
		}
	}
	return domain.ErrNotFound
}

// Keys returns copies of the stored keys, newest first, without counting a list.
func (f *SigningKeys) Keys() []*domain.SigningKey {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]*domain.SigningKey, len(f.keys))
	for i, k := range f.keys {
		c := *k
		out[i] = &c
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].CreatedAt.After(out[j].CreatedAt) })
	return out
}

// Lists reports how many times ListSigningKeys was called.
func (f *SigningKeys) Lists() int64 { return f.lists.Load() }
