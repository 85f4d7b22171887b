package e2e

import (
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/config"
)

// ssoBackends are the backends the bad-input suite runs on: the in-process store and Redis.
func ssoBackends(t *testing.T, fn func(t *testing.T, b backend)) {
	for _, b := range backends[:2] {
		t.Run(b.name, func(t *testing.T) { fn(t, b) })
	}
}

// signedIn returns an environment and a browser with jack signed in at the center.
func signedIn(t *testing.T, b backend, tweak func(*config.Config)) (*ssoEnv, *client) {
	t.Helper()
	env := newSSOEnv(t, startServer(t, b, tweak))
	br := env.browser("203.0.113.30")
	br.mustLogin("jack", "jack123", nil)
	return env, br
}

func TestSSOTicketBadInput(t *testing.T) {
	ssoBackends(t, func(t *testing.T, b backend) {
		env, br := signedIn(t, b, nil)
		sysA := env.systemClient("alpha", env.secretA)
		sysB := env.systemClient("beta", env.secretB)

		t.Run("replayed ticket", func(t *testing.T) {
			tk := ticketFor(t, br, "alpha", ssoRedirectA)
			sysA.mustValidate(tk, ssoRedirectA)
			expect(t, sysA.validate(tk, ssoRedirectA), 401, codeTokenInvalid, "second validation")
		})
		t.Run("replay after a failed first attempt", func(t *testing.T) {
			tk := ticketFor(t, br, "alpha", ssoRedirectA)
			expect(t, sysA.validate(tk, ssoAltA), 401, codeTokenInvalid, "wrong redirect_uri")
			expect(t, sysA.validate(tk, ssoRedirectA), 401, codeTokenInvalid, "the right one after a failure")
		})
		t.Run("ticket of A redeemed by B", func(t *testing.T) {
			tk := ticketFor(t, br, "alpha", ssoRedirectA)
			expect(t, sysB.validate(tk, ssoRedirectA), 401, codeTokenInvalid, "B redeems A's ticket")
			expect(t, sysA.validate(tk, ssoRedirectA), 401, codeTokenInvalid, "A after B tried")
		})
		t.Run("different redirect_uri", func(t *testing.T) {
			for _, other := range []string{ssoAltA, ssoRedirectA + "/", ssoRedirectA + "?x=1", "http://127.0.0.1:18082/cb", ""} {
				tk := ticketFor(t, br, "alpha", ssoRedirectA)
				expect(t, sysA.validate(tk, other), 401, codeTokenInvalid, "redirect_uri "+other)
			}
		})
		t.Run("wrong secret changes nothing", func(t *testing.T) {
			tk := ticketFor(t, br, "alpha", ssoRedirectA)
			for _, s := range []*systemAPI{env.systemClient("alpha", env.secretB), env.systemClient("alpha", ""), env.systemClient("nosuch", env.secretA)} {
				e := s.validate(tk, ssoRedirectA)
				expect(t, e, 401, codeUnauth, "bad credentials")
				if !strings.HasPrefix(e.header.Get("WWW-Authenticate"), "Basic") {
					t.Fatalf("WWW-Authenticate %q", e.header.Get("WWW-Authenticate"))
				}
			}
			expect(t, br.do("POST", "/sso/validate", map[string]string{"ticket": tk, "redirect_uri": ssoRedirectA}), 401, codeUnauth, "no credentials")
			expect(t, env.systemClient("alpha", "wrong").do("GET", "/sso/users/"+env.jackID, nil), 401, codeUnauth, "user API, wrong secret")
			expect(t, env.systemClient("alpha", "wrong").do("POST", "/sso/touch", map[string]string{"sid": "x"}), 401, codeUnauth, "touch, wrong secret")
			sysA.mustValidate(tk, ssoRedirectA) // the ticket was not consumed by the refused requests
		})
		t.Run("garbage tickets", func(t *testing.T) {
			for _, tk := range []string{"", "x", "ST-" + strings.Repeat("A", 27), strings.Repeat("A", 27), strings.Repeat("é", 20), strings.Repeat("A", 5000)} {
				expect(t, sysA.validate(tk, ssoRedirectA), 401, codeTokenInvalid, "ticket "+tk[:min(len(tk), 10)])
			}
		})
		t.Run("PKCE", func(t *testing.T) {
			verifier := strings.Repeat("v3rifier-", 6)
			sum := sha256.Sum256([]byte(verifier))
			challenge := base64.RawURLEncoding.EncodeToString(sum[:])
			pk := []string{"code_challenge", challenge, "code_challenge_method", "S256"}
			tk := ticketFor(t, br, "alpha", ssoRedirectA, pk...)
			expect(t, sysA.validate(tk, ssoRedirectA), 401, codeTokenInvalid, "verifier missing")
			tk = ticketFor(t, br, "alpha", ssoRedirectA, pk...)
			expect(t, sysA.validate(tk, ssoRedirectA, "code_verifier", verifier+"x"), 401, codeTokenInvalid, "wrong verifier")
			tk = ticketFor(t, br, "alpha", ssoRedirectA, pk...)
			sysA.mustValidate(tk, ssoRedirectA, "code_verifier", verifier)
			tk = ticketFor(t, br, "alpha", ssoRedirectA)
			expect(t, sysA.validate(tk, ssoRedirectA, "code_verifier", verifier), 401, codeTokenInvalid, "verifier without challenge")
			for _, bad := range [][]string{
				{"code_challenge", challenge, "code_challenge_method", "plain"},
				{"code_challenge", challenge},
				{"code_challenge", "short", "code_challenge_method", "S256"},
				{"code_challenge_method", "S256"},
			} {
				p := br.raw("GET", ssoLoginPath("alpha", ssoRedirectA, "s", bad...))
				if p.status != 400 || p.location() != "" {
					t.Fatalf("challenge %v: %d %q", bad, p.status, p.location())
				}
			}
		})
		t.Run("system not allowed sso", func(t *testing.T) {
			e := env.systemClient("gamma", env.secretG).validate(ticketFor(t, br, "alpha", ssoRedirectA), ssoRedirectA)
			expect(t, e, 403, codeForbidden, "gamma at /sso/validate")
		})
	})
}

