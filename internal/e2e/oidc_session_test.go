package e2e

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/gatehouse/gatehouse/internal/testenv"
)

// wantSessionOver checks that everything the RP holds of an ended session is dead: the
// back-channel logout token arrived and verifies, the refresh grant fails, the access token
// is inactive and refused at userinfo.
func wantSessionOver(t *testing.T, e *oidcEnv, tok *oauth2.Token, sid string) {
	t.Helper()
	checkLogoutToken(t, e, e.waitLogout(), sid)
	stale := *tok
	stale.Expiry = time.Now().Add(-time.Hour)
	if _, err := e.conf.TokenSource(context.Background(), &stale).Token(); oauthErrorCode(err) != "invalid_grant" {
		t.Fatalf("refresh after the session ended: %v, want invalid_grant", err)
	}
	if e.introspect(tok.AccessToken) {
		t.Fatal("an access token of the ended session is active")
	}
	if e.userinfoStatus(tok.AccessToken) != http.StatusUnauthorized {
		t.Fatal("userinfo takes a token of the ended session")
	}
}

// TestOIDCEndsWithTheSession: signing out through /sso/logout, or ending the session from the
// account page on another device, ends the OpenID Connect sessions of that session.
func TestOIDCEndsWithTheSession(t *testing.T) {
	for _, b := range backends[:2] {
		t.Run(b.name, func(t *testing.T) {
			e := newOIDCEnv(t, b, nil)

			t.Run("sso logout", func(t *testing.T) {
				br := e.browser()
				br.signIn("olivia", oliviaPassword)
				sid := br.sessionID()
				tok, _, _ := signInRP(t, e, br)
				if status, _, body := br.open(e.base + "/sso/logout"); status != http.StatusOK {
					t.Fatalf("/sso/logout: %d %s", status, body)
				}
				wantSessionOver(t, e, tok, sid)
			})

			t.Run("account page", func(t *testing.T) {
				br := e.browser()
				br.signIn("olivia", oliviaPassword)
				sid := br.sessionID()
				tok, _, _ := signInRP(t, e, br)
				// The same user on another device ends that session from "my sessions".
				other := e.srv.client("192.0.2.7", "Account page")
				res := other.do("POST", "/api/auth/login", map[string]string{"username": "olivia", "password": oliviaPassword})
				var ld loginData
				res.decode(t, &ld)
				other.bearer = ld.Token.AccessToken
				if r := other.do("DELETE", "/api/me/sessions/"+sid, nil); r.Code != 0 {
					t.Fatalf("revoke my session: %d %s", r.Code, r.Msg)
				}
				wantSessionOver(t, e, tok, sid)
			})
		})
	}
}

