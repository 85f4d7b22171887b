package e2e

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"github.com/redis/go-redis/v9"

	"github.com/gatehouse/gatehouse/sdk/gatehouse"
)

// TestSDKSingleSignOn runs two sub-systems protected by the public SDK, on two hosts that
// share no cookies, against the real center: sign in at A, B signs in without a prompt, sign
// out at B reaches A through the center's back-channel logout, and the center's session is
// gone. The receiver refuses forged, replayed and misaddressed logout tokens.
func TestSDKSingleSignOn(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			srv := startServer(t, b, nil)
			var aStore gatehouse.SessionStore = gatehouse.NewMemoryStore()
			if b.name == "postgres+redis" {
				opt, err := redis.ParseURL(srv.Config.RedisURL)
				if err != nil {
					t.Fatal(err)
				}
				rdb := redis.NewClient(opt)
				t.Cleanup(func() { rdb.Close() })
				aStore = gatehouse.NewRedisStore(rdb, srv.Config.RedisKeyPrefix+"sdk:shop:")
			}
			// A touches the center rarely: only the back-channel can sign it out quickly.
			a := startSDKSystem(t, srv, "shop", "127.0.0.1", gatehouse.Config{TouchEvery: time.Hour, Store: aStore})
			bb := startSDKSystem(t, srv, "cms", "localhost", gatehouse.Config{})
			br := newSDKBrowser(t)
			centerHost := mustURL(t, srv.URL()).Host

			// Anonymous at A: to the center's sign-in, then its login page.
			last, status, _ := br.get(a.base + "/")
			if status != http.StatusOK || last.Host != centerHost || last.Path != "/login" {
				t.Fatalf("anonymous at A ended at %s (%d), want the center's /login", last, status)
			}
			cont := last.Query().Get("continue")
			if !strings.HasPrefix(cont, "/sso/login?") {
				t.Fatalf("login page continue = %q", cont)
			}
			// The person signs in at the center (the page posts to the API) and goes on.
			signIn(t, br, srv.URL(), "danny", "danny123")
			last, status, body := br.get(srv.URL() + cont)
			if status != http.StatusOK || last.Host != mustURL(t, a.base).Host || last.Path != "/" ||
				body != "user=danny roles=EDITOR can-edit=yes" {
				t.Fatalf("after sign-in at A: %s (%d) %q", last, status, body)
			}
			if _, status, body := br.get(a.base + "/edit"); status != 200 || body != "edited" {
				t.Fatalf("editor at /edit: %d %q", status, body)
			}
			if _, status, _ := br.get(a.base + "/admin"); status != http.StatusForbidden {
				t.Fatalf("editor at /admin: %d, want 403", status)
			}

			// B: signed in through the center's session, no login page on the way.
			last, status, body = br.get(bb.base + "/")
			if status != 200 || last.Host != mustURL(t, bb.base).Host || body != "user=danny roles=EDITOR can-edit=yes" {
				t.Fatalf("B: %s (%d) %q", last, status, body)
			}
			if br.visitedPath(centerHost, "/login") {
				t.Fatal("B showed the login page although the center had a session")
			}
			if !br.visitedPath(centerHost, "/sso/login") {
				t.Fatal("B did not go through the center")
			}

			// Sign out at B: local, global, and A through the back-channel.
			last, _, _ = br.get(bb.base + "/sso/logout")
			if last.Host != centerHost || last.Path != "/login" {
				t.Fatalf("after sign-out at B the browser is at %s, want the center's login page", last)
			}
			if !br.visitedPath(centerHost, "/sso/logout") || !br.visitedPath(mustURL(t, bb.base).Host, "/") {
				t.Fatalf("sign-out did not pass the center and come back to B: %v", br.visited)
			}
			waitFor(func() bool { return len(a.received()) > 0 && len(bb.received()) > 0 })
			resp := br.getNoFollow(a.base + "/")
			if resp.StatusCode != http.StatusFound || !strings.HasPrefix(resp.Header.Get("Location"), srv.URL()+"/sso/login?") {
				t.Fatalf("A after sign-out at B: %d %s, want a redirect to the center's sign-in", resp.StatusCode, resp.Header.Get("Location"))
			}
			if resp := br.getNoFollow(srv.URL() + "/api/me"); resp.StatusCode != http.StatusUnauthorized {
				t.Fatalf("the center's session outlived the sign-out: /api/me %d", resp.StatusCode)
			}
			tokA, tokB := a.received()[0], bb.received()[0]

			// Sign in again; bad logout tokens at A's receiver change nothing.
			br.get(a.base + "/")
			signIn(t, br, srv.URL(), "danny", "danny123")
			if _, _, body := br.get(a.base + "/"); body != "user=danny roles=EDITOR can-edit=yes" {
				t.Fatalf("second sign-in at A: %q", body)
			}
			for name, tok := range map[string]string{
				"replayed (same jti)":   tokA,
				"for another audience":  tokB,
				"forged with same kid":  forgeLike(t, tokA),
				"not a JWT":             "logout",
				"access token of a sid": accessTokenOf(t, srv, "danny"),
			} {
				if code := a.postLogoutToken(t, tok); code != http.StatusBadRequest {
					t.Errorf("%s logout token: status %d, want 400", name, code)
				}
			}
			if _, _, body := br.get(a.base + "/"); body != "user=danny roles=EDITOR can-edit=yes" {
				t.Fatalf("a refused logout token ended A's session: %q", body)
			}
		})
	}
}