// TestSSOTicketExpires: a ticket is worthless after sso.ticket_ttl.
func TestSSOTicketExpires(t *testing.T) {
	ssoBackends(t, func(t *testing.T, b backend) {
		env, br := signedIn(t, b, func(c *config.Config) { c.SSO.TicketTTL = time.Second })
		tk := ticketFor(t, br, "alpha", ssoRedirectA)
		time.Sleep(1100 * time.Millisecond)
		expect(t, env.systemClient("alpha", env.secretA).validate(tk, ssoRedirectA), 401, codeTokenInvalid, "expired ticket")
	})
}

// TestSSOLoginRefusesRedirects: whatever is wrong with system or redirect_uri gets a 400 page,
// never a Location, with or without a session.
func TestSSOLoginRefusesRedirects(t *testing.T) {
	ssoBackends(t, func(t *testing.T, b backend) {
		env, br := signedIn(t, b, nil)
		anon := env.browser("203.0.113.31")
		bad := []string{
			"https://a.example.com@evil.test/cb",
			"https://a.example.com@evil.test",
			"https://a.example.com.evil.test/cb",
			"https://a.example.com.evil.test",
			"//evil.test/cb",
			"//a.example.com/cb",
			`https:\\evil.test`,
			`https:\\a.example.com\cb`,
			`https://a.example.com\@evil.test/cb`,
			"https://a.example.com%2eevil.test/cb",
			"https://a.example.com%2fevil.test/cb",
			"https://a.example.com/%2e%2e/cb",
			"https://a.example.com/x/%2e%2e/cb",
			"https://a.example.com/x/../cb",
			"https://a.example.com%2f@evil.test/cb",
			"https://a.example.com/cb%2f..%2fevil",
			"https://a.example.com:8443/cb",
			"http://a.example.com/cb",
			"https://a.example.com/cb/",
			"https://a.example.com/cb/more",
			"https://a.example.com/cb?next=https://evil.test",
			"https://a.example.com/cb#frag",
			"https://evil.test/cb",
			"http://127.0.0.1:18082/cb",
			"http://127.0.0.1:18081/cb\r\nX: y",
			"javascript:alert(1)",
			"/cb",
			"",
		}
		check := func(who *client, path, what string) {
			t.Helper()
			p := who.raw("GET", path)
			if p.status != http.StatusBadRequest || p.location() != "" || !strings.Contains(p.header.Get("Content-Type"), "text/html") {
				t.Fatalf("%s: %d Location %q", what, p.status, p.location())
			}
			if p.header.Get("Content-Security-Policy") == "" || strings.Contains(p.body, "<script") {
				t.Fatalf("%s: error page headers %v", what, p.header)
			}
		}
		for _, uri := range bad {
			for _, who := range []*client{br, anon} {
				check(who, ssoLoginPath("alpha", uri, "s"), "redirect_uri "+uri)
				check(who, ssoLoginPath("alpha", uri, "s", "gateway", "true"), "gateway with redirect_uri "+uri)
			}
		}
		check(br, ssoLoginPath("nosuch", ssoRedirectA, "s"), "unknown system")
		check(br, ssoLoginPath("", ssoRedirectA, "s"), "no system")
		check(br, ssoLoginPath("beta", ssoRedirectA, "s"), "A's URI for B")
		check(br, ssoLoginPath("gamma", ssoRedirectG, "s"), "system not allowed sso")
		check(br, ssoLoginPath("alpha", ssoRedirectA, strings.Repeat("s", 513)), "state too long")
		check(br, ssoLoginPath("alpha", ssoRedirectA, "s")+"&redirect_uri="+url.QueryEscape("https://evil.test/cb"), "two redirect_uris")
		check(br, ssoLoginPath("alpha", ssoRedirectA, "s")+"&system=beta", "two systems")
		// The unregistered URI's text is escaped on the page, never markup.
		p := br.raw("GET", ssoLoginPath("alpha", `https://evil.test/"><script>alert(1)</script>`, "s"))
		if strings.Contains(p.body, "<script>") {
			t.Fatalf("unescaped input on the error page")
		}
		// A logout with an unregistered return shows the page instead.
		p = anon.raw("GET", "/sso/logout?"+url.Values{"system": {"alpha"}, "redirect_uri": {"https://evil.test/cb"}}.Encode())
		if p.status != 200 || p.location() != "" {
			t.Fatalf("logout to an unregistered URI: %d %q", p.status, p.location())
		}
	})
}

