package memkv

import (
	"bytes"
	"context"
	"math"
	"sort"
	"strconv"
	"time"

	"github.com/gatehouse/gatehouse/internal/domain"
)

var (
	errNotInteger = domain.Errorf(domain.CodeInternal, "memkv: the value is not an integer or would overflow")
	errWindow     = domain.Errorf(domain.CodeInvalidInput, "memkv: a window must be at least one millisecond")
)

// live returns the entry of key unless it is absent or expired. The caller holds the lock.
func (sh *shard) live(key string, now int64) (entry, bool) {
	e, ok := sh.m[key]
	if !ok || e.expired(now) {
		return entry{}, false
	}
	return e, true
}

// Get returns a copy of the value of key.
func (s *Store) Get(_ context.Context, key string) ([]byte, error) {
	if err := s.check(0); err != nil {
		return nil, err
	}
	sh, now := s.shard(key), s.nowNano()
	sh.mu.RLock()
	defer sh.mu.RUnlock()
	e, ok := sh.live(key, now)
	switch {
	case !ok:
		return nil, domain.ErrNotFound
	case e.kind != kindValue:
		return nil, errWrongType
	}
	return bytes.Clone(e.value), nil
}

// Set stores a copy of value, replacing whatever key held.
func (s *Store) Set(_ context.Context, key string, value []byte, ttl time.Duration) error {
	if err := s.check(ttl); err != nil {
		return err
	}
	v := bytes.Clone(value)
	if v == nil {
		v = []byte{}
	}
	sh, now := s.shard(key), s.nowNano()
	sh.mu.Lock()
	sh.m[key] = entry{kind: kindValue, value: v, exp: expiry(now, ttl)}
	sh.mu.Unlock()
	return nil
}

// SetNX stores value only when key is absent.
func (s *Store) SetNX(_ context.Context, key string, value []byte, ttl time.Duration) (bool, error) {
	if err := s.check(ttl); err != nil {
		return false, err
	}
	v := append([]byte{}, value...)
	sh, now := s.shard(key), s.nowNano()
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if _, ok := sh.live(key, now); ok {
		return false, nil
	}
	sh.m[key] = entry{kind: kindValue, value: v, exp: expiry(now, ttl)}
	return true, nil
}

// GetDel returns the value of key and deletes it, under the shard's lock.
func (s *Store) GetDel(_ context.Context, key string) ([]byte, error) {
	if err := s.check(0); err != nil {
		return nil, err
	}
	sh, now := s.shard(key), s.nowNano()
	sh.mu.Lock()
	defer sh.mu.Unlock()
	e, ok := sh.live(key, now)
	switch {
	case !ok:
		return nil, domain.ErrNotFound
	case e.kind != kindValue:
		return nil, errWrongType
	}
	delete(sh.m, key)
	return e.value, nil // nobody else holds this slice any more
}

// Delete removes the keys, each under its own shard's lock.
func (s *Store) Delete(_ context.Context, keys ...string) error {
	if err := s.check(0); err != nil {
		return err
	}
	for _, key := range keys {
		sh := s.shard(key)
		sh.mu.Lock()
		delete(sh.m, key)
		sh.mu.Unlock()
	}
	return nil
}

// Expire gives key a new ttl (0 removes its expiry) and reports whether it existed.
func (s *Store) Expire(_ context.Context, key string, ttl time.Duration) (bool, error) {
	if err := s.check(ttl); err != nil {
		return false, err
	}
	sh, now := s.shard(key), s.nowNano()
	sh.mu.Lock()
	defer sh.mu.Unlock()
	return sh.expire(key, now, ttl), nil
}

func (sh *shard) expire(key string, now int64, ttl time.Duration) bool {
	e, ok := sh.live(key, now)
	if !ok {
		return false
	}
	e.exp = expiry(now, ttl)
	sh.m[key] = e
	return true
}

// TTL returns the remaining time to live of key, 0 when it has none.
func (s *Store) TTL(_ context.Context, key string) (time.Duration, error) {
	if err := s.check(0); err != nil {
		return 0, err
	}
	sh, now := s.shard(key), s.nowNano()
	sh.mu.RLock()
	defer sh.mu.RUnlock()
	e, ok := sh.live(key, now)
	switch {
	case !ok:
		return 0, domain.ErrNotFound
	case e.exp == 0:
		return 0, nil
	}
	return time.Duration(e.exp - now), nil
}

// Incr adds delta to the counter at key; a new counter gets ttl, an existing one keeps its own.
func (s *Store) Incr(_ context.Context, key string, delta int64, ttl time.Duration) (int64, error) {
	if err := s.check(ttl); err != nil {
		return 0, err
	}
	sh, now := s.shard(key), s.nowNano()
	sh.mu.Lock()
	defer sh.mu.Unlock()
	e, ok := sh.live(key, now)
	var n int64
	if ok {
		if e.kind != kindValue {
			return 0, errWrongType
		}
		var err error
		if n, err = strconv.ParseInt(string(e.value), 10, 64); err != nil {
			return 0, errNotInteger
		}
	} else {
		e = entry{kind: kindValue, exp: expiry(now, ttl)}
	}
	if (delta > 0 && n > math.MaxInt64-delta) || (delta < 0 && n < math.MinInt64-delta) {
		return 0, errNotInteger
	}
	n += delta
	e.value = strconv.AppendInt(e.value[:0], n, 10) // the buffer is ours: Get hands out copies
	sh.m[key] = e
	return n, nil
}

