package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/gatehouse/gatehouse/internal/config"
	"github.com/gatehouse/gatehouse/internal/identity"
	"github.com/gatehouse/gatehouse/internal/password"
	"github.com/gatehouse/gatehouse/internal/testenv"
)

// The load driver: many goroutines on keep-alive connections to a server on loopback, client
// and server sharing the machine as wrk would. ns/op of a parallel benchmark is wall time per
// request, so requests/s = 1e9 / ns/op.

func benchTransport() *http.Client {
	return &http.Client{Transport: &http.Transport{MaxIdleConns: 256, MaxIdleConnsPerHost: 256, DisableCompression: true}}
}

func drive(b *testing.B, c *http.Client, newReq func() *http.Request, wantStatus int) {
	b.Helper()
	b.SetParallelism(16)
	var failures atomic.Int64
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			resp, err := c.Do(newReq())
			if err != nil {
				failures.Add(1)
				continue
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != wantStatus {
				if failures.Add(1) == 1 {
					b.Logf("first failure: %d %s", resp.StatusCode, body)
				}
			}
		}
	})
	b.StopTimer()
	if n := failures.Load(); n > 0 {
		b.Fatalf("%d requests failed", n)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}

// BenchmarkHelloWorld is the baseline: a handler that writes two bytes, same client, same loopback.
func BenchmarkHelloWorld(b *testing.B) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "ok") })}
	go srv.Serve(ln)
	defer srv.Close()
	url := "http://" + ln.Addr().String() + "/"
	drive(b, benchTransport(), func() *http.Request { r, _ := http.NewRequest("GET", url, nil); return r }, 200)
}

func benchServer(b *testing.B, redisURL string, tweak func(*config.Config)) *server {
	bk := backends[0]
	if redisURL != "" {
		bk = backend{"redis", func(_ *testing.T, c *config.Config) {
			c.RedisURL = redisURL
			c.RedisKeyPrefix = testenv.Unique("b") + ":"
		}}
	}
	return startServerB(b, bk, tweak)
}

func benchMe(b *testing.B, redisURL string) {
	srv := benchServer(b, redisURL, nil)
	c := benchTransport()
	tok := loginToken(b, c, srv.URL(), "jack", "jack123")
	url := srv.URL() + "/api/me"
	drive(b, c, func() *http.Request {
		r, _ := http.NewRequest("GET", url, nil)
		r.Header.Set("Authorization", "Bearer "+tok)
		return r
	}, 200)
}

// BenchmarkMeBearer: GET /api/me with a bearer token, in-process session store.
func BenchmarkMeBearer(b *testing.B) { benchMe(b, "") }

// BenchmarkMeBearerRedis: the same against real Redis.
func BenchmarkMeBearerRedis(b *testing.B) { benchMe(b, testenv.RedisURL(b)) }

func loginToken(b *testing.B, c *http.Client, base, user, pw string) string {
	b.Helper()
	d := postLogin(b, c, base, user, pw)
	return d.Token.AccessToken
}

func postLogin(b *testing.B, c *http.Client, base, user, pw string) loginData {
	b.Helper()
	body, _ := json.Marshal(map[string]string{"username": user, "password": pw})
	resp, err := c.Post(base+"/api/auth/login", "application/json", bytes.NewReader(body))
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	var e struct {
		Code int
		Data loginData
	}
	json.NewDecoder(resp.Body).Decode(&e)
	if e.Code != 0 {
		b.Fatalf("login %s: code %d", user, e.Code)
	}
	return e.Data
}

// defaultHashing keeps the default argon2id parameters (m=19 MiB, t=2, p=1) that the bare-hash
// baseline uses.
func defaultHashing(c *config.Config) { c.Password = config.Default().Password }

// BenchmarkBareHashVerify is the login baseline: argon2id verifications with the default
// parameters, as many at once as there are CPUs.
func BenchmarkBareHashVerify(b *testing.B) {
	h := password.New(password.DefaultParams(), 0, nil)
	enc, _ := h.Hash(context.Background(), "Load-Test-Passw0rd")
	b.SetParallelism(1)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			h.Verify(context.Background(), "Load-Test-Passw0rd", enc)
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "hashes/s")
}

// BenchmarkLogin: POST /api/auth/login with the right password and default hashing, each one a
// new session with tokens.
func BenchmarkLogin(b *testing.B) {
	srv := benchServer(b, "", defaultHashing)
	ctx := context.Background()
	if _, err := srv.Identity.CreateUser(ctx, identity.Actor{}, identity.NewUser{Username: "bench", Password: "Load-Test-Passw0rd"}); err != nil {
		b.Fatal(err)
	}
	c := benchTransport()
	body := []byte(`{"username":"bench","password":"Load-Test-Passw0rd"}`)
	url := srv.URL() + "/api/auth/login"
	drive(b, c, func() *http.Request {
		r, _ := http.NewRequest("POST", url, bytes.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		return r
	}, 200)
}

// BenchmarkRefreshRedis: POST /api/auth/refresh against real Redis; each client rotates its own
// family, presenting the successor each time.
func BenchmarkRefreshRedis(b *testing.B) { benchNativeRefresh(b, testenv.RedisURL(b)) }

// benchNativeRefresh: POST /api/auth/refresh, each client goroutine rotating its own family and
// presenting the successor each time ("" for the in-process session store).
func benchNativeRefresh(b *testing.B, redisURL string) {
	srv := benchServer(b, redisURL, func(c *config.Config) { c.Tokens.RefreshInBody = true })
	c := benchTransport()
	b.SetParallelism(16)
	pool := make(chan string, 16*runtime.GOMAXPROCS(0))
	for range cap(pool) {
		pool <- postLogin(b, c, srv.URL(), "jack", "jack123").Token.RefreshToken
	}
	refreshURL := srv.URL() + "/api/auth/refresh"
	var failures atomic.Int64
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		tok := <-pool
		for pb.Next() {
			resp, err := c.Post(refreshURL, "application/json", strings.NewReader(`{"refresh_token":"`+tok+`"}`))
			if err != nil {
				failures.Add(1)
				continue
			}
			var e struct {
				Code int
				Data struct {
					Token struct {
						RefreshToken string `json:"refresh_token"`
					}
				}
			}
			_ = json.NewDecoder(resp.Body).Decode(&e)
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if e.Code != 0 {
				failures.Add(1)
				continue
			}
			tok = e.Data.Token.RefreshToken
		}
	})
	b.StopTimer()
	if n := failures.Load(); n > 0 {
		b.Fatalf("%d refreshes failed", n)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "rotations/s")
}

// BenchmarkRedisBytesPerSession signs in b.N times and measures, with MEMORY USAGE, the Redis
// memory of each idle session with its refresh family (session, family, family index).
func BenchmarkRedisBytesPerSession(b *testing.B) {
	redisURL := testenv.RedisURL(b)
	srv := benchServer(b, redisURL, nil)
	opt, _ := redis.ParseURL(redisURL)
	rc := redis.NewClient(opt)
	defer rc.Close()
	c := benchTransport()
	ctx := context.Background()
	var total int64
	n := min(b.N, 200)
	for i := 0; i < n; i++ {
		d := postLogin(b, c, srv.URL(), "jack", "jack123")
		keys, err := rc.Keys(ctx, srv.Config.RedisKeyPrefix+"*{"+d.Session.ID+"}*").Result()
		if err != nil || len(keys) == 0 {
			b.Fatalf("no keys for the session (%v)", err)
		}
		for _, k := range keys {
			total += rc.MemoryUsage(ctx, k).Val()
		}
	}
	b.ReportMetric(float64(total)/float64(n), "bytes/session")
}
