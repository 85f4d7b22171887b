package rediskv

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// Get returns the value of key.
func (s *Store) Get(ctx context.Context, key string) ([]byte, error) {
	v, err := s.c.Get(ctx, s.key(key)).Bytes()
	if err != nil {
		return nil, s.fail("get", err)
	}
	return v, nil
}

// Set stores value under key, replacing whatever it held.
func (s *Store) Set(ctx context.Context, key string, value []byte, ttl time.Duration) error {
	if ttl < 0 {
		return errNegTTL
	}
	return s.fail("set", s.c.Set(ctx, s.key(key), value, roundTTL(ttl)).Err())
}

// roundTTL keeps go-redis from sending a sub-millisecond ttl as zero.
func roundTTL(ttl time.Duration) time.Duration {
	if ttl > 0 && ttl < time.Millisecond {
		return time.Millisecond
	}
	return ttl
}

// SetNX stores value only when key is absent.
func (s *Store) SetNX(ctx context.Context, key string, value []byte, ttl time.Duration) (bool, error) {
	if ttl < 0 {
		return false, errNegTTL
	}
	ok, err := s.c.SetNX(ctx, s.key(key), value, roundTTL(ttl)).Result()
	return ok, s.fail("setnx", err)
}

// GetDel returns the value of key and deletes it (GETDEL, Redis 6.2 or later).
func (s *Store) GetDel(ctx context.Context, key string) ([]byte, error) {
	v, err := s.c.GetDel(ctx, s.key(key)).Bytes()
	if err != nil {
		return nil, s.fail("getdel", err)
	}
	return v, nil
}

// Delete removes the keys. On a cluster, keys of different slots cannot go in one DEL, so each
// key gets its own, pipelined per node.
func (s *Store) Delete(ctx context.Context, keys ...string) error {
	switch {
	case len(keys) == 0:
		return nil
	case len(keys) == 1 || !s.cluster:
		full := make([]string, len(keys))
		for i, k := range keys {
			full[i] = s.key(k)
		}
		return s.fail("delete", s.c.Del(ctx, full...).Err())
	}
	_, err := s.c.Pipelined(ctx, func(p redis.Pipeliner) error {
		for _, k := range keys {
			p.Del(ctx, s.key(k))
		}
		return nil
	})
	return s.fail("delete", err)
}

// Expire gives key a new ttl (0 removes its expiry) and reports whether it existed.
func (s *Store) Expire(ctx context.Context, key string, ttl time.Duration) (bool, error) {
	switch {
	case ttl < 0:
		return false, errNegTTL
	case ttl == 0:
		n, err := persistScript.Run(ctx, s.c, []string{s.key(key)}).Int()
		return n == 1, s.fail("expire", err)
	}
	ok, err := s.c.PExpire(ctx, s.key(key), roundTTL(ttl)).Result()
	return ok, s.fail("expire", err)
}

// TTL returns the remaining time to live of key, 0 when it has none.
func (s *Store) TTL(ctx context.Context, key string) (time.Duration, error) {
	n, err := s.c.Do(ctx, "PTTL", s.key(key)).Int64()
	switch {
	case err != nil:
		return 0, s.fail("ttl", err)
	case n == -2:
		return 0, s.fail("ttl", redis.Nil)
	case n < 0:
		return 0, nil
	}
	return time.Duration(n) * time.Millisecond, nil
}

// Incr adds delta to the counter at key; a new counter gets ttl, an existing one keeps its own.
func (s *Store) Incr(ctx context.Context, key string, delta int64, ttl time.Duration) (int64, error) {
	if ttl < 0 {
		return 0, errNegTTL
	}
	n, err := incrScript.Run(ctx, s.c, []string{s.key(key)}, delta, ms(ttl)).Int64()
	return n, s.fail("incr", err)
}

// Count returns the counter at key, 0 when it is absent.
func (s *Store) Count(ctx context.Context, key string) (int64, error) {
	n, err := s.c.Get(ctx, s.key(key)).Int64()
	if errors.Is(err, redis.Nil) {
		return 0, nil
	}
	return n, s.fail("count", err)
}

// Hit records an event at now in the sorted set at key and counts the window.
func (s *Store) Hit(ctx context.Context, key string, now time.Time, window time.Duration) (int64, error) {
	if window < time.Millisecond {
		return 0, errWindow
	}
	at, w := now.UnixMilli(), window.Milliseconds()
	member := strconv.FormatInt(at, 10) + "-" + randomHex(8)
	n, err := hitScript.Run(ctx, s.c, []string{s.key(key)}, at, w, at-w, member).Int64()
	return n, s.fail("hit", err)
}

// Hits counts the events in (now-window, now] without recording one.
func (s *Store) Hits(ctx context.Context, key string, now time.Time, window time.Duration) (int64, error) {
	if window < time.Millisecond {
		return 0, errWindow
	}
	at, w := now.UnixMilli(), window.Milliseconds()
	n, err := s.c.ZCount(ctx, s.key(key), "("+strconv.FormatInt(at-w, 10), strconv.FormatInt(at, 10)).Result()
	return n, s.fail("hits", err)
}

// SetAdd adds members; a ttl > 0 extends the set's expiry to at least ttl from now.
func (s *Store) SetAdd(ctx context.Context, key string, ttl time.Duration, members ...string) error {
	switch {
	case ttl < 0:
		return errNegTTL
	case len(members) == 0:
		return nil
	case ttl == 0:
		return s.fail("setadd", s.c.SAdd(ctx, s.key(key), anys(members)...).Err())
	}
	args := make([]any, 0, len(members)+1)
	args = append(args, ms(ttl))
	args = append(args, anys(members)...)
	return s.fail("setadd", setAddScript.Run(ctx, s.c, []string{s.key(key)}, args...).Err())
}

// SetRemove removes members; Redis deletes a set left empty.
func (s *Store) SetRemove(ctx context.Context, key string, members ...string) error {
	if len(members) == 0 {
		return nil
	}
	return s.fail("setremove", s.c.SRem(ctx, s.key(key), anys(members)...).Err())
}

// SetMembers returns the members of the set at key; an absent set is empty.
func (s *Store) SetMembers(ctx context.Context, key string) ([]string, error) {
	m, err := s.c.SMembers(ctx, s.key(key)).Result()
	if err != nil {
		return nil, s.fail("setmembers", err)
	}
	return m, nil
}

func anys(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}