// Count returns the counter at key, 0 when it is absent.
func (s *Store) Count(_ context.Context, key string) (int64, error) {
	if err := s.check(0); err != nil {
		return 0, err
	}
	sh, now := s.shard(key), s.nowNano()
	sh.mu.RLock()
	defer sh.mu.RUnlock()
	e, ok := sh.live(key, now)
	switch {
	case !ok:
		return 0, nil
	case e.kind != kindValue:
		return 0, errWrongType
	}
	n, err := strconv.ParseInt(string(e.value), 10, 64)
	if err != nil {
		return 0, errNotInteger
	}
	return n, nil
}

// Hit records an event at now (to the millisecond, as on Redis) and counts the window. The key
// expires one window after the store's clock, like the PEXPIRE on Redis.
func (s *Store) Hit(_ context.Context, key string, now time.Time, window time.Duration) (int64, error) {
	if err := s.check(0); err != nil {
		return 0, err
	}
	if window < time.Millisecond {
		return 0, errWindow
	}
	ms, lo := now.UnixMilli(), now.UnixMilli()-window.Milliseconds()
	sh, clock := s.shard(key), s.nowNano()
	sh.mu.Lock()
	defer sh.mu.Unlock()
	e, ok := sh.live(key, clock)
	if !ok {
		e = entry{kind: kindHits}
	} else if e.kind != kindHits {
		return 0, errWrongType
	}
	// Forget events at or before lo, then insert ms after any equal ones.
	drop := sort.Search(len(e.hits), func(i int) bool { return e.hits[i] > lo })
	e.hits = e.hits[:copy(e.hits, e.hits[drop:])]
	at := sort.Search(len(e.hits), func(i int) bool { return e.hits[i] > ms })
	e.hits = append(e.hits, 0)
	copy(e.hits[at+1:], e.hits[at:])
	e.hits[at] = ms
	e.exp = clock + int64(window)
	sh.m[key] = e
	return int64(at + 1), nil // everything before the new event lies in (lo, ms]
}

// Hits counts the events in (now-window, now] without recording one.
func (s *Store) Hits(_ context.Context, key string, now time.Time, window time.Duration) (int64, error) {
	if err := s.check(0); err != nil {
		return 0, err
	}
	if window < time.Millisecond {
		return 0, errWindow
	}
	ms, lo := now.UnixMilli(), now.UnixMilli()-window.Milliseconds()
	sh, clock := s.shard(key), s.nowNano()
	sh.mu.RLock()
	defer sh.mu.RUnlock()
	e, ok := sh.live(key, clock)
	switch {
	case !ok:
		return 0, nil
	case e.kind != kindHits:
		return 0, errWrongType
	}
	from := sort.Search(len(e.hits), func(i int) bool { return e.hits[i] > lo })
	to := sort.Search(len(e.hits), func(i int) bool { return e.hits[i] > ms })
	return int64(max(to-from, 0)), nil
}

// SetAdd adds members; a ttl > 0 extends the set's expiry to at least ttl from now.
func (s *Store) SetAdd(_ context.Context, key string, ttl time.Duration, members ...string) error {
	if err := s.check(ttl); err != nil {
		return err
	}
	if len(members) == 0 {
		return nil
	}
	sh, now := s.shard(key), s.nowNano()
	sh.mu.Lock()
	defer sh.mu.Unlock()
	return sh.setAdd(key, now, ttl, members...)
}

func (sh *shard) setAdd(key string, now int64, ttl time.Duration, members ...string) error {
	e, ok := sh.live(key, now)
	switch {
	case !ok:
		e = entry{kind: kindSet, set: make(map[string]struct{}, len(members)), exp: expiry(now, ttl)}
	case e.kind != kindSet:
		return errWrongType
	case ttl > 0 && e.exp != 0 && e.exp < now+int64(ttl):
		e.exp = now + int64(ttl) // a set without expiry keeps none: that would shorten it
	}
	for _, m := range members {
		e.set[m] = struct{}{}
	}
	sh.m[key] = e
	return nil
}

// SetRemove removes members; a set left empty is deleted, as on Redis.
func (s *Store) SetRemove(_ context.Context, key string, members ...string) error {
	if err := s.check(0); err != nil {
		return err
	}
	sh, now := s.shard(key), s.nowNano()
	sh.mu.Lock()
	defer sh.mu.Unlock()
	return sh.setRemove(key, now, members...)
}

func (sh *shard) setRemove(key string, now int64, members ...string) error {
	e, ok := sh.live(key, now)
	switch {
	case !ok:
		return nil
	case e.kind != kindSet:
		return errWrongType
	}
	for _, m := range members {
		delete(e.set, m)
	}
	if len(e.set) == 0 {
		delete(sh.m, key)
	}
	return nil
}

// SetMembers returns the members of the set at key; an absent set is empty.
func (s *Store) SetMembers(_ context.Context, key string) ([]string, error) {
	if err := s.check(0); err != nil {
		return nil, err
	}
	sh, now := s.shard(key), s.nowNano()
	sh.mu.RLock()
	defer sh.mu.RUnlock()
	e, ok := sh.live(key, now)
	switch {
	case !ok:
		return []string{}, nil
	case e.kind != kindSet:
		return nil, errWrongType
	}
	out := make([]string, 0, len(e.set))
	for m := range e.set {
		out = append(out, m)
	}
	return out, nil
}
