package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"sync/atomic"
	"testing"

	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/testenv"
)

// benchCAS measures CAS round trips: GET /cas/login with the browser's session cookie (a 302
// with a new service ticket), then GET /cas/p3/serviceValidate (the XML answer with the
// user's attributes). One op is one round trip of both requests, so round trips/s =
// 1e9 / ns/op.
func benchCAS(b *testing.B, redisURL string) {
	srv := benchServer(b, redisURL, nil)
	ctx := context.Background()
	if _, err := srv.Identity.CreateSystem(ctx, cliActor, &domain.System{ID: "casbench", Name: "casbench",
		RedirectURIs: []string{casApp}, Protocols: []string{domain.ProtocolCAS}}); err != nil {
		b.Fatal(err)
	}
	c := benchTransport()
	body, _ := json.Marshal(map[string]string{"username": "jack", "password": "jack123"})
	resp, err := c.Post(srv.URL()+"/api/auth/login", "application/json", bytes.NewReader(body))
	if err != nil {
		b.Fatal(err)
	}
	resp.Body.Close()
	var cookie string
	for _, ck := range resp.Cookies() {
		if ck.Name == "gatehouse_session" {
			cookie = ck.Name + "=" + ck.Value
		}
	}
	if cookie == "" {
		b.Fatal("no session cookie")
	}
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	loginURL := srv.URL() + "/cas/login?service=" + url.QueryEscape(casApp)
	validateURL := srv.URL() + "/cas/p3/serviceValidate?service=" + url.QueryEscape(casApp) + "&ticket="
	success := []byte("<cas:user>jack</cas:user>")
	var failures atomic.Int64
	fail := func(what string, status int, body []byte) {
		if failures.Add(1) == 1 {
			b.Logf("first failure: %s %d %s", what, status, body)
		}
	}
	b.SetParallelism(16)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req, _ := http.NewRequest("GET", loginURL, nil)
			req.Header.Set("Cookie", cookie)
			resp, err := c.Do(req)
			if err != nil {
				fail(err.Error(), 0, nil)
				continue
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			loc, err := url.Parse(resp.Header.Get("Location"))
			if resp.StatusCode != http.StatusFound || err != nil || loc.Query().Get("ticket") == "" {
				fail("login", resp.StatusCode, []byte(resp.Header.Get("Location")))
				continue
			}
			resp, err = c.Get(validateURL + loc.Query().Get("ticket"))
			if err != nil {
				fail(err.Error(), 0, nil)
				continue
			}
			rb, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK || !bytes.Contains(rb, success) {
				fail("validate", resp.StatusCode, rb)
			}
		}
	})
	b.StopTimer()
	if n := failures.Load(); n > 0 {
		b.Fatalf("%d round trips failed", n)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "roundtrips/s")
}

// BenchmarkCASRoundTripRedis: service ticket issue + validation against real Redis.
func BenchmarkCASRoundTripRedis(b *testing.B) { benchCAS(b, testenv.RedisURL(b)) }

// BenchmarkCASRoundTripMemory: the same with the in-process session store.
func BenchmarkCASRoundTripMemory(b *testing.B) { benchCAS(b, "") }
