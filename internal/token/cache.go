package token

import (
	"crypto/sha256"
	"encoding/binary"
	"sync"
	"time"
)

// cacheShards splits the verified-token cache so that concurrent requests rarely share a lock.
const cacheShards = 16

// verifiedCache remembers tokens whose signature and issuer were checked, keyed by the SHA-256
// of the token string, so that the next request with the same token skips the signature check
// (tens of microseconds for Ed25519, more for RSA). It holds at most its size in entries; a
// full shard first drops its expired entries, then arbitrary ones (Go's map order is random).
// An entry is dropped once it is past the token's expiry plus the skew. A hit still has its
// times and audience checked against the current request by the caller.
type verifiedCache struct {
	shards [cacheShards]cacheShard
}

type cacheShard struct {
	mu  sync.RWMutex
	m   map[[sha256.Size]byte]cacheEntry
	max int // the shards' bounds add up to the cache's
}

type cacheEntry struct {
	claims *Claims // shared: never modified, handed out as clones
	kid    string  // the key that verified it; the entry dies with the key
	until  int64   // unix nanoseconds after which the entry is useless
}

func newVerifiedCache(size int) *verifiedCache {
	c := &verifiedCache{}
	for i := range c.shards {
		c.shards[i].m = make(map[[sha256.Size]byte]cacheEntry)
		c.shards[i].max = size / cacheShards
		if i < size%cacheShards {
			c.shards[i].max++
		}
	}
	return c
}

func (c *verifiedCache) shard(sum [sha256.Size]byte) *cacheShard {
	return &c.shards[binary.LittleEndian.Uint64(sum[:8])%cacheShards]
}

// get returns the cached claims of the token with this hash. It does not look at the clock:
// Verify checks exp itself and removes the entry when it is expired.
func (c *verifiedCache) get(sum [sha256.Size]byte) (*Claims, string, bool) {
	sh := c.shard(sum)
	sh.mu.RLock()
	e, ok := sh.m[sum]
	sh.mu.RUnlock()
	return e.claims, e.kid, ok
}

func (c *verifiedCache) put(sum [sha256.Size]byte, claims *Claims, kid string, until, now time.Time) {
	sh := c.shard(sum)
	u, n := until.UnixNano(), now.UnixNano()
	if sh.max == 0 {
		return
	}
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if _, ok := sh.m[sum]; !ok && len(sh.m) >= sh.max {
		for k, e := range sh.m { // first the expired ones
			if e.until <= n {
				delete(sh.m, k)
			}
		}
		for k := range sh.m { // then arbitrary ones, a tenth of the shard, so that the sweep is rare
			if len(sh.m) < sh.max-sh.max/10 {
				break
			}
			delete(sh.m, k)
		}
	}
	sh.m[sum] = cacheEntry{claims: claims, kid: kid, until: u}
}

func (c *verifiedCache) remove(sum [sha256.Size]byte) {
	sh := c.shard(sum)
	sh.mu.Lock()
	delete(sh.m, sum)
	sh.mu.Unlock()
}

// len counts the entries (tests).
func (c *verifiedCache) len() int {
	n := 0
	for i := range c.shards {
		sh := &c.shards[i]
		sh.mu.RLock()
		n += len(sh.m)
		sh.mu.RUnlock()
	}
	return n
}
