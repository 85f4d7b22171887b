package session

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/store/kv/rediskv"
	"github.com/gatehouse/gatehouse/internal/testenv"
	"github.com/redis/go-redis/v9"
)

// redisBackend opens rawURL under a unique key prefix and deletes the prefix's keys when the
// test ends. Redis expires keys by its own clock; now is not passed on.
func redisBackend(rawURL func(testing.TB) string) backend {
	return func(t testing.TB, _ func() time.Time) KV {
		t.Helper()
		raw := rawURL(t)
		prefix := testenv.Unique("t") + ":"
		s, err := rediskv.Open(context.Background(), raw, rediskv.Options{Prefix: prefix})
		if err != nil {
			t.Fatalf("rediskv.Open: %v", err)
		}
		t.Cleanup(func() {
			if err := deletePrefix(raw, prefix); err != nil {
				t.Errorf("cleaning up %s*: %v", prefix, err)
			}
			s.Close()
		})
		return s
	}
}

func standaloneURL(t testing.TB) string { return testenv.RedisURL(t) }

func clusterURL(t testing.TB) string {
	return "redis-cluster://" + strings.Join(testenv.RedisClusterAddrs(t), ",")
}

// deletePrefix deletes every key under prefix, on every master of a cluster.
func deletePrefix(raw, prefix string) error {
	o, err := rediskv.ParseURL(raw)
	if err != nil {
		return err
	}
	c := redis.NewUniversalClient(o)
	defer c.Close()
	ctx := context.Background()
	sweep := func(ctx context.Context, c redis.UniversalClient) error {
		iter := c.Scan(ctx, 0, prefix+"*", 500).Iterator()
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
	if cc, ok := c.(*redis.ClusterClient); ok {
		return cc.ForEachMaster(ctx, func(ctx context.Context, c *redis.Client) error { return sweep(ctx, c) })
	}
	return sweep(ctx, c)
}

func TestRedis(t *testing.T) { runSuite(t, redisBackend(standaloneURL)) }

func TestRedisCluster(t *testing.T) { runSuite(t, redisBackend(clusterURL)) }

func TestRedisRealExpiry(t *testing.T) { testRealExpiry(t, redisBackend(standaloneURL)) }

func TestRedisClusterRealExpiry(t *testing.T) { testRealExpiry(t, redisBackend(clusterURL)) }
