package token

import (
	"crypto/sha256"
	"sync"
	"sync/atomic"
	"time"
)

// verifiedCache remembers tokens whose signature and issuer were checked, keyed by the SHA-256
// of the token string, so that the next request with the same token skips the signature check
// (tens of microseconds for Ed25519, more for RSA). Reads take no lock (sync.Map), so that many
// requests carrying one popular token do not queue on one mutex.
//
// It holds at most max entries: an insert that would pass the bound first drops the expired
// entries, then arbitrary ones (keys are hashes, so iteration order is as good as random) down
// to nine tenths of the bound, so that the sweep is rare. An entry is useless once past the
// token's expiry plus the skew; Verify checks the times of every hit itself and removes the
// expired entry it meets.
type verifiedCache struct {
	m     sync.Map // [sha256.Size]byte → *cacheEntry
	n     atomic.Int64
	max   int64
	sweep sync.Mutex
}

type cacheEntry struct {
	claims *Claims // shared: never modified, handed out as clones
	kid    string  // the key that verified it; the entry dies with the key
	until  int64   // unix nanoseconds after which the entry is useless
}

func newVerifiedCache(size int) *verifiedCache {
	return &verifiedCache{max: int64(size)}
}

// get returns the cached claims of the token with this hash.
func (c *verifiedCache) get(sum [sha256.Size]byte) (*Claims, string, bool) {
	v, ok := c.m.Load(sum)
	if !ok {
		return nil, "", false
	}
	e := v.(*cacheEntry)
	return e.claims, e.kid, true
}

func (c *verifiedCache) put(sum [sha256.Size]byte, claims *Claims, kid string, until, now time.Time) {
	e := &cacheEntry{claims: claims, kid: kid, until: until.UnixNano()}
	if _, loaded := c.m.Swap(sum, e); loaded {
		return
	}
	if c.n.Add(1) > c.max {
		c.shrink(now.UnixNano())
	}
}

// shrink drops expired entries, then arbitrary ones, until the cache is at nine tenths of its
// bound. Concurrent inserts meanwhile may pass the bound by the number of inserting goroutines
// until the next shrink; one goroutine shrinks at a time.
func (c *verifiedCache) shrink(now int64) {
	c.sweep.Lock()
	defer c.sweep.Unlock()
	if c.n.Load() <= c.max {
		return // another goroutine just did it
	}
	c.m.Range(func(k, v any) bool {
		if v.(*cacheEntry).until <= now {
			c.drop(k)
		}
		return true
	})
	target := c.max - c.max/10
	c.m.Range(func(k, _ any) bool {
		if c.n.Load() <= target {
			return false
		}
		c.drop(k)
		return true
	})
}

func (c *verifiedCache) drop(k any) {
	if _, loaded := c.m.LoadAndDelete(k); loaded {
		c.n.Add(-1)
	}
}

func (c *verifiedCache) remove(sum [sha256.Size]byte) { c.drop(sum) }

// len counts the entries (tests).
func (c *verifiedCache) len() int { return int(c.n.Load()) }
