package e2e

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"github.com/gatehouse/gatehouse/internal/config"
	"net/http"
	"strings"
	"testing"
	"time"
)

func b64(v any) string {
	j, _ := json.Marshal(v)
	return base64.RawURLEncoding.EncodeToString(j)
}

// TestBadLoginInput: every malformed request is refused with a stable code and changes nothing.
func TestBadLoginInput(t *testing.T) {
	srv := startServer(t, backends[0], nil)
	c := srv.client("192.0.2.10", "x")
	cases := []struct {
		name   string
		body   string
		hdr    []string
		status int
		code   int
	}{
		{"malformed JSON", `{"username": "jack", `, nil, 400, codeMalformed},
		{"not an object", `["jack"]`, nil, 400, codeMalformed},
		{"unknown field", `{"username":"jack","password":"jack123","admin":true}`, nil, 400, codeMalformed},
		{"wrong type", `{"username":42,"password":"jack123"}`, nil, 400, codeMalformed},
		{"trailing garbage", `{"username":"jack","password":"jack123"} {}`, nil, 400, codeMalformed},
		{"missing fields", `{}`, nil, 400, codeInvalidInput},
		{"missing password", `{"username":"jack"}`, nil, 400, codeInvalidInput},
		{"oversized body", `{"username":"jack","password":"` + strings.Repeat("a", 2<<20) + `"}`, nil, 413, codeTooLarge},
		{"over-long password", `{"username":"jack","password":"` + strings.Repeat("a", 5000) + `"}`, nil, 400, codeInvalidInput},
		{"wrong content type", `username=jack&password=jack123`, []string{"Content-Type", "application/x-www-form-urlencoded"}, 415, codeMedia},
		{"bad system id", `{"username":"jack","password":"jack123","system":"../etc"}`, nil, 400, codeInvalidInput},
		{"empty captcha answer is no answer", `{"username":"jack","password":"x","captcha_id":"abc","captcha_answer":""}`, nil, 401, codeBadCredentials},
	}
	for _, tc := range cases {
		e := c.do("POST", "/api/auth/login", tc.body, tc.hdr...)
		expect(t, e, tc.status, tc.code, tc.name)
	}
	if c.cookie("gatehouse_session") != "" {
		t.Fatal("a refused login set a session cookie")
	}
}

// TestCrossSiteLoginRefused: a browser POST from another origin is refused (CSRF).
func TestCrossSiteLoginRefused(t *testing.T) {
	srv := startServer(t, backends[0], nil)
	c := srv.client("192.0.2.11", "x")
	e := c.do("POST", "/api/auth/login", map[string]string{"username": "jack", "password": "jack123"},
		"Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example")
	expect(t, e, 403, codeForbidden, "cross-site login")
	d := c.mustLogin("jack", "jack123", nil)
	_ = d
	e = c.do("POST", "/api/me/password", map[string]string{"old_password": "jack123", "new_password": "Evil-Passw0rd-1"},
		"Sec-Fetch-Site", "cross-site")
	expect(t, e, 403, codeForbidden, "cross-site password change")
}