// TestSDKLogoutReachesSystemThatWasDown: B is off the network when the user signs out at A;
// the center keeps B's logout and delivers it once B is back, and B's session ends then.
func TestSDKLogoutReachesSystemThatWasDown(t *testing.T) {
	srv := startServer(t, backends[0], nil)
	a := startSDKSystem(t, srv, "shop", "127.0.0.1", gatehouse.Config{})
	bb := startSDKSystem(t, srv, "cms", "localhost", gatehouse.Config{TouchEvery: time.Hour})
	br := newSDKBrowser(t)
	br.get(a.base + "/")
	signIn(t, br, srv.URL(), "danny", "danny123")
	if _, _, body := br.get(a.base + "/"); !strings.HasPrefix(body, "user=danny") {
		t.Fatalf("A: %q", body)
	}
	if _, _, body := br.get(bb.base + "/"); !strings.HasPrefix(body, "user=danny") {
		t.Fatalf("B: %q", body)
	}
	bb.stop()
	br.get(a.base + "/sso/logout")
	waitFor(func() bool { return len(a.received()) > 0 })
	if len(bb.received()) != 0 {
		t.Fatal("B received a logout while it was down")
	}
	bb.restart(t)
	waitFor(func() bool { return len(bb.received()) > 0 })
	if resp := br.getNoFollow(bb.base + "/"); resp.StatusCode != http.StatusFound {
		t.Fatalf("B after the late logout: %d, want a redirect to sign in", resp.StatusCode)
	}
}

// TestSDKTouchEndsDeadSession: without any back-channel (A has no logout URL registered), A's
// next touch finds the global session dead and ends the local one.
func TestSDKTouchEndsDeadSession(t *testing.T) {
	srv := startServer(t, backends[0], nil)
	a := startSDKSystem(t, srv, "shop", "127.0.0.1", gatehouse.Config{TouchEvery: time.Nanosecond})
	sys, err := srv.SQL.SystemByID(context.Background(), "shop")
	if err != nil {
		t.Fatal(err)
	}
	sys.LogoutURL = ""
	if err := srv.SQL.UpdateSystem(context.Background(), sys); err != nil {
		t.Fatal(err)
	}
	br := newSDKBrowser(t)
	br.get(a.base + "/")
	signIn(t, br, srv.URL(), "danny", "danny123")
	if _, _, body := br.get(a.base + "/"); !strings.HasPrefix(body, "user=danny") {
		t.Fatalf("sign-in at A: %q", body)
	}
	// The center's session ends through its own API, not through A.
	req, _ := http.NewRequest("POST", srv.URL()+"/api/auth/logout", nil)
	resp, err := br.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	// The single-logout worker may still know A's old logout URL for a few seconds (its system
	// directory is cached), so a logout token may also arrive; either way A must sign out.
	if resp := br.getNoFollow(a.base + "/"); resp.StatusCode != http.StatusFound {
		t.Fatalf("A after the center's sign-out: %d, want a redirect to sign in", resp.StatusCode)
	}
}

