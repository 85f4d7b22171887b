package gatehouse

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// TestStores runs one conformance suite against every SessionStore: memory, Redis and Redis
// Cluster (the same servers and variables as the server's tests: GH_TEST_REDIS_URL,
// GH_TEST_REDIS_CLUSTER; unreachable ones are skipped, or fail under CI=true).
func TestStores(t *testing.T) {
	t.Run("memory", func(t *testing.T) { storeSuite(t, NewMemoryStore()) })
	t.Run("redis", func(t *testing.T) {
		raw := envOr("GH_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
		opt, err := redis.ParseURL(raw)
		if err != nil {
			t.Fatal(err)
		}
		reachable(t, opt.Addr)
		rdb := redis.NewClient(opt)
		t.Cleanup(func() { rdb.Close() })
		storeSuite(t, NewRedisStore(rdb, uniquePrefix()))
	})
	t.Run("redis-default-prefix", func(t *testing.T) {
		rs := NewRedisStore(redis.NewClient(&redis.Options{Addr: "127.0.0.1:1"}))
		if _, err := New(Config{CenterURL: "http://c.test", SystemID: "shop", Secret: "x", BaseURL: "http://s.test",
			CookieSecret: make([]byte, 32), Store: rs}); err != nil {
			t.Fatal(err)
		}
		if got := rs.sessionKey("id"); got != "gatehouse:sdk:shop:sess:id" {
			t.Fatalf("session key %q, want one in the system's namespace", got)
		}
	})
	t.Run("redis-cluster", func(t *testing.T) {
		addrs := strings.Split(envOr("GH_TEST_REDIS_CLUSTER", "127.0.0.1:7001,127.0.0.1:7002,127.0.0.1:7003"), ",")
		for _, a := range addrs {
			reachable(t, a)
		}
		rdb := redis.NewClusterClient(&redis.ClusterOptions{Addrs: addrs})
		t.Cleanup(func() { rdb.Close() })
		storeSuite(t, NewRedisStore(rdb, uniquePrefix()))
	})
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func reachable(t *testing.T, addr string) {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err == nil {
		c.Close()
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s unreachable under CI=true: %v", addr, err)
	}
	t.Skipf("%s unreachable, skipping: %v", addr, err)
}

func uniquePrefix() string {
	b := make([]byte, 6)
	rand.Read(b)
	return "sdktest:" + hex.EncodeToString(b) + ":"
}

func storeSuite(t *testing.T, s SessionStore) {
	ctx := context.Background()
	hour := time.Now().Add(time.Hour)
	sess := func(sid, name string) *Session {
		return &Session{User: User{ID: "u-" + name, Username: name, SessionID: sid, Roles: []string{"USER"}},
			ExpiresAt: hour.Truncate(time.Second), TouchedAt: time.Now().Truncate(time.Second)}
	}
	if got, err := s.Get(ctx, "missing"); got != nil || err != nil {
		t.Fatalf("Get of a missing session: %v %v", got, err)
	}
	must(t, s.Save(ctx, "a1", sess("sid-a", "jack"), hour))
	must(t, s.Save(ctx, "a2", sess("sid-a", "jack"), hour))
	must(t, s.Save(ctx, "b1", sess("sid-b", "danny"), hour))
	got, err := s.Get(ctx, "a1")
	if err != nil || got == nil || got.User.Username != "jack" || got.User.SessionID != "sid-a" || !got.ExpiresAt.Equal(hour.Truncate(time.Second)) {
		t.Fatalf("Get after Save: %+v %v", got, err)
	}
	must(t, s.Save(ctx, "old", sess("sid-c", "smith"), time.Now().Add(-time.Second)))
	if got, _ := s.Get(ctx, "old"); got != nil {
		t.Fatal("an expired session was returned")
	}
	must(t, s.Delete(ctx, "a2"))
	if got, _ := s.Get(ctx, "a2"); got != nil {
		t.Fatal("a deleted session was returned")
	}
	if ended, err := s.SIDEnded(ctx, "sid-a"); ended || err != nil {
		t.Fatalf("SIDEnded before EndSID: %v %v", ended, err)
	}
	must(t, s.EndSID(ctx, "sid-a", hour))
	if got, _ := s.Get(ctx, "a1"); got != nil {
		t.Fatal("a session outlived EndSID of its sid")
	}
	if got, _ := s.Get(ctx, "b1"); got == nil {
		t.Fatal("EndSID ended a session of another sid")
	}
	if ended, err := s.SIDEnded(ctx, "sid-a"); !ended || err != nil {
		t.Fatalf("SIDEnded after EndSID: %v %v", ended, err)
	}
	if err := s.Save(ctx, "a3", sess("sid-a", "jack"), hour); !errors.Is(err, ErrSessionEnded) {
		t.Fatalf("Save for an ended sid: %v", err)
	}
	if got, _ := s.Get(ctx, "a3"); got != nil {
		t.Fatal("Save for an ended sid stored a session")
	}

	// A logout token is taken once, also when many instances see it at the same moment.
	var firsts atomic.Int32
	var wg sync.WaitGroup
	for range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ok, err := s.FirstUse(ctx, "jti-1", hour)
			if err != nil {
				t.Error(err)
			}
			if ok {
				firsts.Add(1)
			}
		}()
	}
	wg.Wait()
	if n := firsts.Load(); n != 1 {
		t.Fatalf("%d first uses of one jti, want 1", n)
	}
	if ok, _ := s.FirstUse(ctx, "jti-2", hour); !ok {
		t.Fatal("another jti is not new")
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
