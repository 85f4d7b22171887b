package e2e

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
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
	cookie := benchSessionCookie(b, c, srv.URL())
	loginURL := srv.URL() + "/cas/login?service=" + url.QueryEscape(casApp)
	validateURL := srv.URL() + "/cas/p3/serviceValidate?service=" + url.QueryEscape(casApp) + "&ticket="
	success := []byte("<cas:user>jack</cas:user>")
	benchRoundTrips(b, c, cookie, loginURL, func(ticket string) (*http.Response, error) {
		return c.Get(validateURL + ticket)
	}, func(status int, body []byte) bool { return status == http.StatusOK && bytes.Contains(body, success) })
}

// BenchmarkCASRoundTripRedis: service ticket issue + validation against real Redis.
func BenchmarkCASRoundTripRedis(b *testing.B) { benchCAS(b, testenv.RedisURL(b)) }

// BenchmarkCASRoundTripMemory: the same with the in-process session store.
func BenchmarkCASRoundTripMemory(b *testing.B) { benchCAS(b, "") }
