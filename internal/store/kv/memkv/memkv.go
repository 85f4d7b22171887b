package memkv

import (
	"context"
	"crypto/rand"
	"hash/maphash"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/store"
	"github.com/gatehouse/gatehouse/internal/store/kv"
)

var _ store.KV = (*Store)(nil)

// shardCount is the number of independently locked maps; a power of two.
const shardCount = 64

// janitorEvery is how often, in real time, the janitor sweeps expired keys.
const janitorEvery = time.Second

// Options configure a Store. Zero values take the defaults.
type Options struct {
	Now  func() time.Time // the clock that decides expiry and queue visibility; time.Now
	Rand io.Reader        // entropy for message ids; crypto/rand.Reader
}

// Store is the in-process session store. Its zero value is not usable; call New.
type Store struct {
	now    func() time.Time
	rand   io.Reader
	randMu sync.Mutex // io.Reader implementations need not be safe for concurrent use

	seed   maphash.Seed
	shards [shardCount]shard

	queuesMu sync.RWMutex
	queues   map[string]*queue

	closed    atomic.Bool
	closeOnce sync.Once
	stop      chan struct{}
	done      chan struct{}
}

type kind uint8

const (
	kindValue kind = iota + 1 // a byte string, counters included (as decimal text)
	kindSet                   // a set of strings
	kindHits                  // the event times of a sliding window
)

// entry is one key. Exactly one of value, set and hits is in use, as kind says.
type entry struct {
	kind  kind
	value []byte
	set   map[string]struct{}
	hits  []int64 // unix milliseconds, ascending
	exp   int64   // unix nanoseconds at which the key expires; 0 = never
}

func (e *entry) expired(now int64) bool { return e.exp != 0 && now >= e.exp }

type shard struct {
	mu sync.RWMutex
	m  map[string]entry
}

// New returns a Store and starts its janitor; Close stops it.
func New(opts Options) *Store {
	s := &Store{
		now:    opts.Now,
		rand:   opts.Rand,
		seed:   maphash.MakeSeed(),
		queues: make(map[string]*queue),
		stop:   make(chan struct{}),
		done:   make(chan struct{}),
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.rand == nil {
		s.rand = rand.Reader
	}
	for i := range s.shards {
		s.shards[i].m = make(map[string]entry)
	}
	go s.janitor()
	return s
}

// shard returns the shard of key. Keys that share a hash tag share a shard, so that a Txn (whose
// keys must share one) locks a single shard.
func (s *Store) shard(key string) *shard {
	return &s.shards[maphash.String(s.seed, kv.HashTag(key))&(shardCount-1)]
}

func (s *Store) nowNano() int64 { return s.now().UnixNano() }

// expiry turns a ttl into an absolute expiry; 0 stays 0 (never).
func expiry(now int64, ttl time.Duration) int64 {
	if ttl <= 0 {
		return 0
	}
	return now + int64(ttl)
}

var (
	errClosed    = domain.Errorf(domain.CodeUnavailable, "memkv: the store is closed")
	errWrongType = domain.Errorf(domain.CodeInternal, "memkv: the key holds another kind of value")
	errNegTTL    = domain.Errorf(domain.CodeInvalidInput, "memkv: a ttl must not be negative")
)

func (s *Store) check(ttl time.Duration) error {
	if s.closed.Load() {
		return errClosed
	}
	if ttl < 0 {
		return errNegTTL
	}
	return nil
}

// Ping reports whether the store is open.
func (s *Store) Ping(context.Context) error {
	if s.closed.Load() {
		return errClosed
	}
	return nil
}

// Close stops the janitor; later operations fail as unavailable. It is safe to call twice.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		s.closed.Store(true)
		close(s.stop)
		<-s.done
	})
	return nil
}

// janitor removes expired keys, one shard at a time, so that keys nobody reads again do not
// stay in memory. Reads never need it: they treat an expired key as absent.
func (s *Store) janitor() {
	defer close(s.done)
	t := time.NewTicker(janitorEvery)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			s.sweep()
		}
	}
}

// sweep deletes every expired key.
func (s *Store) sweep() {
	for i := range s.shards {
		sh := &s.shards[i]
		now := s.nowNano()
		sh.mu.Lock()
		for k, e := range sh.m {
			if e.expired(now) {
				delete(sh.m, k)
			}
		}
		sh.mu.Unlock()
	}
}

// randomHex returns n random bytes as hex.
func (s *Store) randomHex(n int) (string, error) {
	b := make([]byte, n)
	s.randMu.Lock()
	_, err := io.ReadFull(s.rand, b)
	s.randMu.Unlock()
	if err != nil {
		return "", domain.Wrap(domain.CodeInternal, err, "memkv: reading entropy")
	}
	const digits = "0123456789abcdef"
	out := make([]byte, 2*n)
	for i, c := range b {
		out[2*i], out[2*i+1] = digits[c>>4], digits[c&15]
	}
	return string(out), nil
}
