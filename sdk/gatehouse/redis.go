package gatehouse

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"
)

// RedisStore is a SessionStore in Redis (standalone, Sentinel or Cluster through
// redis.UniversalClient), for a system that runs several instances. Its keys start with
// Prefix; each key is single, so no operation needs keys in one cluster slot.
type RedisStore struct {
	rdb      redis.UniversalClient
	prefix   string
	implicit bool // no prefix was given: New names the system in it
}

var _ SessionStore = (*RedisStore)(nil)

// NewRedisStore returns a store over client. Its keys start with prefix when one is given, else
// with "gatehouse:sdk:<system id>:" once New has taken the store (so systems sharing one Redis
// never share keys).
func NewRedisStore(client redis.UniversalClient, prefix ...string) *RedisStore {
	if len(prefix) > 0 {
		return &RedisStore{rdb: client, prefix: prefix[0]}
	}
	return &RedisStore{rdb: client, prefix: "gatehouse:sdk:", implicit: true}
}

func (r *RedisStore) sessionKey(id string) string { return r.prefix + "sess:" + id }
func (r *RedisStore) sidKey(sid string) string    { return r.prefix + "sid:" + sid }
func (r *RedisStore) endedKey(sid string) string  { return r.prefix + "ended:" + sid }
func (r *RedisStore) jtiKey(jti string) string    { return r.prefix + "jti:" + jti }

// Save implements SessionStore. It writes first and checks for an ended sid after: EndSID marks
// the sid before it reads the sid's sessions, so either this check sees the mark or EndSID sees
// the session — never neither.
func (r *RedisStore) Save(ctx context.Context, id string, s *Session, expires time.Time) error {
	b, err := json.Marshal(s)
	if err != nil {
		return err
	}
	sid := s.User.SessionID
	_, err = r.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.SetArgs(ctx, r.sessionKey(id), b, redis.SetArgs{ExpireAt: expires})
		p.SAdd(ctx, r.sidKey(sid), id)
		p.ExpireAt(ctx, r.sidKey(sid), expires.Add(time.Hour))
		return nil
	})
	if err != nil {
		return err
	}
	n, err := r.rdb.Exists(ctx, r.endedKey(sid)).Result()
	if err != nil {
		return err
	}
	if n > 0 {
		r.rdb.Del(ctx, r.sessionKey(id))
		return ErrSessionEnded
	}
	return nil
}

// Get implements SessionStore.
func (r *RedisStore) Get(ctx context.Context, id string) (*Session, error) {
	b, err := r.rdb.Get(ctx, r.sessionKey(id)).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var s Session
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, err
	}
	return &s, nil
}

// Delete implements SessionStore.
func (r *RedisStore) Delete(ctx context.Context, id string) error {
	return r.rdb.Del(ctx, r.sessionKey(id)).Err()
}

// EndSID implements SessionStore.
func (r *RedisStore) EndSID(ctx context.Context, sid string, until time.Time) error {
	if err := r.rdb.SetArgs(ctx, r.endedKey(sid), "1", redis.SetArgs{ExpireAt: until}).Err(); err != nil {
		return err
	}
	ids, err := r.rdb.SMembers(ctx, r.sidKey(sid)).Result()
	if err != nil {
		return err
	}
	for _, id := range ids {
		if err := r.rdb.Del(ctx, r.sessionKey(id)).Err(); err != nil {
			return err
		}
	}
	return r.rdb.Del(ctx, r.sidKey(sid)).Err()
}

// SIDEnded implements SessionStore.
func (r *RedisStore) SIDEnded(ctx context.Context, sid string) (bool, error) {
	n, err := r.rdb.Exists(ctx, r.endedKey(sid)).Result()
	return n > 0, err
}

// FirstUse implements SessionStore with SET NX, atomic across instances.
func (r *RedisStore) FirstUse(ctx context.Context, jti string, until time.Time) (bool, error) {
	ttl := time.Until(until)
	if ttl < time.Second {
		ttl = time.Second
	}
	return r.rdb.SetNX(ctx, r.jtiKey(jti), "1", ttl).Result()
}