// TestHostileTokens: forged, altered and expired access tokens.
func TestHostileTokens(t *testing.T) {
	srv := startServer(t, backends[0], nil)
	c := srv.client("192.0.2.12", "x")
	d := c.mustLogin("jack", "jack123", nil)
	good := d.Token.AccessToken
	parts := strings.Split(good, ".")
	var hdr, claims map[string]any
	json.Unmarshal(mustB64(t, parts[0]), &hdr)
	json.Unmarshal(mustB64(t, parts[1]), &claims)

	with := func(h, cl map[string]any, sig string) string { return b64(h) + "." + b64(cl) + "." + sig }
	clone := func(m map[string]any, k string, v any) map[string]any {
		n := map[string]any{}
		for kk, vv := range m {
			n[kk] = vv
		}
		if v == nil {
			delete(n, k)
		} else {
			n[k] = v
		}
		return n
	}
	jwks := c.do("GET", "/.well-known/jwks.json", nil)
	_ = jwks
	hsHeader := map[string]any{"alg": "HS256", "kid": hdr["kid"], "typ": "JWT"}
	hsBody := b64(hsHeader) + "." + parts[1]
	mac := hmac.New(sha256.New, []byte(publicKeyOf(t, srv)))
	mac.Write([]byte(hsBody))
	hsToken := hsBody + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
	now := time.Now().Unix()

	for name, tok := range map[string]string{
		"alg none":              with(clone(hdr, "alg", "none"), claims, ""),
		"HS256 with public key": hsToken,
		"unknown kid":           with(clone(hdr, "kid", "nope"), claims, parts[2]),
		"no kid":                with(clone(hdr, "kid", nil), claims, parts[2]),
		"wrong aud":             with(hdr, clone(claims, "aud", []string{"other"}), parts[2]),
		"expired":               with(hdr, clone(claims, "exp", now-3600), parts[2]),
		"future nbf":            with(hdr, clone(claims, "nbf", now+3600), parts[2]),
		"changed subject":       with(hdr, clone(claims, "sub", "someone-else"), parts[2]),
		"truncated":             good[:len(good)-10],
		"trailing garbage":      good + "x",
		"extra segment":         good + ".e30",
		"two segments":          parts[0] + "." + parts[1],
		"not base64":            "!!!.???.***",
		"empty":                 "",
	} {
		c2 := srv.client("192.0.2.12", "x")
		e := c2.do("GET", "/api/me", nil, "Authorization", "Bearer "+tok)
		if e.status != 401 || (e.Code != codeTokenInvalid && e.Code != 40106) {
			t.Errorf("%s: %d/%d %s", name, e.status, e.Code, e.Data)
		}
	}
	c2 := srv.client("192.0.2.12", "x")
	expect(t, c2.do("GET", "/api/me", nil, "Authorization", "Basic amFjazpqYWNrMTIz"), 401, codeTokenInvalid, "Basic instead of Bearer")
	expect(t, c2.do("GET", "/api/me", nil, "Authorization", "Bearer "+good), 200, 0, "the good token still works")
}

