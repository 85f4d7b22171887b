package e2e

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// TestSSOFlow walks browser SSO across two sub-systems on different hosts: one sign-in at the
// center, a ticket for A, validation, a ticket for B without a prompt, the user API, touch, and
// logout, after which A's tokens and tickets are worthless.
func TestSSOFlow(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		srv := startServer(t, b, nil)
		env := newSSOEnv(t, srv)
		br := env.browser("203.0.113.20")
		sysA := env.systemClient("alpha", env.secretA)
		sysB := env.systemClient("beta", env.secretB)

		// No session: to the login page, and back to /sso/login afterwards.
		p := br.raw("GET", ssoLoginPath("alpha", ssoRedirectA, "s1"))
		if p.status != http.StatusFound || !strings.HasPrefix(p.location(), "/login?continue=") {
			t.Fatalf("/sso/login without session: %d %q", p.status, p.location())
		}
		loc, _ := url.Parse(p.location())
		cont := loc.Query().Get("continue")
		if !strings.HasPrefix(cont, "/sso/login?") || !strings.Contains(cont, "system=alpha") {
			t.Fatalf("continue %q", cont)
		}
		lp := br.raw("GET", p.location())
		if lp.status != 200 || !loginPageFor(lp.body, cont) {
			t.Fatalf("login page %d lacks continue %q:\n%s", lp.status, cont, lp.body)
		}

		// Sign in once at the center, then the continue URL issues a ticket for A.
		br.mustLogin("jack", "jack123", nil)
		p = br.raw("GET", cont)
		if p.status != http.StatusFound {
			t.Fatalf("continue after sign-in: %d %s", p.status, p.body)
		}
		back, _ := url.Parse(p.location())
		if got := back.Scheme + "://" + back.Host + back.Path; got != ssoRedirectA || back.Query().Get("state") != "s1" {
			t.Fatalf("redirect to %s", p.location())
		}
		ticketA := back.Query().Get("ticket")
		if len(ticketA) < 22 {
			t.Fatalf("ticket %q is shorter than 128 bits", ticketA)
		}
		dA := sysA.mustValidate(ticketA, ssoRedirectA)
		if dA.User.Username != "jack" || dA.User.ID != env.jackID || dA.User.Status != "active" || dA.System != "alpha" {
			t.Fatalf("validate user: %+v", dA)
		}
		if strings.Join(dA.Roles, ",") != "READER" || strings.Join(dA.Permissions, ",") != "alpha:doc:read" {
			t.Fatalf("roles %v permissions %v", dA.Roles, dA.Permissions)
		}
		if dA.SID == "" || dA.SessionExpiresAt == "" || dA.TokenType != "Bearer" || dA.ExpiresIn < 60 || dA.RefreshToken == "" {
			t.Fatalf("validate data: %+v", dA)
		}
		if aud := audienceOf(t, dA.AccessToken); !slices.Equal(aud, []string{"alpha"}) {
			t.Fatalf("A's token audience %v, want [alpha] only", aud)
		}

		// B: a ticket at once, no prompt; its registered query is kept.
		p = br.raw("GET", ssoLoginPath("beta", ssoRedirectB, "s2"))
		if p.status != http.StatusFound || !strings.HasPrefix(p.location(), ssoRedirectB+"&ticket=") || !strings.HasSuffix(p.location(), "&state=s2") {
			t.Fatalf("/sso/login beta: %d %q", p.status, p.location())
		}
		ticketB := mustURL(t, p.location()).Query().Get("ticket")
		dB := sysB.mustValidate(ticketB, ssoRedirectB)
		if dB.SID != dA.SID || len(dB.Roles) != 0 || len(dB.Permissions) != 0 {
			t.Fatalf("B: %+v", dB)
		}

		// The session lists both systems.
		e := br.do("GET", "/api/me/sessions", nil)
		expect(t, e, 200, 0, "my sessions")
		var list struct {
			Sessions []struct {
				ID      string   `json:"id"`
				Systems []string `json:"systems"`
			} `json:"sessions"`
		}
		e.decode(t, &list)
		sessions := list.Sessions
		if len(sessions) != 1 || sessions[0].ID != dA.SID || !slices.Equal(sessions[0].Systems, []string{"alpha", "beta"}) {
			t.Fatalf("sessions %+v", sessions)
		}

		// The user API with A's token; ETag and 304.
		api := srv.client("198.51.100.9", "subsystem/1")
		api.bearer = dA.AccessToken
		e = api.do("GET", "/sso/userinfo", nil)
		expect(t, e, 200, 0, "userinfo")
		var info validateData
		e.decode(t, &info)
		etag := e.header.Get("ETag")
		if info.User.Username != "jack" || strings.Join(info.Permissions, ",") != "alpha:doc:read" || info.SID != dA.SID || etag == "" {
			t.Fatalf("userinfo %+v etag %q", info, etag)
		}
		nm := api.raw("GET", "/sso/userinfo", "Authorization", "Bearer "+dA.AccessToken, "If-None-Match", etag)
		if nm.status != http.StatusNotModified || nm.body != "" {
			t.Fatalf("If-None-Match: %d %q", nm.status, nm.body)
		}
		if other := api.raw("GET", "/sso/userinfo", "Authorization", "Bearer "+dA.AccessToken, "If-None-Match", `"other"`); other.status != 200 {
			t.Fatalf("another ETag: %d", other.status)
		}

		// A's token is not a key to the center's own API.
		e = api.do("GET", "/api/me", nil)
		expect(t, e, 401, codeTokenInvalid, "A's token at /api/me")

		// Server-to-server user lookup.
		e = sysA.do("GET", "/sso/users/"+env.jackID, nil)
		expect(t, e, 200, 0, "user by id")
		if !strings.Contains(string(e.Data), `"username":"jack"`) || strings.Contains(string(e.Data), "password") {
			t.Fatalf("user %s", e.Data)
		}
		expect(t, sysA.do("GET", "/sso/users/no-such-user", nil), 404, codeNotFound, "unknown user")

		// Touch: alive for A's session; not alive for a session A never joined.
		e = sysA.do("POST", "/sso/touch", map[string]string{"sid": dA.SID})
		expect(t, e, 200, 0, "touch")
		var touched struct {
			Alive     bool    `json:"alive"`
			ExpiresAt *string `json:"expires_at"`
		}
		e.decode(t, &touched)
		if !touched.Alive || touched.ExpiresAt == nil {
			t.Fatalf("touch %s", e.Data)
		}
		e = env.systemClient("gamma", env.secretG).do("POST", "/sso/touch", map[string]string{"sid": dA.SID})
		expect(t, e, 200, 0, "touch by a system that never joined")
		if strings.Contains(string(e.Data), `"alive":true`) {
			t.Fatalf("gamma kept a session it never joined alive: %s", e.Data)
		}

		// Refresh through the SSO face: a new pair, the access token again for A alone. B cannot
		// use A's refresh token, and its attempt changes nothing.
		expect(t, sysB.do("POST", "/sso/refresh", map[string]string{"refresh_token": dA.RefreshToken}), 401, codeTokenInvalid, "B refreshes A's token")
		e = sysA.do("POST", "/sso/refresh", map[string]string{"refresh_token": dA.RefreshToken})
		expect(t, e, 200, 0, "refresh at /sso/refresh")
		var rf validateData
		e.decode(t, &rf)
		if rf.RefreshToken == "" || rf.RefreshToken == dA.RefreshToken || rf.SID != dA.SID || strings.Join(rf.Roles, ",") != "READER" {
			t.Fatalf("refresh %s", e.Data)
		}
		if aud := audienceOf(t, rf.AccessToken); !slices.Equal(aud, []string{"alpha"}) {
			t.Fatalf("refreshed audience %v", aud)
		}
		rt := rf.RefreshToken

		// A ticket issued before logout, redeemed after it.
		late := ticketFor(t, br, "alpha", ssoRedirectA)

		// Logout at the center, back to A.
		p = br.raw("GET", "/sso/logout?"+url.Values{"system": {"alpha"}, "redirect_uri": {ssoRedirectA}}.Encode())
		if p.status != http.StatusFound || p.location() != ssoRedirectA {
			t.Fatalf("logout: %d %q", p.status, p.location())
		}
		e = api.do("GET", "/sso/userinfo", nil)
		expect(t, e, 401, codeSessionEnded, "userinfo after logout")
		e = srv.client("198.51.100.9", "subsystem/1").do("POST", "/api/auth/refresh", map[string]string{"refresh_token": rt})
		if e.Code == 0 {
			t.Fatalf("A's refresh token works after logout: %s", e.Data)
		}
		expect(t, sysA.do("POST", "/sso/refresh", map[string]string{"refresh_token": rt}), 401, codeTokenInvalid, "/sso/refresh after logout")
		e = sysA.validate(late, ssoRedirectA)
		expect(t, e, 401, codeSessionEnded, "ticket after logout")
		e = sysA.do("POST", "/sso/touch", map[string]string{"sid": dA.SID})
		expect(t, e, 200, 0, "touch after logout")
		if !strings.Contains(string(e.Data), `"alive":false`) {
			t.Fatalf("touch after logout: %s", e.Data)
		}
		// The browser has no session now: /sso/login asks for a sign-in again.
		p = br.raw("GET", ssoLoginPath("alpha", ssoRedirectA, "s3"))
		if p.status != http.StatusFound || !strings.HasPrefix(p.location(), "/login?") {
			t.Fatalf("/sso/login after logout: %d %q", p.status, p.location())
		}
		// Logout without a registered return: a page.
		p = br.raw("GET", "/sso/logout")
		if p.status != 200 || !strings.Contains(p.body, "signed out") || p.header.Get("Content-Security-Policy") == "" {
			t.Fatalf("logout page: %d %s", p.status, p.body)
		}
	})
}

// htmlAttr escapes s as html/template writes it into an attribute.
func htmlAttr(s string) string {
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;", "+", "&#43;")
	return r.Replace(s)
}
