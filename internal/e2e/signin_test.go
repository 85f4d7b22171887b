package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/config"
)

const (
	codeInvalidInput   = 40001
	codeMalformed      = 40002
	codeUnauth         = 40101
	codeBadCredentials = 40102
	codeCaptchaNeeded  = 40103
	codeCaptchaInvalid = 40104
	codeTokenInvalid   = 40105
	codeSessionEnded   = 40107
	codeForbidden      = 40301
	codeNotFound       = 40401
	codeTooLarge       = 41301
	codeMedia          = 41501
	codeWeakPassword   = 42201
	codeTooMany        = 42901
)

func forEachBackend(t *testing.T, fn func(t *testing.T, b backend)) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) { fn(t, b) })
	}
}

// TestSignInLifecycle walks the "done when": jack signs in, sees his roles, the refresh
// cookie rotates, a replay after the grace window kills the family, logout ends the access token.
func TestSignInLifecycle(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		srv := startServer(t, b, func(c *config.Config) { c.Tokens.RefreshGrace = 0 })
		jack := srv.client("203.0.113.7", "Firefox/1")
		d := jack.mustLogin("jack", "jack123", map[string]any{"system": "demo"})
		if d.User.Username != "jack" || d.Token.AccessToken == "" || d.Token.RefreshToken != "" {
			t.Fatalf("login data: %+v", d)
		}
		if strings.Join(d.Token.Roles, ",") != "USER" || strings.Join(d.Token.Audience, ",") != "gatehouse,demo" {
			t.Fatalf("token roles %v audience %v", d.Token.Roles, d.Token.Audience)
		}
		if jack.cookie("gatehouse_session") == "" || jack.cookie("gatehouse_refresh") != "" {
			// the refresh cookie is limited to its path, so the jar shows it only there
		}

		// /api/me with the bearer token alone (no cookies), for the demo system.
		api := srv.client("203.0.113.7", "curl/8")
		api.bearer = d.Token.AccessToken
		e := api.do("GET", "/api/me?system=demo", nil)
		expect(t, e, 200, 0, "me by bearer")
		var me struct {
			User        struct{ Username string }
			Roles       []string
			Permissions []string
			Session     struct{ ID string }
		}
		e.decode(t, &me)
		if me.User.Username != "jack" || strings.Join(me.Roles, ",") != "USER" || strings.Join(me.Permissions, ",") != "demo:article:read" || me.Session.ID != d.Session.ID {
			t.Fatalf("me: %+v", me)
		}
		// ... and by cookie.
		expect(t, jack.do("GET", "/api/me", nil), 200, 0, "me by cookie")

		// The refresh cookie rotates.
		first := cookieFor(t, jack, "/api/auth/refresh", "gatehouse_refresh")
		e = jack.do("POST", "/api/auth/refresh", nil)
		expect(t, e, 200, 0, "refresh")
		second := cookieFor(t, jack, "/api/auth/refresh", "gatehouse_refresh")
		if first == "" || second == "" || first == second {
			t.Fatalf("refresh cookie did not rotate: %q → %q", first, second)
		}
		// Replaying the old token (grace 0) kills the family: the current one dies too.
		thief := srv.client("203.0.113.7", "Firefox/1")
		e = thief.do("POST", "/api/auth/refresh", map[string]string{"refresh_token": first})
		expect(t, e, 401, codeTokenInvalid, "replay of a rotated refresh token")
		expect(t, jack.do("POST", "/api/auth/refresh", nil), 401, codeTokenInvalid, "refresh after reuse detection")
		// Theft ends the refresh family, not the session.
		expect(t, api.do("GET", "/api/me", nil), 200, 0, "access token after reuse detection")
		assertAudit(t, srv, "token.reuse_detected")

		// Logout makes the old access token fail.
		expect(t, jack.do("POST", "/api/auth/logout", nil), 200, 0, "logout")
		expect(t, api.do("GET", "/api/me", nil), 401, codeSessionEnded, "access token after logout")
		expect(t, jack.do("GET", "/api/me", nil), 401, codeUnauth, "cookie after logout (cleared)")
	})
}

