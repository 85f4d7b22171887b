package rediskv

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"
	"time"

	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/store"
	"github.com/redis/go-redis/v9"
)

var _ store.KV = (*Store)(nil)

// Options configure a Store.
type Options struct {
	// Prefix goes in front of every key, e.g. "gh:" to share a Redis with other programs. It
	// must not contain '{' or '}', which would move the hash tags of the keys behind it.
	Prefix string
	// Now is the clock of queue visibility and message times, passed to the scripts so that
	// every node and every backend agree on one clock. Default time.Now.
	Now func() time.Time
}

// Store is the Redis session store.
type Store struct {
	c       redis.UniversalClient
	prefix  string
	now     func() time.Time
	cluster bool
	where   string // host list for error messages, never the password
}

// Open connects to the Redis that rawURL names (see the package documentation), pings it and
// returns the Store. A URL that cannot be used is an invalid-input error; a server that cannot
// be reached is an unavailable error.
func Open(ctx context.Context, rawURL string, opts Options) (*Store, error) {
	o, err := ParseURL(rawURL)
	if err != nil {
		return nil, err
	}
	if strings.ContainsAny(opts.Prefix, "{}") {
		return nil, domain.Errorf(domain.CodeInvalidInput, "rediskv: the key prefix %q must not contain '{' or '}'", opts.Prefix)
	}
	s := &Store{
		c:       redis.NewUniversalClient(o),
		prefix:  opts.Prefix,
		now:     opts.Now,
		cluster: o.IsClusterMode,
		where:   strings.Join(o.Addrs, ","),
	}
	if o.MasterName != "" {
		s.where = "master " + o.MasterName + " via sentinels " + s.where
	}
	if s.now == nil {
		s.now = time.Now
	}
	if err := s.Ping(ctx); err != nil {
		s.c.Close()
		return nil, err
	}
	return s, nil
}

// Ping checks that Redis answers: on a cluster, every master.
func (s *Store) Ping(ctx context.Context) error {
	if cc, ok := s.c.(*redis.ClusterClient); ok {
		err := cc.ForEachMaster(ctx, func(ctx context.Context, c *redis.Client) error {
			return c.Ping(ctx).Err()
		})
		return s.fail("ping", err)
	}
	return s.fail("ping", s.c.Ping(ctx).Err())
}

// Close closes the connections.
func (s *Store) Close() error { return s.c.Close() }

// key prefixes a caller's key.
func (s *Store) key(k string) string { return s.prefix + k }

// fail maps a go-redis error to the errors of package store: redis.Nil is domain.ErrNotFound,
// a connection problem is unavailable, and anything else is internal.
func (s *Store) fail(op string, err error) error {
	var de *domain.Error
	switch {
	case err == nil:
		return nil
	case errors.Is(err, redis.Nil):
		return domain.ErrNotFound
	case errors.As(err, &de):
		return err
	case unavailable(err):
		return domain.Wrap(domain.CodeUnavailable, err, "rediskv: Redis at "+s.where+" is unavailable ("+op+")")
	case redis.HasErrorPrefix(err, "CROSSSLOT"):
		return domain.Wrap(domain.CodeInternal, err, "rediskv: "+op+": the keys of one operation must share a hash tag")
	}
	return domain.Wrap(domain.CodeInternal, err, "rediskv: "+op+" failed")
}

// unavailable tells a connection problem, or a server that cannot serve now, from a bug.
func unavailable(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) ||
		errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) ||
		errors.Is(err, redis.ErrClosed) || errors.Is(err, redis.ErrPoolTimeout) || errors.Is(err, redis.ErrPoolExhausted) ||
		redis.IsClusterDownError(err) || redis.IsTryAgainError(err) || redis.IsMasterDownError(err) ||
		redis.IsLoadingError(err) || redis.IsReadOnlyError(err) || redis.IsMaxClientsError(err) ||
		redis.IsAuthError(err) || redis.HasErrorPrefix(err, "NOAUTH") || redis.HasErrorPrefix(err, "WRONGPASS")
}

var (
	errNegTTL = domain.Errorf(domain.CodeInvalidInput, "rediskv: a ttl, delay or visibility must not be negative")
	errWindow = domain.Errorf(domain.CodeInvalidInput, "rediskv: a window must be at least one millisecond")
)

// ms turns a duration into whole milliseconds for Redis, rounding a positive sub-millisecond
// duration up so that it still means "expire", not "never".
func ms(d time.Duration) int64 {
	if d > 0 && d < time.Millisecond {
		return 1
	}
	return d.Milliseconds()
}

// randomHex returns n random bytes as hex.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return hex.EncodeToString(b)
}
