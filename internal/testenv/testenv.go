package testenv

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
)

// Defaults match scripts/services.sh.
const (
	DefaultPostgresURL  = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
	DefaultRedisURL     = "redis://127.0.0.1:6379/0"
	DefaultRedisCluster = "127.0.0.1:7001,127.0.0.1:7002,127.0.0.1:7003"
	DefaultSentinelURL  = "redis-sentinel://127.0.0.1:26379/gatehouse"
)

func env(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// unreachable skips the test, or fails it when CI=true.
func unreachable(t testing.TB, what string, err error) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is unreachable under CI=true (run scripts/services.sh): %v", what, err)
	}
	t.Skipf("%s is unreachable, skipping (run scripts/services.sh): %v", what, err)
}

func dial(addr string) error {
	c, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		return err
	}
	return c.Close()
}

// Unique returns a short random name, safe as a key prefix or database name suffix.
func Unique(prefix string) string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

// RedisURL returns the URL of a reachable standalone Redis. Tests isolate themselves with a
// key prefix from Unique.
func RedisURL(t testing.TB) string {
	t.Helper()
	raw := env("GH_TEST_REDIS_URL", DefaultRedisURL)
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatalf("GH_TEST_REDIS_URL: %v", err)
	}
	if err := dial(u.Host); err != nil {
		unreachable(t, "Redis at "+u.Host, err)
	}
	return raw
}

// RedisSentinelURL returns the redis-sentinel:// URL of a reachable Sentinel group.
func RedisSentinelURL(t testing.TB) string {
	t.Helper()
	raw := env("GH_TEST_REDIS_SENTINEL", DefaultSentinelURL)
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatalf("GH_TEST_REDIS_SENTINEL: %v", err)
	}
	for _, host := range strings.Split(u.Host, ",") {
		if err := dial(host); err != nil {
			unreachable(t, "Redis Sentinel at "+host, err)
		}
	}
	return raw
}

// RedisClusterAddrs returns the seed addresses of a reachable Redis Cluster.
func RedisClusterAddrs(t testing.TB) []string {
	t.Helper()
	addrs := strings.Split(env("GH_TEST_REDIS_CLUSTER", DefaultRedisCluster), ",")
	for _, a := range addrs {
		if err := dial(a); err != nil {
			unreachable(t, "Redis Cluster node "+a, err)
		}
	}
	return addrs
}

// PostgresURL creates a fresh database on the reachable PostgreSQL server, drops it when the
// test ends, and returns its URL.
func PostgresURL(t testing.TB) string {
	t.Helper()
	raw := env("GH_TEST_POSTGRES_URL", DefaultPostgresURL)
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatalf("GH_TEST_POSTGRES_URL: %v", err)
	}
	if err := dial(u.Host); err != nil {
		unreachable(t, "PostgreSQL at "+u.Host, err)
	}
	admin, err := sql.Open("pgx", raw)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := admin.PingContext(ctx); err != nil {
		admin.Close()
		unreachable(t, "PostgreSQL at "+u.Host, err)
	}
	name := Unique("gh_test_")
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		admin.Close()
		t.Fatalf("create database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := admin.ExecContext(ctx, fmt.Sprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", name)); err != nil {
			t.Logf("drop database %s: %v", name, err)
		}
		admin.Close()
	})
	u.Path = "/" + name
	return u.String()
}