// TestSSOLoginModes: gateway and renew, and a cross-origin POST logout.
func TestSSOLoginModes(t *testing.T) {
	ssoBackends(t, func(t *testing.T, b backend) {
		env, br := signedIn(t, b, nil)
		anon := env.browser("203.0.113.32")
		p := anon.raw("GET", ssoLoginPath("alpha", ssoRedirectA, "g1", "gateway", "true"))
		if p.status != http.StatusFound || p.location() != ssoRedirectA+"?state=g1&error=login_required" {
			t.Fatalf("gateway without session: %d %q", p.status, p.location())
		}
		p = br.raw("GET", ssoLoginPath("alpha", ssoRedirectA, "g2", "gateway", "true"))
		if p.status != http.StatusFound || !strings.Contains(p.location(), "ticket=") {
			t.Fatalf("gateway with session: %d %q", p.status, p.location())
		}
		p = br.raw("GET", ssoLoginPath("alpha", ssoRedirectA, "r1", "renew", "true"))
		cont := ""
		if loc, err := url.Parse(p.location()); err == nil {
			cont = loc.Query().Get("continue")
		}
		if p.status != http.StatusFound || !strings.HasPrefix(p.location(), "/login?") || strings.Contains(cont, "renew") || !strings.Contains(cont, "state=r1") {
			t.Fatalf("renew: %d %q (continue %q)", p.status, p.location(), cont)
		}

		// A cross-site POST to /sso/logout is refused and the session lives on.
		p = br.raw("POST", "/sso/logout", "Sec-Fetch-Site", "cross-site", "Origin", "https://evil.test")
		if p.status != http.StatusForbidden {
			t.Fatalf("cross-site logout: %d", p.status)
		}
		ticketFor(t, br, "alpha", ssoRedirectA)
		p = br.raw("POST", "/sso/logout", "Sec-Fetch-Site", "same-origin")
		if p.status != 200 {
			t.Fatalf("same-origin logout: %d", p.status)
		}
		if p = br.raw("GET", ssoLoginPath("alpha", ssoRedirectA, "x")); !strings.HasPrefix(p.location(), "/login?") {
			t.Fatalf("after POST logout: %q", p.location())
		}
	})
}

// TestSSOLoginPage: the page, its headers and assets, and a continue that leaves the site.
func TestSSOLoginPage(t *testing.T) {
	srv := startServer(t, backends[0], nil)
	c := srv.client("203.0.113.33", "Browser/1")
	for target, want := range map[string]string{
		"https://evil.test/":                  "/",
		"//evil.test/":                        "/",
		`/\evil.test`:                         "/",
		"/\\/evil.test":                       "/",
		"http:/evil.test":                     "/",
		"javascript:alert(1)":                 "/",
		"/ok\r\nx":                            "/",
		"":                                    "/",
		"/sso/login?system=alpha&state=a%20b": "/sso/login?system=alpha&amp;state=a%20b",
	} {
		p := c.raw("GET", "/login?continue="+url.QueryEscape(target))
		if isBuiltFrontEnd(p.body) {
			checkFrontEndPage(t, p) // the front end checks continue itself (Vitest)
			continue
		}
		if p.status != 200 || !strings.Contains(p.body, `data-continue="`+want+`"`) {
			t.Fatalf("continue %q: %d, want %q in\n%s", target, p.status, want, p.body)
		}
		csp := p.header.Get("Content-Security-Policy")
		if csp != "default-src 'self'; img-src 'self' data:; script-src 'self'; style-src 'self'; frame-ancestors 'none'" {
			t.Fatalf("CSP %q", csp)
		}
		if strings.Contains(p.body, "<script>") || strings.Contains(p.body, " style=") || strings.Contains(p.body, "onclick") {
			t.Fatal("inline script or style on the login page")
		}
	}
	p := c.raw("GET", "/login", "Accept-Language", "zh-CN,zh;q=0.9")
	if !isBuiltFrontEnd(p.body) && (!strings.Contains(p.body, `lang="zh-CN"`) || !strings.Contains(p.body, "登录")) {
		t.Fatalf("Chinese page:\n%s", p.body)
	}
	for _, asset := range []string{"/sso/static/login.js", "/sso/static/login.css"} {
		if p := c.raw("GET", asset); p.status != 200 || len(p.body) < 100 {
			t.Fatalf("%s: %d", asset, p.status)
		}
	}
}
