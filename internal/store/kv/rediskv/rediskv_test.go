package rediskv

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/store"
	"github.com/gatehouse/gatehouse/internal/store/storetest"
	"github.com/gatehouse/gatehouse/internal/testenv"
	"github.com/redis/go-redis/v9"
)

// open opens rawURL under a unique prefix and deletes the prefix's keys when tb ends.
func open(tb testing.TB, rawURL string) *Store {
	tb.Helper()
	s, err := Open(context.Background(), rawURL, Options{Prefix: testenv.Unique("t") + ":"})
	if err != nil {
		tb.Fatalf("Open: %v", err)
	}
	tb.Cleanup(func() {
		if err := s.deleteAll(context.Background()); err != nil {
			tb.Errorf("cleaning up %s*: %v", s.prefix, err)
		}
		s.Close()
	})
	return s
}

// deleteAll deletes every key under the store's prefix, on every master of a cluster.
func (s *Store) deleteAll(ctx context.Context) error {
	sweep := func(ctx context.Context, c redis.UniversalClient) error {
		iter := c.Scan(ctx, 0, s.prefix+"*", 500).Iterator()
		var keys []string
		for iter.Next(ctx) {
			keys = append(keys, iter.Val())
		}
		if err := iter.Err(); err != nil {
			return err
		}
		_, err := c.Pipelined(ctx, func(p redis.Pipeliner) error {
			for _, k := range keys { // one by one: keys of different slots cannot share a DEL
				p.Unlink(ctx, k)
			}
			return nil
		})
		return err
	}
	if cc, ok := s.c.(*redis.ClusterClient); ok {
		return cc.ForEachMaster(ctx, func(ctx context.Context, c *redis.Client) error { return sweep(ctx, c) })
	}
	return sweep(ctx, s.c)
}

func standaloneURL(tb testing.TB) string { return testenv.RedisURL(tb) }

func clusterURL(tb testing.TB) string {
	return "redis-cluster://" + strings.Join(testenv.RedisClusterAddrs(tb), ",")
}

func TestStandalone(t *testing.T) {
	raw := standaloneURL(t)
	storetest.RunKV(t, func(t *testing.T) store.KV { return open(t, raw) })
}

func TestCluster(t *testing.T) {
	raw := clusterURL(t)
	storetest.RunKV(t, func(t *testing.T) store.KV { return open(t, raw) })
}

// TestSentinel runs the suite through the Redis Sentinel that scripts/services.sh starts
// (GH_TEST_REDIS_SENTINEL overrides it).
func TestSentinel(t *testing.T) {
	raw := testenv.RedisSentinelURL(t)
	storetest.RunKV(t, func(t *testing.T) store.KV { return open(t, raw) })
}

func BenchmarkRedisKV(b *testing.B) {
	storetest.BenchKV(b, open(b, standaloneURL(b)))
}

func BenchmarkRedisClusterKV(b *testing.B) {
	storetest.BenchKV(b, open(b, clusterURL(b)))
}

// TestClusterCrossSlotTxn: a Txn across hash tags fails before Redis, and were it sent anyway
// the Cluster refuses the script whole (CROSSSLOT): nothing is half-applied.
func TestClusterCrossSlotTxn(t *testing.T) {
	s := open(t, clusterURL(t))
	ctx := t.Context()
	ops := []store.Op{
		{Kind: store.OpPut, Key: "sess:{a}", Value: []byte("v")},
		{Kind: store.OpPut, Key: "sess:{b}", Value: []byte("v")},
	}
	if ok, err := s.Txn(ctx, nil, ops); !errors.Is(err, domain.ErrInvalid) || ok {
		t.Fatalf("Txn across hash tags = %v, %v; want invalid input", ok, err)
	}

	keys, args := txnArgs(s.prefix, nil, ops)
	err := s.fail("txn", txnScript.Run(ctx, s.c, keys, args...).Err())
	if err == nil || !strings.Contains(err.Error(), "CROSSSLOT") || !strings.Contains(err.Error(), "hash tag") {
		t.Fatalf("cross-slot script on the cluster: %v, want a CROSSSLOT error that names hash tags", err)
	}
	for _, k := range []string{"sess:{a}", "sess:{b}"} {
		if _, err := s.Get(ctx, k); !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("Get(%q) after the refused script: %v, want ErrNotFound", k, err)
		}
	}
}

func TestOpenErrors(t *testing.T) {
	ctx := t.Context()
	_, err := Open(ctx, "redis://:s3cret@127.0.0.1:1/0?dial_timeout=1s&max_retries=-1", Options{})
	if domain.ErrorCode(err) != domain.CodeUnavailable {
		t.Fatalf("unreachable server: %v, want unavailable", err)
	}
	if strings.Contains(err.Error(), "s3cret") {
		t.Fatalf("the error shows the password: %v", err)
	}
	if _, err := Open(ctx, "mysql://127.0.0.1", Options{}); !errors.Is(err, domain.ErrInvalid) {
		t.Fatalf("bad URL: %v, want invalid input", err)
	}
	if _, err := Open(ctx, standaloneURL(t), Options{Prefix: "a{b}:"}); !errors.Is(err, domain.ErrInvalid) {
		t.Fatalf("prefix with braces: %v, want invalid input", err)
	}
}

// TestPrefixIsolates: two stores on one server with different prefixes do not see each other.
func TestPrefixIsolates(t *testing.T) {
	raw := standaloneURL(t)
	a, b := open(t, raw), open(t, raw)
	ctx := t.Context()
	if err := a.Set(ctx, "k", []byte("a"), 0); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Get(ctx, "k"); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("b sees a's key: %v", err)
	}
	if _, err := a.Enqueue(ctx, "q", []byte("x"), 0); err != nil {
		t.Fatal(err)
	}
	if st, err := b.Stats(ctx, "q"); err != nil || st != (store.QueueStats{}) {
		t.Fatalf("b sees a's queue: %+v, %v", st, err)
	}
	raw2, err := a.c.Get(ctx, a.prefix+"k").Result()
	if err != nil || raw2 != "a" {
		t.Fatalf("the key is not stored under the prefix: %q, %v", raw2, err)
	}
}

func TestWrongTypeIsInternal(t *testing.T) {
	s := open(t, standaloneURL(t))
	ctx := t.Context()
	if err := s.SetAdd(ctx, "set", 0, "a"); err != nil {
		t.Fatal(err)
	}
	_, err := s.Get(ctx, "set")
	if domain.ErrorCode(err) != domain.CodeInternal {
		t.Fatalf("Get of a set: %v, want internal", err)
	}
}

func TestClosedIsUnavailable(t *testing.T) {
	s, err := Open(t.Context(), standaloneURL(t), Options{Prefix: testenv.Unique("t") + ":"})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if err := s.Ping(t.Context()); domain.ErrorCode(err) != domain.CodeUnavailable {
		t.Fatalf("Ping after Close: %v, want unavailable", err)
	}
}
