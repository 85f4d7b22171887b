package e2e

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/gatehouse/gatehouse/internal/config"
)

// gatewayRules protect app.test: /public is open, /admin needs the demo role ADMIN, /bound
// binds the session to its address, everything else of app.test needs a sign-in, and any
// other host too (default_access signed_in), so that foreign hosts reach the login answer.
func gatewayRules(c *config.Config) {
	c.Gateway.Rules = []string{
		"app.test /public/** public system=demo",
		"app.test /admin/** role=demo:ADMIN",
		"app.test /edit/** permission=demo:article:edit",
		"app.test /bound/** signed_in system=demo bind_ip",
		"app.test /** signed_in system=demo",
	}
	c.Gateway.DefaultAccess = "signed_in"
}

// answer is what /api/verify said.
type answer struct {
	status int
	header http.Header
	body   string
}

// verify asks /api/verify as a proxy would, with header pairs; redirects are not followed.
func verify(t testing.TB, srv *server, hdr ...string) answer {
	t.Helper()
	req, err := http.NewRequest("GET", srv.URL()+"/api/verify", nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Add(hdr[i], hdr[i+1])
	}
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return answer{resp.StatusCode, resp.Header, string(b)}
}

// nginx is the header convention of nginx auth_request.
func nginx(rawURL string, more ...string) []string {
	return append([]string{"X-Original-URL", rawURL, "X-Original-Method", "GET"}, more...)
}

// traefik is the header convention of Traefik ForwardAuth and Caddy forward_auth.
func traefik(proto, host, uri string, more ...string) []string {
	return append([]string{"X-Forwarded-Method", "GET", "X-Forwarded-Proto", proto, "X-Forwarded-Host", host, "X-Forwarded-Uri", uri}, more...)
}

// loginFor is the login URL the gateway gives for an original URL: its return address is the
// center's return hop to it.
func loginFor(srv *server, orig string) string {
	return srv.Config.BaseURL() + "/login?continue=" + url.QueryEscape("/gateway/return?url="+url.QueryEscape(orig))
}

func sessionCookie(c *client) string { return "gatehouse_session=" + c.cookie("gatehouse_session") }

func wantStatus(t *testing.T, a answer, status int, what string) {
	t.Helper()
	if a.status != status {
		t.Fatalf("%s: %d %s, want %d", what, a.status, a.body, status)
	}
}