func cookieFor(t *testing.T, c *client, path, name string) string {
	t.Helper()
	u := *mustURL(t, c.srv.URL()+path)
	for _, ck := range c.http.Jar.Cookies(&u) {
		if ck.Name == name {
			return ck.Value
		}
	}
	return ""
}

func assertAudit(t *testing.T, srv *server, typ string) {
	t.Helper()
	events, err := srv.SQL.ListAudit(context.Background(), auditFilter(typ))
	if err != nil || len(events) == 0 {
		t.Fatalf("no %s audit event (%v)", typ, err)
	}
}

// TestGraceRetryKeepsTwoTabs: two tabs refresh with the same token at once; both keep working.
func TestGraceRetryKeepsTwoTabs(t *testing.T) {
	srv := startServer(t, backends[0], nil)
	c := srv.client("198.51.100.1", "Chrome/1")
	c.mustLogin("danny", "danny123", map[string]any{"system": "demo"})
	old := cookieFor(t, c, "/api/auth/refresh", "gatehouse_refresh")
	tab2 := srv.client("198.51.100.1", "Chrome/1")
	e1 := c.do("POST", "/api/auth/refresh", nil)
	e2 := tab2.do("POST", "/api/auth/refresh", map[string]string{"refresh_token": old})
	expect(t, e1, 200, 0, "tab 1")
	expect(t, e2, 200, 0, "tab 2 within the grace window")
	var d2 struct {
		Token struct {
			RefreshToken string `json:"refresh_token"`
		}
	}
	e2.decode(t, &d2)
	if got, want := d2.Token.RefreshToken, cookieFor(t, c, "/api/auth/refresh", "gatehouse_refresh"); got != want {
		t.Fatalf("the grace retry did not return the same successor: %q, want %q", got, want)
	}
}

// TestBruteForceEscalation: captcha, then delay, then a lock of only that (user, IP) pair.
func TestBruteForceEscalation(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		srv := startServer(t, b, nil)
		attacker := srv.client("192.0.2.66", "bot/1")
		for i := 1; i <= 2; i++ {
			e, _ := attacker.login("jack", "wrong", nil)
			expect(t, e, 401, codeBadCredentials, "failure")
		}
		e, _ := attacker.login("jack", "wrong", nil)
		expect(t, e, 401, codeCaptchaNeeded, "third failure says a captcha is now needed")
		e, _ = attacker.login("jack", "jack123", nil)
		expect(t, e, 401, codeCaptchaNeeded, "right password without the captcha")
		e, _ = attacker.login("jack", "jack123", map[string]any{"captcha_id": "nope", "captcha_answer": "XXXXX"})
		expect(t, e, 401, codeCaptchaInvalid, "foreign captcha")
		id, answer := attacker.captchaAnswer()
		e, _ = attacker.login("jack", "wrong", map[string]any{"captcha_id": id, "captcha_answer": strings.ToLower(answer)})
		expect(t, e, 401, codeCaptchaNeeded, "wrong password with a right captcha")
		e, _ = attacker.login("jack", "wrong", map[string]any{"captcha_id": id, "captcha_answer": answer})
		expect(t, e, 401, codeCaptchaInvalid, "replayed captcha")
		srv.sleeps.take()
		var lastErr envelope
		for i := 0; i < 10; i++ {
			id, answer := attacker.captchaAnswer()
			lastErr, _ = attacker.login("jack", "wrong", map[string]any{"captcha_id": id, "captcha_answer": answer})
			if lastErr.status == 429 {
				break
			}
		}
		expect(t, lastErr, 429, codeTooMany, "the pair is locked")
		if ra := lastErr.header.Get("Retry-After"); ra == "" || ra == "0" {
			t.Fatalf("no Retry-After on the lock: %q", ra)
		}
		if delays := srv.sleeps.take(); len(delays) == 0 || delays[len(delays)-1] <= delays[0] {
			t.Fatalf("delays did not grow: %v", delays)
		}
		id, answer = attacker.captchaAnswer()
		e, _ = attacker.login("jack", "jack123", map[string]any{"captcha_id": id, "captcha_answer": answer})
		expect(t, e, 429, codeTooMany, "even the right password while the pair is locked")

		// The real jack, elsewhere, is not locked out.
		home := srv.client("203.0.113.9", "Firefox/1")
		home.mustLogin("jack", "jack123", nil)
		assertAudit(t, srv, "login.locked")
	})
}