// TestOIDCPromptAndMaxAge: a signed-out browser goes to the login page and comes back with a
// code; prompt=none answers login_required without a session; prompt=login and an exceeded
// max_age ask for a new sign-in even with a live session.
func TestOIDCPromptAndMaxAge(t *testing.T) {
	for _, b := range backends[:2] {
		t.Run(b.name, func(t *testing.T) {
			clock := testenv.NewClock(time.Now())
			e := newOIDCEnvClock(t, b, nil, clock)
			br := e.browser()
			auth := func(extra ...oauth2.AuthCodeOption) string {
				return e.conf.AuthCodeURL("st", append(extra, oauth2.S256ChallengeOption(oauth2.GenerateVerifier()))...)
			}
			// atLogin opens u and expects the login page, whose continue address it returns.
			atLogin := func(u string) string {
				t.Helper()
				status, loc, body := br.open(u)
				if status != http.StatusOK || loc.Path != "/login" || !strings.HasPrefix(loc.Query().Get("continue"), "/oidc/login?id=") {
					t.Fatalf("not at the login page: %d %v %.200s", status, loc, body)
				}
				return loc.Query().Get("continue")
			}

			q := br.authorize(auth(oauth2.SetAuthURLParam("prompt", "none")), e.redirect)
			if q.Get("error") != "login_required" || q.Get("state") != "st" || q.Get("code") != "" {
				t.Fatalf("prompt=none signed out: %v", q)
			}

			back := atLogin(auth())
			br.signIn("olivia", oliviaPassword)
			if q := br.authorize(e.base+back, e.redirect); q.Get("code") == "" {
				t.Fatalf("after sign-in: %v", q)
			}
			first := br.sessionID()

			// Signed in: prompt=none gives a code at once.
			if q := br.authorize(auth(oauth2.SetAuthURLParam("prompt", "none")), e.redirect); q.Get("code") == "" {
				t.Fatalf("prompt=none signed in: %v", q)
			}

			// prompt=login asks again; the new sign-in completes the request.
			clock.Add(2 * time.Second)
			back = atLogin(auth(oauth2.SetAuthURLParam("prompt", "login")))
			br.signIn("olivia", oliviaPassword)
			if br.sessionID() == first {
				t.Fatal("a new sign-in kept the session id")
			}
			q = br.authorize(e.base+back, e.redirect)
			if q.Get("code") == "" {
				t.Fatalf("after prompt=login: %v", q)
			}

			// max_age: within it, a code at once; past it, the login page (or login_required).
			clock.Add(5 * time.Minute)
			if q := br.authorize(auth(oauth2.SetAuthURLParam("max_age", "3600")), e.redirect); q.Get("code") == "" {
				t.Fatalf("within max_age: %v", q)
			}
			atLogin(auth(oauth2.SetAuthURLParam("max_age", "60")))
			q = br.authorize(auth(oauth2.SetAuthURLParam("max_age", "60"), oauth2.SetAuthURLParam("prompt", "none")), e.redirect)
			if q.Get("error") != "login_required" {
				t.Fatalf("prompt=none past max_age: %v", q)
			}
		})
	}
}

// TestOIDCAuthTime: the auth_time of an ID token is the session's sign-in.
func TestOIDCAuthTime(t *testing.T) {
	e := newOIDCEnv(t, backends[0], nil)
	br := e.browser()
	before := time.Now().Add(-time.Second)
	br.signIn("olivia", oliviaPassword)
	_, raw, _ := signInRP(t, e, br)
	idt, err := e.verifier("rp", "EdDSA").Verify(context.Background(), raw)
	if err != nil {
		t.Fatal(err)
	}
	var c struct {
		AuthTime int64    `json:"auth_time"`
		AMR      []string `json:"amr"`
		AZP      string   `json:"azp"`
	}
	_ = idt.Claims(&c)
	if time.Unix(c.AuthTime, 0).Before(before.Truncate(time.Second)) || time.Unix(c.AuthTime, 0).After(time.Now()) || c.AZP != "rp" {
		t.Fatalf("auth_time %d (signed in after %v), azp %q", c.AuthTime, before, c.AZP)
	}
}

// TestOIDCIDTokenHintAtAuthorize: an id_token_hint naming another user than the signed-in one
// does not pass silently: prompt=none answers login_required, else the login page.
func TestOIDCIDTokenHintAtAuthorize(t *testing.T) {
	e := newOIDCEnv(t, backends[0], nil)
	br := e.browser()
	br.signIn("olivia", oliviaPassword)
	_, hint, _ := signInRP(t, e, br)
	hintOpt := oauth2.SetAuthURLParam("id_token_hint", hint)
	none := oauth2.SetAuthURLParam("prompt", "none")
	pkce := oauth2.S256ChallengeOption(oauth2.GenerateVerifier())
	if q := br.authorize(e.conf.AuthCodeURL("s", hintOpt, none, pkce), e.redirect); q.Get("code") == "" {
		t.Fatalf("the hinted user's own session: %v", q)
	}
	other := e.browser()
	other.signIn("jack", "jack123")
	if q := other.authorize(e.conf.AuthCodeURL("s", hintOpt, none, pkce), e.redirect); q.Get("error") != "login_required" {
		t.Fatalf("another user's session with the hint: %v", q)
	}
	status, loc, _ := other.open(e.conf.AuthCodeURL("s", hintOpt, pkce))
	if status != http.StatusOK || loc.Path != "/login" {
		t.Fatalf("without prompt=none: %d %v", status, loc)
	}
}
