package token

import (
	"context"
	"strings"
	"testing"

	"github.com/gatehouse/gatehouse/internal/store/kv/memkv"
	"github.com/gatehouse/gatehouse/internal/store/kv/rediskv"
	"github.com/gatehouse/gatehouse/internal/testenv"
)

// The refresh suite runs against every session-tier backend: the in-process store, a
// standalone Redis and a Redis Cluster (skipped when unreachable, failed under CI=true).

func openMem(t *testing.T, c *clock) RefreshKV {
	s := memkv.New(memkv.Options{Now: c.now})
	t.Cleanup(func() { s.Close() })
	return s
}

func openRedis(url func(testing.TB) string) newKV {
	return func(t *testing.T, _ *clock) RefreshKV { return openRedisB(t, url(t)) }
}

func openMemB(tb testing.TB) *memkv.Store {
	s := memkv.New(memkv.Options{})
	tb.Cleanup(func() { s.Close() })
	return s
}

func openRedisB(tb testing.TB, url string) *rediskv.Store {
	s, err := rediskv.Open(context.Background(), url, rediskv.Options{Prefix: testenv.Unique("t") + ":"})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

func clusterURL(tb testing.TB) string {
	return "redis-cluster://" + strings.Join(testenv.RedisClusterAddrs(tb), ",")
}

func TestRefreshMemKV(t *testing.T)        { runRefreshSuite(t, openMem) }
func TestRefreshRedis(t *testing.T)        { runRefreshSuite(t, openRedis(testenv.RedisURL)) }
func TestRefreshRedisCluster(t *testing.T) { runRefreshSuite(t, openRedis(clusterURL)) }