func TestForwardAuthNginx(t *testing.T) {
	srv := startServerTB(t, func(*config.Config) {}, gatewayRules)

	a := verify(t, srv, nginx("http://app.test/reports?q=1")...)
	wantStatus(t, a, 401, "signed out")
	if got, want := a.header.Get("X-Auth-Login-URL"), loginFor(srv, "http://app.test/reports?q=1"); got != want {
		t.Fatalf("login URL %q, want %q", got, want)
	}
	if a.header.Get("X-Auth-User") != "" {
		t.Fatal("identity headers for a signed-out caller")
	}

	jack, smith := srv.client("", "Firefox/1"), srv.client("", "Firefox/1")
	jack.mustLogin("jack", "jack123", nil)
	smith.mustLogin("smith", "smith123", nil)
	a = verify(t, srv, nginx("http://app.test/reports", "Cookie", sessionCookie(jack))...)
	wantStatus(t, a, 200, "jack signed in")
	for name, want := range map[string]string{"X-Auth-User": "jack", "X-Auth-Roles": "USER", "X-Auth-Permissions": "demo:article:read"} {
		if got := a.header.Get(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	if a.header.Get("X-Auth-User-Id") == "" || a.header.Get("X-Auth-Session") == "" {
		t.Errorf("no user id or session: %v", a.header)
	}
	wantStatus(t, verify(t, srv, nginx("http://app.test/admin/users", "Cookie", sessionCookie(jack))...), 403, "jack on /admin")
	wantStatus(t, verify(t, srv, nginx("http://app.test/admin/users", "Cookie", sessionCookie(smith))...), 200, "smith on /admin")
	wantStatus(t, verify(t, srv, nginx("http://app.test/edit/1", "Cookie", sessionCookie(jack))...), 403, "jack on /edit")
	wantStatus(t, verify(t, srv, nginx("http://app.test/edit/1", "Cookie", sessionCookie(smith))...), 200, "smith on /edit (demo:* allows it)")
	wantStatus(t, verify(t, srv, nginx("http://app.test/public/x")...), 200, "public, signed out")
	// nginx never gets a 302, even from a browser: it turns 401 into the redirect itself.
	wantStatus(t, verify(t, srv, nginx("http://app.test/x", "Accept", "text/html")...), 401, "browser behind nginx")
}

func TestForwardAuthTraefikAndCaddy(t *testing.T) {
	srv := startServerTB(t, func(*config.Config) {}, gatewayRules)
	for _, proxy := range []string{"traefik", "caddy"} {
		t.Run(proxy, func(t *testing.T) {
			// Caddy's forward_auth sends the same four headers (X-Forwarded-Method/-Uri of its
			// own, -Proto/-Host of reverse_proxy); both proxies copy the client's headers.
			browser := traefik("https", "app.test", "/reports/2?x=%20y", "Accept", "text/html,application/xhtml+xml")
			a := verify(t, srv, browser...)
			wantStatus(t, a, 302, "browser signed out")
			if got, want := a.header.Get("Location"), loginFor(srv, "https://app.test/reports/2?x=%20y"); got != want {
				t.Fatalf("Location %q, want %q", got, want)
			}
			a = verify(t, srv, traefik("https", "app.test", "/api/things", "Accept", "application/json")...)
			wantStatus(t, a, 401, "API client signed out")

			jack := srv.client("", "curl/8")
			d := jack.mustLogin("jack", "jack123", nil)
			a = verify(t, srv, traefik("http", "app.test", "/api/things", "Authorization", "Bearer "+d.Token.AccessToken)...)
			wantStatus(t, a, 200, "bearer")
			if a.header.Get("X-Auth-User") != "jack" || a.header.Get("X-Auth-Session") != d.Session.ID {
				t.Fatalf("identity %v", a.header)
			}
			wantStatus(t, verify(t, srv, traefik("http", "app.test", "/admin", "Authorization", "Bearer "+d.Token.AccessToken)...), 403, "bearer on /admin")
			wantStatus(t, verify(t, srv, traefik("http", "APP.test:80", "/x", "Cookie", sessionCookie(jack))...), 200, "cookie, host in capitals with a port")
			// Over HTTPS the session cookie is the __Host- one; a plain-named cookie is not it.
			wantStatus(t, verify(t, srv, traefik("https", "app.test", "/x", "Cookie", sessionCookie(jack))...), 401, "plain cookie on https")
			wantStatus(t, verify(t, srv, traefik("https", "app.test", "/x", "Cookie", "__Host-"+sessionCookie(jack))...), 200, "__Host- cookie on https")
			wantStatus(t, verify(t, srv, traefik("http", "app.test", "/x", "Authorization", "Basic amFjazpqYWNrMTIz")...), 401, "not a bearer")
		})
	}
}

// Bad input, each refused or normalised, never a bypass.

func TestForwardAuthSpoofedIdentityHeaders(t *testing.T) {
	srv := startServerTB(t, func(*config.Config) {}, gatewayRules)
	spoof := []string{"X-Auth-User", "smith", "X-Auth-Roles", "ADMIN", "X-Auth-User-Id", "u1", "x-auth-permissions", "*"}
	a := verify(t, srv, nginx("http://app.test/public/", spoof...)...)
	wantStatus(t, a, 200, "public with spoofed headers")
	for _, name := range []string{"X-Auth-User", "X-Auth-Roles", "X-Auth-User-Id", "X-Auth-Permissions"} {
		if v := a.header.Get(name); v != "" {
			t.Errorf("anonymous answer carries %s: %q", name, v)
		}
	}
	wantStatus(t, verify(t, srv, nginx("http://app.test/admin", spoof...)...), 401, "admin with spoofed headers only")
	jack := srv.client("", "Firefox/1")
	jack.mustLogin("jack", "jack123", nil)
	a = verify(t, srv, nginx("http://app.test/x", append(spoof, "Cookie", sessionCookie(jack))...)...)
	if a.status != 200 || a.header.Get("X-Auth-User") != "jack" || a.header.Get("X-Auth-Roles") != "USER" {
		t.Fatalf("jack with spoofed headers: %d %v", a.status, a.header)
	}
	wantStatus(t, verify(t, srv, nginx("http://app.test/admin", append(spoof, "Cookie", sessionCookie(jack))...)...), 403, "jack claiming ADMIN")
}

func TestForwardAuthUntrustedProxy(t *testing.T) {
	srv := startServerTB(t, func(*config.Config) {}, func(c *config.Config) {
		gatewayRules(c)
		c.HTTP.TrustedProxies = []string{"10.0.0.0/8"} // the test's 127.0.0.1 is not a proxy
	})
	jack := srv.client("", "Firefox/1")
	jack.mustLogin("jack", "jack123", nil)
	for name, hdr := range map[string][]string{
		"traefik":   traefik("http", "app.test", "/public/x"),
		"nginx":     nginx("http://app.test/public/x"),
		"signed in": nginx("http://app.test/x", "Cookie", sessionCookie(jack)),
	} {
		a := verify(t, srv, hdr...)
		if a.status != 400 || !strings.Contains(a.body, "trusted proxy") {
			t.Errorf("%s from an untrusted address: %d %s", name, a.status, a.body)
		}
	}
}

func TestForwardAuthForeignReturnHost(t *testing.T) {
	srv := startServerTB(t, func(*config.Config) {}, gatewayRules)
	login := srv.Config.BaseURL() + "/login"
	for _, host := range []string{"evil.example", "app.test.evil.example", "evil.example:443"} {
		a := verify(t, srv, traefik("https", host, "/steal", "Accept", "text/html")...)
		if a.status != 302 || a.header.Get("Location") != login {
			t.Errorf("browser on %s: %d Location %q, want the bare login URL", host, a.status, a.header.Get("Location"))
		}
		a = verify(t, srv, nginx("https://"+host+"/steal")...)
		if a.status != 401 || a.header.Get("X-Auth-Login-URL") != login {
			t.Errorf("nginx on %s: %d %q", host, a.status, a.header.Get("X-Auth-Login-URL"))
		}
	}
	for _, bad := range [][]string{
		traefik("https", "evil.example/x?", "/", "Accept", "text/html"),
		traefik("https", "user@evil.example", "/", "Accept", "text/html"),
		traefik("javascript", "app.test", "/", "Accept", "text/html"),
		nginx("https://app.test\\@evil.example/"),
		traefik("https", "app.test", "//evil.example/", "Accept", "text/html"),
	} {
		a := verify(t, srv, bad...)
		if a.status == 302 && a.header.Get("Location") != login && !strings.HasPrefix(a.header.Get("Location"), loginFor(srv, "https://app.test/")) {
			t.Errorf("%v: redirected to %q", bad, a.header.Get("Location"))
		}
		if a.status == 200 {
			t.Errorf("%v: let through", bad)
		}
	}
}

// The return hop after sign-in goes only to protected hosts.
func TestGatewayReturnHop(t *testing.T) {
	srv := startServerTB(t, func(*config.Config) {}, gatewayRules)
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	hop := func(target string) *http.Response {
		resp, err := c.Get(srv.URL() + "/gateway/return?url=" + url.QueryEscape(target))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	for _, ok := range []string{"https://app.test/reports?q=1", "http://APP.test:8080/x", "https://app.test"} {
		if resp := hop(ok); resp.StatusCode != 303 || resp.Header.Get("Location") == "" {
			t.Errorf("%s: %d %q", ok, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	for _, bad := range []string{"", "https://evil.example/", "https://app.test.evil.example/", "javascript:alert(1)", "//evil.example/",
		"/relative", "https://user@app.test/", `https://app.test\@evil.example/`, "ftp://app.test/", "https://app.test:80@evil.example/"} {
		if resp := hop(bad); resp.StatusCode != 400 {
			t.Errorf("%q: %d %q", bad, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
}

func TestForwardAuthPathTricks(t *testing.T) {
	srv := startServerTB(t, func(*config.Config) {}, gatewayRules)
	jack, smith := srv.client("", "Firefox/1"), srv.client("", "Firefox/1")
	jack.mustLogin("jack", "jack123", nil)
	smith.mustLogin("smith", "smith123", nil)
	for _, uri := range []string{"/admin", "/public/../admin", "//admin", "/public/%2e%2e/admin", "/public/%2E%2E/admin/x",
		"/ADMIN", "/Admin/users", "/%61dmin", "/public/..;/admin", "/./admin/", "/public/.%2e/admin?x=/public"} {
		wantStatus(t, verify(t, srv, nginx("http://app.test"+uri, "Cookie", sessionCookie(jack))...), 403, "jack on "+uri)
		wantStatus(t, verify(t, srv, traefik("http", "app.test", uri, "Cookie", sessionCookie(jack))...), 403, "jack on "+uri+" (traefik)")
		wantStatus(t, verify(t, srv, nginx("http://app.test"+uri)...), 401, "signed out on "+uri)
	}
	for _, uri := range []string{"/public/..%2Fadmin", "/public%2F..%2Fadmin", "/public/%5C../admin", "/public/%00/x", "/public/%zz"} {
		wantStatus(t, verify(t, srv, nginx("http://app.test"+uri, "Cookie", sessionCookie(smith))...), 403, "refused "+uri)
	}
	// Normalisation never makes the public part smaller.
	wantStatus(t, verify(t, srv, nginx("http://app.test/admin/../public/a")...), 200, "/admin/../public/a")
	wantStatus(t, verify(t, srv, nginx("http://app.test//public//a")...), 200, "//public//a")
}

func TestForwardAuthBoundToIP(t *testing.T) {
	srv := startServerTB(t, func(*config.Config) {}, gatewayRules)
	jack := srv.client("198.51.100.7", "Firefox/1") // signs in from 198.51.100.7 (via the trusted 127.0.0.1)
	d := jack.mustLogin("jack", "jack123", nil)
	ck := sessionCookie(jack)
	wantStatus(t, verify(t, srv, nginx("http://app.test/bound/x", "Cookie", ck, "X-Forwarded-For", "198.51.100.7")...), 200, "same address")
	a := verify(t, srv, nginx("http://app.test/bound/x", "Cookie", ck, "X-Forwarded-For", "198.51.100.8")...)
	if a.status != 401 || !strings.Contains(a.body, "another address") {
		t.Fatalf("another address: %d %s", a.status, a.body)
	}
	wantStatus(t, verify(t, srv, nginx("http://app.test/bound/x", "Authorization", "Bearer "+d.Token.AccessToken, "X-Forwarded-For", "198.51.100.9")...), 401, "token from another address")
	wantStatus(t, verify(t, srv, nginx("http://app.test/x", "Cookie", ck, "X-Forwarded-For", "198.51.100.8")...), 200, "a rule without bind_ip")
}

func TestForwardAuthEndedSession(t *testing.T) {
	srv := startServerTB(t, func(*config.Config) {}, gatewayRules)
	jack := srv.client("", "Firefox/1")
	d := jack.mustLogin("jack", "jack123", nil)
	ck := sessionCookie(jack)
	wantStatus(t, verify(t, srv, nginx("http://app.test/x", "Cookie", ck)...), 200, "before logout")
	expect(t, jack.do("POST", "/api/auth/logout", nil), 200, 0, "logout")
	wantStatus(t, verify(t, srv, nginx("http://app.test/x", "Cookie", ck)...), 401, "cookie after logout")
	wantStatus(t, verify(t, srv, nginx("http://app.test/x", "Authorization", "Bearer "+d.Token.AccessToken)...), 401, "token after logout")

	// A session ended by an operator (or by its expiry, which ends it the same way).
	danny := srv.client("", "Firefox/1")
	d = danny.mustLogin("danny", "danny123", nil)
	wantStatus(t, verify(t, srv, nginx("http://app.test/x", "Cookie", sessionCookie(danny))...), 200, "danny")
	if err := srv.Auth.Sessions.End(context.Background(), d.Session.ID, "test"); err != nil {
		t.Fatal(err)
	}
	wantStatus(t, verify(t, srv, nginx("http://app.test/x", "Cookie", sessionCookie(danny))...), 401, "ended session")
	wantStatus(t, verify(t, srv, nginx("http://app.test/x", "Cookie", "gatehouse_session=forged.value")...), 401, "forged cookie")
	wantStatus(t, verify(t, srv, nginx("http://app.test/x", "Authorization", "Bearer eyJhbGciOiJub25lIn0.e30.")...), 401, "alg none token")
}

// gateway.cookie_domain: the session cookie carries the Domain, and over HTTPS the __Secure-
// prefix (__Host- forbids a Domain); sign-in, /api/me and /api/verify all read it.
func TestCookieDomain(t *testing.T) {
	srv := startServerTB(t, func(*config.Config) {}, func(c *config.Config) {
		gatewayRules(c)
		c.Gateway.CookieDomain = "app.test"
	})
	https := []string{"X-Forwarded-Proto", "https"} // from the trusted 127.0.0.1
	for _, secure := range []bool{false, true} {
		c := srv.client("", "Firefox/1")
		var hdr []string
		name := "gatehouse_session"
		if secure {
			hdr, name = https, "__Secure-gatehouse_session"
		}
		e := c.do("POST", "/api/auth/login", map[string]string{"username": "jack", "password": "jack123"}, hdr...)
		expect(t, e, 200, 0, "login")
		var set *http.Cookie
		for _, line := range e.header.Values("Set-Cookie") {
			if ck, err := http.ParseSetCookie(line); err == nil && strings.HasSuffix(ck.Name, "gatehouse_session") {
				set = ck
			}
		}
		if set == nil || set.Name != name || set.Domain != "app.test" || set.Secure != secure || !set.HttpOnly {
			t.Fatalf("https=%v: session cookie %+v, want %s with Domain=app.test", secure, set, name)
		}
		me := srv.client("", "Firefox/1")
		expect(t, me.do("GET", "/api/me", nil, append([]string{"Cookie", name + "=" + set.Value}, hdr...)...), 200, 0, "me with the cookie")
		proto := "http"
		if secure {
			proto = "https"
		}
		a := verify(t, srv, traefik(proto, "app.test", "/x", "Cookie", name+"="+set.Value)...)
		if a.status != 200 || a.header.Get("X-Auth-User") != "jack" {
			t.Fatalf("https=%v: verify %d %s", secure, a.status, a.body)
		}
		out := c.do("POST", "/api/auth/logout", nil, append([]string{"Cookie", name + "=" + set.Value}, hdr...)...)
		expect(t, out, 200, 0, "logout")
		cleared := false
		for _, line := range out.header.Values("Set-Cookie") {
			if ck, err := http.ParseSetCookie(line); err == nil && ck.Name == name && ck.Domain == "app.test" && ck.MaxAge < 0 {
				cleared = true
			}
		}
		if !cleared {
			t.Fatalf("https=%v: logout did not clear the domain cookie: %v", secure, out.header.Values("Set-Cookie"))
		}
	}
}