// TestSameAnswerForEveryFailure: unknown user, wrong password, disabled account.
func TestSameAnswerForEveryFailure(t *testing.T) {
	srv := startServer(t, backends[0], nil)
	ctx := context.Background()
	smith, _ := srv.Identity.User(ctx, "smith")
	if _, err := srv.Identity.SetStatus(ctx, cliActor, smith.ID, "disabled"); err != nil {
		t.Fatal(err)
	}
	var msgs []string
	for i, try := range [][2]string{{"nobody", "whatever1"}, {"danny", "wrong"}, {"smith", "smith123"}} {
		c := srv.client("192.0.2."+string(rune('1'+i)), "x")
		e, _ := c.login(try[0], try[1], nil)
		expect(t, e, 401, codeBadCredentials, try[0])
		msgs = append(msgs, e.Msg+string(e.Data))
	}
	if msgs[0] != msgs[1] || msgs[1] != msgs[2] {
		t.Fatalf("answers differ: %q", msgs)
	}
}

// TestUsernameFolding: case and Unicode width variants are the same user.
func TestUsernameFolding(t *testing.T) {
	srv := startServer(t, backends[0], nil)
	for _, name := range []string{"JACK", " Jack ", "ｊａｃｋ"} {
		c := srv.client("203.0.113.50", "x")
		if d := c.mustLogin(name, "jack123", nil); d.User.Username != "jack" {
			t.Fatalf("%q signed in as %q", name, d.User.Username)
		}
	}
}

// TestRehashOnLogin: the imported bcrypt hash becomes argon2id at the first sign-in.
func TestRehashOnLogin(t *testing.T) {
	srv := startServer(t, backends[0], nil)
	ctx := context.Background()
	before, _ := srv.Identity.User(ctx, "danny")
	if !strings.HasPrefix(before.PasswordHash, "$2a$") {
		t.Fatalf("demo hash %q", before.PasswordHash)
	}
	srv.client("203.0.113.5", "x").mustLogin("danny", "danny123", nil)
	after, _ := srv.Identity.User(ctx, "danny")
	if !strings.HasPrefix(after.PasswordHash, "$argon2id$") {
		t.Fatalf("not re-hashed: %q", after.PasswordHash)
	}
	srv.client("203.0.113.5", "x").mustLogin("danny", "danny123", nil)
}

// TestDemoEndpoints reproduces requirement 001's controller.
func TestDemoEndpoints(t *testing.T) {
	srv := startServer(t, backends[0], nil)
	anon := srv.client("203.0.113.1", "x")
	expect(t, anon.do("GET", "/api/demo/everyone", nil), 200, 0, "everyone, anonymous")
	for _, p := range []string{"user", "editor", "admin"} {
		expect(t, anon.do("GET", "/api/demo/"+p, nil), 401, codeUnauth, p+" anonymous")
	}
	want := map[string]map[string]int{
		"jack":  {"user": 200, "editor": 403, "admin": 403},
		"danny": {"user": 200, "editor": 200, "admin": 403},
		"smith": {"user": 200, "editor": 200, "admin": 200},
	}
	for user, paths := range want {
		c := srv.client("203.0.113.2", "x")
		c.bearer = c.mustLogin(user, user+"123", nil).Token.AccessToken
		for p, status := range paths {
			e := c.do("GET", "/api/demo/"+p, nil)
			if e.status != status {
				t.Errorf("%s on %s: %d, want %d (%s)", user, p, e.status, status, e.Msg)
			}
		}
	}
}