func mustB64(t *testing.T, s string) []byte {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// publicKeyOf returns the JWKS "x" of the signing key: what an attacker would use as an HMAC
// secret in the algorithm-confusion attack.
func publicKeyOf(t *testing.T, srv *server) string {
	t.Helper()
	resp, err := http.Get(srv.URL() + "/.well-known/jwks.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var set struct{ Keys []map[string]any }
	json.NewDecoder(resp.Body).Decode(&set)
	if len(set.Keys) == 0 {
		t.Fatal("empty JWKS")
	}
	x, _ := set.Keys[0]["x"].(string)
	return x
}

// TestHostileRefresh: a refresh token after logout, from another device, of another family.
func TestHostileRefresh(t *testing.T) {
	srv := startServer(t, backends[0], func(c *config.Config) { c.Tokens.RefreshInBody = true })
	a := srv.client("192.0.2.20", "Browser/A")
	da := a.mustLogin("jack", "jack123", nil)
	b := srv.client("192.0.2.21", "Browser/B")
	db := b.mustLogin("danny", "danny123", nil)

	other := srv.client("192.0.2.20", "Browser/Other")
	e := other.do("POST", "/api/auth/refresh", map[string]string{"refresh_token": da.Token.RefreshToken})
	expect(t, e, 401, codeTokenInvalid, "from another device")
	// ...and that changed nothing: the owner still refreshes.
	e = a.do("POST", "/api/auth/refresh", map[string]string{"refresh_token": da.Token.RefreshToken})
	expect(t, e, 200, 0, "owner after a foreign attempt")

	// A token made of one session's id and another family's secret.
	pa, pb := strings.Split(da.Token.RefreshToken, "."), strings.Split(db.Token.RefreshToken, ".")
	if len(pa) == 3 && len(pb) == 3 {
		for _, forged := range []string{pa[0] + "." + pb[1] + "." + pb[2], pa[0] + "." + pa[1] + "." + pb[2]} {
			expect(t, b.do("POST", "/api/auth/refresh", map[string]string{"refresh_token": forged}), 401, codeTokenInvalid, "mixed family")
		}
	}
	for _, junk := range []string{"x", "a.b.c", strings.Repeat("a", 600), "..", "\x00"} {
		e := b.do("POST", "/api/auth/refresh", map[string]string{"refresh_token": junk})
		if e.status != 401 {
			t.Errorf("junk refresh %q: %d", junk, e.status)
		}
	}
	expect(t, b.do("POST", "/api/auth/logout", nil), 200, 0, "logout")
	e = b.do("POST", "/api/auth/refresh", map[string]string{"refresh_token": db.Token.RefreshToken})
	expect(t, e, 401, codeTokenInvalid, "refresh after logout")
	expect(t, srv.client("192.0.2.30", "x").do("POST", "/api/auth/refresh", nil), 401, codeUnauth, "no token at all")
}

// TestForeignSessionCookie: a made-up or stolen-sid cookie is refused and cleared.
func TestForeignSessionCookie(t *testing.T) {
	srv := startServer(t, backends[0], nil)
	victim := srv.client("192.0.2.40", "x")
	d := victim.mustLogin("jack", "jack123", nil)
	for _, ck := range []string{d.Session.ID, d.Session.ID + ".forged", "garbage", strings.Repeat("z", 300)} {
		c := srv.client("192.0.2.41", "x")
		e := c.do("GET", "/api/me", nil, "Cookie", "gatehouse_session="+ck)
		expect(t, e, 401, codeSessionEnded, "cookie "+ck[:min(len(ck), 20)])
		if !strings.Contains(strings.Join(e.header.Values("Set-Cookie"), ";"), "Max-Age=0") {
			t.Errorf("the bad cookie was not cleared")
		}
	}
	expect(t, victim.do("GET", "/api/me", nil), 200, 0, "victim unaffected")
}

// TestCaptchaEdgeCases: expired, foreign, empty and replayed answers.
func TestCaptchaEdgeCases(t *testing.T) {
	srv := startServer(t, backends[0], func(c *config.Config) { c.Captcha.Policy = "always" })
	c := srv.client("192.0.2.50", "x")
	e, _ := c.login("jack", "jack123", nil)
	expect(t, e, 401, codeCaptchaNeeded, "policy always, no captcha")
	id, answer := c.captchaAnswer()
	e, _ = c.login("jack", "jack123", map[string]any{"captcha_id": id, "captcha_answer": ""})
	expect(t, e, 401, codeCaptchaNeeded, "empty answer")
	e, _ = c.login("jack", "jack123", map[string]any{"captcha_id": id, "captcha_answer": answer + "X"})
	expect(t, e, 401, codeCaptchaInvalid, "wrong answer")
	e, _ = c.login("jack", "jack123", map[string]any{"captcha_id": id, "captcha_answer": answer})
	expect(t, e, 401, codeCaptchaInvalid, "right answer after a wrong one: consumed")
	id, answer = c.captchaAnswer()
	c.mustLogin("jack", "jack123", map[string]any{"captcha_id": id, "captcha_answer": answer})
	e, _ = srv.client("192.0.2.51", "y").login("jack", "jack123", map[string]any{"captcha_id": id, "captcha_answer": answer})
	expect(t, e, 401, codeCaptchaInvalid, "replayed captcha")
}

// TestCaptchaRateLimit: images are expensive, so one address gets a bounded number per minute.
func TestCaptchaRateLimit(t *testing.T) {
	srv := startServer(t, backends[0], nil)
	c := srv.client("192.0.2.60", "x")
	for i := 0; i < 30; i++ {
		expect(t, c.do("GET", "/api/captcha", nil), 200, 0, "captcha within the limit")
	}
	e := c.do("GET", "/api/captcha", nil)
	expect(t, e, 429, codeTooMany, "captcha over the limit")
	if e.header.Get("Retry-After") != "60" {
		t.Errorf("Retry-After %q", e.header.Get("Retry-After"))
	}
	expect(t, srv.client("192.0.2.61", "x").do("GET", "/api/captcha", nil), 200, 0, "another address")
}

// TestTamperedDeviceCookie: a bad device cookie is replaced, never a reason to refuse sign-in.
func TestTamperedDeviceCookie(t *testing.T) {
	srv := startServer(t, backends[0], nil)
	c := srv.client("192.0.2.70", "x")
	e := c.do("POST", "/api/auth/login", map[string]string{"username": "jack", "password": "jack123"},
		"Cookie", "gatehouse_device=<script>alert(1)</script>")
	expect(t, e, 200, 0, "login with a tampered device cookie")
}
