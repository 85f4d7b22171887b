package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"

	"golang.org/x/oauth2"

	"github.com/gatehouse/gatehouse/internal/config"
	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/testenv"
)

// The OpenID Connect token endpoint under load, beside the native refresh of the same run:
//
//	go test -run '^$' -bench 'HelloWorld|OIDC' -cpu 2 -benchtime 3s ./internal/e2e

// oidcBenchServer starts a center on a fixed loopback port (the issuer names it) with a
// confidential client "bench" allowed every grant, and returns it with the client's secret.
func oidcBenchServer(b *testing.B, redisURL string) (*server, string) {
	addr := freeAddr(b)
	srv := benchServer(b, redisURL, func(c *config.Config) { c.Addr = addr })
	secret, err := srv.Identity.CreateSystem(context.Background(), cliActor, &domain.System{ID: "bench", Name: "bench",
		RedirectURIs: []string{"http://127.0.0.1:1/cb"}, Protocols: []string{domain.ProtocolOIDC},
		OIDC: domain.OIDCClient{GrantTypes: []string{domain.GrantAuthorizationCode, domain.GrantRefreshToken, domain.GrantClientCredentials}}})
	if err != nil {
		b.Fatal(err)
	}
	return srv, secret
}

// oidcRefreshTokens signs jack in once and runs n code flows, returning n refresh tokens, each
// of its own family.
func oidcRefreshTokens(b *testing.B, srv *server, secret string, n int) []string {
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar, CheckRedirect: func(req *http.Request, _ []*http.Request) error {
		if strings.HasPrefix(req.URL.String(), "http://127.0.0.1:1/") {
			return http.ErrUseLastResponse
		}
		return nil
	}}
	body, _ := json.Marshal(map[string]string{"username": "jack", "password": "jack123"})
	resp, err := browser.Post(srv.URL()+"/api/auth/login", "application/json", bytes.NewReader(body))
	if err != nil {
		b.Fatal(err)
	}
	resp.Body.Close()
	conf := oauth2.Config{ClientID: "bench", ClientSecret: secret, RedirectURL: "http://127.0.0.1:1/cb",
		Scopes: []string{"openid", "offline_access"}, Endpoint: oauth2.Endpoint{AuthURL: srv.URL() + "/oidc/authorize",
			TokenURL: srv.URL() + "/oidc/token", AuthStyle: oauth2.AuthStyleInHeader}}
	out := make([]string, n)
	for i := range out {
		v := oauth2.GenerateVerifier()
		resp, err := browser.Get(conf.AuthCodeURL("s", oauth2.S256ChallengeOption(v)))
		if err != nil {
			b.Fatal(err)
		}
		resp.Body.Close()
		loc, _ := url.Parse(resp.Header.Get("Location"))
		tok, err := conf.Exchange(context.Background(), loc.Query().Get("code"), oauth2.VerifierOption(v))
		if err != nil {
			b.Fatalf("code flow %d: %v", i, err)
		}
		out[i] = tok.RefreshToken
	}
	return out
}

// benchOIDCRefresh: POST /oidc/token grant_type=refresh_token; each client rotates its own
// family, presenting the successor each time.
func benchOIDCRefresh(b *testing.B, redisURL string) {
	srv, secret := oidcBenchServer(b, redisURL)
	c := benchTransport()
	b.SetParallelism(16)
	pool := make(chan string, 16*runtime.GOMAXPROCS(0))
	for _, rt := range oidcRefreshTokens(b, srv, secret, cap(pool)) {
		pool <- rt
	}
	tokenURL := srv.URL() + "/oidc/token"
	var failures atomic.Int64
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		rt := <-pool
		for pb.Next() {
			req, _ := http.NewRequest(http.MethodPost, tokenURL, strings.NewReader("grant_type=refresh_token&refresh_token="+url.QueryEscape(rt)))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.SetBasicAuth("bench", secret)
			resp, err := c.Do(req)
			if err != nil {
				failures.Add(1)
				continue
			}
			var t struct {
				RefreshToken string `json:"refresh_token"`
			}
			_ = json.NewDecoder(resp.Body).Decode(&t)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK || t.RefreshToken == "" {
				if failures.Add(1) == 1 {
					b.Logf("first failure: %d", resp.StatusCode)
				}
				continue
			}
			rt = t.RefreshToken
		}
	})
	b.StopTimer()
	if n := failures.Load(); n > 0 {
		b.Fatalf("%d refresh grants failed", n)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "grants/s")
}

// BenchmarkOIDCRefreshGrant: the refresh grant with an in-process session store.
func BenchmarkOIDCRefreshGrant(b *testing.B) { benchOIDCRefresh(b, "") }

// BenchmarkOIDCRefreshGrantRedis: the same against real Redis.
func BenchmarkOIDCRefreshGrantRedis(b *testing.B) { benchOIDCRefresh(b, testenv.RedisURL(b)) }

// benchOIDCClientCredentials: POST /oidc/token grant_type=client_credentials.
func benchOIDCClientCredentials(b *testing.B, redisURL string) {
	srv, secret := oidcBenchServer(b, redisURL)
	tokenURL := srv.URL() + "/oidc/token"
	drive(b, benchTransport(), func() *http.Request {
		req, _ := http.NewRequest(http.MethodPost, tokenURL, strings.NewReader("grant_type=client_credentials"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.SetBasicAuth("bench", secret)
		return req
	}, http.StatusOK)
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "grants/s")
}

// BenchmarkOIDCClientCredentials: the client-credentials grant, in-process session store.
func BenchmarkOIDCClientCredentials(b *testing.B) { benchOIDCClientCredentials(b, "") }

// BenchmarkOIDCClientCredentialsRedis: the same against real Redis.
func BenchmarkOIDCClientCredentialsRedis(b *testing.B) {
	benchOIDCClientCredentials(b, testenv.RedisURL(b))
}

// BenchmarkOIDCNativeRefresh: the native refresh, in-process session store.
func BenchmarkOIDCNativeRefresh(b *testing.B) { benchNativeRefresh(b, "") }