// TestSessionsAndPassword: my sessions, revoke one, revoke others, password change.
func TestSessionsAndPassword(t *testing.T) {
	srv := startServer(t, backends[0], nil)
	laptop := srv.client("203.0.113.10", "Laptop/1")
	phone := srv.client("203.0.113.11", "Phone/1")
	tablet := srv.client("203.0.113.12", "Tablet/1")
	laptop.mustLogin("smith", "smith123", nil)
	p := phone.mustLogin("smith", "smith123", map[string]any{"remember_me": true})
	tablet.mustLogin("smith", "smith123", nil)

	e := laptop.do("GET", "/api/me/sessions", nil)
	expect(t, e, 200, 0, "my sessions")
	var list struct {
		Sessions []struct {
			ID        string
			UserAgent string `json:"user_agent"`
			Current   bool
		}
	}
	e.decode(t, &list)
	if len(list.Sessions) != 3 {
		t.Fatalf("sessions: %+v", list)
	}
	current := 0
	for _, s := range list.Sessions {
		if s.Current {
			current++
			if s.UserAgent != "Laptop/1" {
				t.Fatalf("current marked on %s", s.UserAgent)
			}
		}
	}
	if current != 1 {
		t.Fatalf("%d sessions marked current", current)
	}
	expect(t, laptop.do("DELETE", "/api/me/sessions/"+p.Session.ID, nil), 200, 0, "revoke the phone")
	expect(t, phone.do("GET", "/api/me", nil), 401, codeSessionEnded, "the phone after revocation")
	expect(t, laptop.do("DELETE", "/api/me/sessions/"+p.Session.ID, nil), 404, codeNotFound, "revoke twice")

	jack := srv.client("203.0.113.13", "x")
	jd := jack.mustLogin("jack", "jack123", nil)
	expect(t, laptop.do("DELETE", "/api/me/sessions/"+jd.Session.ID, nil), 404, codeNotFound, "revoke another user's session")
	expect(t, jack.do("GET", "/api/me", nil), 200, 0, "jack unaffected")

	// Password change: wrong old one, weak new one, then right; the tablet's session ends.
	e = laptop.do("POST", "/api/me/password", map[string]string{"old_password": "nope", "new_password": "Another-Passw0rd"})
	expect(t, e, 401, codeBadCredentials, "wrong old password")
	e = laptop.do("POST", "/api/me/password", map[string]string{"old_password": "smith123", "new_password": "short"})
	expect(t, e, 422, codeWeakPassword, "weak new password")
	e = laptop.do("POST", "/api/me/password", map[string]string{"old_password": "smith123", "new_password": "Another-Passw0rd"})
	expect(t, e, 200, 0, "password change")
	expect(t, tablet.do("GET", "/api/me", nil), 401, codeSessionEnded, "other session after a password change")
	expect(t, laptop.do("GET", "/api/me", nil), 200, 0, "current session after a password change")
	e, _ = srv.client("203.0.113.14", "x").login("smith", "smith123", nil)
	expect(t, e, 401, codeBadCredentials, "old password")
	srv.client("203.0.113.14", "x").mustLogin("smith", "Another-Passw0rd", nil)

	expect(t, laptop.do("DELETE", "/api/me/sessions", nil), 200, 0, "revoke all others")
	expect(t, laptop.do("GET", "/api/me", nil), 200, 0, "current kept")
}

// TestDisableEndsSessions: disabling a user (as an operator would) ends their sessions at once.
func TestDisableEndsSessions(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		srv := startServer(t, b, nil)
		c := srv.client("203.0.113.20", "x")
		d := c.mustLogin("danny", "danny123", nil)
		c.bearer = d.Token.AccessToken
		expect(t, c.do("GET", "/api/me", nil), 200, 0, "before")
		if _, err := srv.Identity.SetStatus(context.Background(), cliActor, d.User.ID, "disabled"); err != nil {
			t.Fatal(err)
		}
		expect(t, c.do("GET", "/api/me", nil), 401, codeSessionEnded, "after disable")
		expect(t, c.do("POST", "/api/auth/refresh", nil), 401, codeTokenInvalid, "refresh after disable")
	})
}

// TestGrantReachesToken: a role granted while signed in shows at the next request.
func TestGrantReachesToken(t *testing.T) {
	srv := startServer(t, backends[0], nil)
	c := srv.client("203.0.113.30", "x")
	d := c.mustLogin("jack", "jack123", nil)
	c.bearer = d.Token.AccessToken
	expect(t, c.do("GET", "/api/demo/admin", nil), 403, codeForbidden, "before the grant")
	if err := srv.Identity.GrantRole(context.Background(), cliActor, d.User.ID, roleRef("demo", "ADMIN")); err != nil {
		t.Fatal(err)
	}
	expect(t, c.do("GET", "/api/demo/admin", nil), 200, 0, "after the grant")
	_ = time.Second
}
