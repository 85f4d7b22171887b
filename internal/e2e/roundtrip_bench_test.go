package e2e

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"sync/atomic"
	"testing"
)

// benchSessionCookie signs jack in through POST /api/auth/login on c and returns the session
// cookie as a Cookie header value.
func benchSessionCookie(b *testing.B, c *http.Client, base string) string {
	b.Helper()
	body, _ := json.Marshal(map[string]string{"username": "jack", "password": "jack123"})
	resp, err := c.Post(base+"/api/auth/login", "application/json", bytes.NewReader(body))
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
	return cookie
}

// benchRoundTrips drives ticket round trips in parallel on c, which it stops following
// redirects: GET loginURL with the session cookie
// must answer a 302 whose Location carries a ticket; validate redeems it, and ok judges the
// answer (its status and body). One op is one round trip, reported as roundtrips/s; any failed
// round trip fails the benchmark, the first one logged.
func benchRoundTrips(b *testing.B, c *http.Client, cookie, loginURL string,
	validate func(ticket string) (*http.Response, error), ok func(status int, body []byte) bool) {
	b.Helper()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
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
			resp, err = validate(loc.Query().Get("ticket"))
			if err != nil {
				fail(err.Error(), 0, nil)
				continue
			}
			rb, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if !ok(resp.StatusCode, rb) {
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
