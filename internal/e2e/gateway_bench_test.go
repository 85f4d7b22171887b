package e2e

import (
	"io"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/config"
)

// Gateway benchmarks. Run with their baseline in the same process:
//
//	go test -run '^$' -bench '^Benchmark(HelloWorld|VerifyCookie|VerifyBearer|ProxyLatency)$' -benchtime 3s ./internal/e2e

func verifyBenchServer(b *testing.B) (*server, *http.Client) {
	srv := benchServer(b, "", func(c *config.Config) {
		c.Gateway.Rules = []string{"app.test /** signed_in system=demo"}
	})
	return srv, benchTransport()
}

// BenchmarkVerifyCookie: /api/verify as nginx asks it, a browser's session cookie.
func BenchmarkVerifyCookie(b *testing.B) {
	srv, c := verifyBenchServer(b)
	cookie := benchSessionCookie(b, c, srv.URL())
	url := srv.URL() + "/api/verify"
	drive(b, c, func() *http.Request {
		r, _ := http.NewRequest("GET", url, nil)
		r.Header.Set("X-Original-URL", "http://app.test/reports/2?q=1")
		r.Header.Set("Cookie", cookie)
		return r
	}, 200)
}

// BenchmarkVerifyBearer: /api/verify as Traefik asks it, an API client's access token.
func BenchmarkVerifyBearer(b *testing.B) {
	srv, c := verifyBenchServer(b)
	tok := loginToken(b, c, srv.URL(), "jack", "jack123")
	url := srv.URL() + "/api/verify"
	drive(b, c, func() *http.Request {
		r, _ := http.NewRequest("GET", url, nil)
		r.Header.Set("X-Forwarded-Method", "GET")
		r.Header.Set("X-Forwarded-Proto", "http")
		r.Header.Set("X-Forwarded-Host", "app.test")
		r.Header.Set("X-Forwarded-Uri", "/api/things?page=2")
		r.Header.Set("Authorization", "Bearer "+tok)
		return r
	}, 200)
}

// BenchmarkProxyLatency: one client, requests one at a time, alternately to a bare upstream
// and through the reverse proxy (signed-in cookie) to the same upstream; reports p50 and p99 of
// each and what the proxy adds.
func BenchmarkProxyLatency(b *testing.B) {
	up := newEchoUpstream(b)
	srv := benchServer(b, "", func(c *config.Config) {
		c.Gateway.Routes = []string{"app.test / " + up.URL + " signed_in system=demo"}
	})
	c := benchTransport()
	d := postLogin(b, c, srv.URL(), "jack", "jack123")
	tok := d.Token.AccessToken
	bare := make([]time.Duration, 0, b.N)
	proxied := make([]time.Duration, 0, b.N)
	one := func(req *http.Request) time.Duration {
		start := time.Now()
		resp, err := c.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			b.Fatalf("%s: %d", req.URL, resp.StatusCode)
		}
		return time.Since(start)
	}
	b.ResetTimer()
	for range b.N {
		r, _ := http.NewRequest("GET", up.URL+"/hello", nil)
		bare = append(bare, one(r))
		r, _ = http.NewRequest("GET", srv.URL()+"/hello", nil)
		r.Host = "app.test"
		r.Header.Set("Authorization", "Bearer "+tok)
		proxied = append(proxied, one(r))
	}
	b.StopTimer()
	q := func(ds []time.Duration, p float64) float64 {
		slices.Sort(ds)
		return float64(ds[int(float64(len(ds)-1)*p)].Microseconds())
	}
	b.ReportMetric(q(bare, .5), "bare-p50-µs")
	b.ReportMetric(q(bare, .99), "bare-p99-µs")
	b.ReportMetric(q(proxied, .5), "proxy-p50-µs")
	b.ReportMetric(q(proxied, .99), "proxy-p99-µs")
	b.ReportMetric(q(proxied, .5)-q(bare, .5), "added-p50-µs")
	b.ReportMetric(q(proxied, .99)-q(bare, .99), "added-p99-µs")
}