// TestSDKBearer: an access token the center issued for a system passes that system's
// BearerMiddleware, not another's, and stops passing once the back-channel ended its sid.
func TestSDKBearer(t *testing.T) {
	srv := startServer(t, backends[0], nil)
	a := startSDKSystem(t, srv, "shop", "127.0.0.1", gatehouse.Config{BearerPermissions: true})
	br := newSDKBrowser(t)
	br.get(a.base + "/")
	signIn(t, br, srv.URL(), "danny", "danny123")
	br.get(a.base + "/")
	// Ask the center for a ticket for A by hand and redeem it for an access token of A.
	tok := accessTokenFor(t, srv, br, a)
	u, err := a.client.VerifyAccessToken(context.Background(), tok)
	if err != nil || u.Username != "danny" || !u.HasRole("EDITOR") || !u.Can("shop:article:edit") || u.Can("shop:user:delete") {
		t.Fatalf("access token of A: %v %+v", err, u)
	}
	other := startSDKSystem(t, srv, "cms", "localhost", gatehouse.Config{})
	if _, err := other.client.VerifyAccessToken(context.Background(), tok); err == nil {
		t.Fatal("an access token of shop passed the cms")
	}
	br.get(a.base + "/sso/logout")
	waitFor(func() bool { ended, _ := a.client.Store().SIDEnded(context.Background(), u.SessionID); return ended })
	if _, err := a.client.VerifyAccessToken(context.Background(), tok); err == nil {
		t.Fatal("an access token of an ended session still passes")
	}
}

// waitFor polls cond until it holds (the test's own timeout bounds it).
func waitFor(cond func() bool) {
	for !cond() {
		time.Sleep(10 * time.Millisecond)
	}
}

// signIn posts the login form's API call with the browser's cookies.
func signIn(t *testing.T, br *sdkBrowser, center, user, pw string) {
	t.Helper()
	req, _ := http.NewRequest("POST", center+"/api/auth/login",
		strings.NewReader(`{"username":"`+user+`","password":"`+pw+`"}`))
	req.Header.Set("Content-Type", "application/json")
	resp, err := br.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("sign-in of %s: %d", user, resp.StatusCode)
	}
}

// forgeLike signs the claims of a genuine token again with a key of the attacker's, under the
// genuine kid.
func forgeLike(t *testing.T, genuine string) string {
	t.Helper()
	tok, err := jwt.ParseSigned(genuine, []jose.SignatureAlgorithm{jose.EdDSA, jose.ES256, jose.RS256})
	if err != nil {
		t.Fatal(err)
	}
	var claims map[string]any
	if err := tok.UnsafeClaimsWithoutVerification(&claims); err != nil {
		t.Fatal(err)
	}
	claims["jti"] = "forged-" + time.Now().Format(time.RFC3339Nano)
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	opts := (&jose.SignerOptions{}).WithType("logout+jwt").WithHeader("kid", tok.Headers[0].KeyID)
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.EdDSA, Key: priv}, opts)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := jwt.Signed(s).Claims(claims).Serialize()
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// accessTokenOf signs user in through the native API and returns the center's own access token.
func accessTokenOf(t *testing.T, srv *server, user string) string {
	t.Helper()
	d := srv.client("", "sdk-test").mustLogin(user, user+"123", nil)
	return d.Token.AccessToken
}

// accessTokenFor gets a ticket for sys with the browser's center session and redeems it through
// the SDK for an access token of sys.
func accessTokenFor(t *testing.T, srv *server, br *sdkBrowser, sys *sdkSystem) string {
	t.Helper()
	q := url.Values{"system": {sys.id}, "redirect_uri": {sys.client.RedirectURI()}, "state": {"s1"}}
	resp := br.getNoFollow(srv.URL() + "/sso/login?" + q.Encode())
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || loc.Query().Get("ticket") == "" {
		t.Fatalf("no ticket: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	v, err := sys.client.Validate(context.Background(), loc.Query().Get("ticket"), sys.client.RedirectURI(), "")
	if err != nil {
		t.Fatal(err)
	}
	return v.AccessToken
}
