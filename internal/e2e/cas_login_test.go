package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/gatehouse/gatehouse/internal/domain"
)

// casEnv is a running center with a CAS service "casapp" in front of a page protected by the
// CAS client, on another host name (localhost, while the center is 127.0.0.1), so that the
// browser's cookies for the two never mix.
type casEnv struct {
	srv    *server
	client *casClient
	app    *httptest.Server
	appURL string // the registered service URL: http://localhost:<port>/
	jackID string
}

func newCASEnv(t *testing.T, b backend) *casEnv {
	t.Helper()
	srv := startServer(t, b, nil)
	e := &casEnv{srv: srv, client: newCASClient(srv.URL() + "/cas/")}
	e.app = httptest.NewServer(e.client.Handle(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a := casUser(r)
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"user": a.User, "new_login": a.IsNewLogin, "attributes": a.Attributes})
	})))
	t.Cleanup(e.app.Close)
	_, port, _ := net.SplitHostPort(e.app.Listener.Addr().String())
	e.appURL = "http://localhost:" + port + "/"
	ctx := context.Background()
	if _, err := srv.Identity.CreateSystem(ctx, cliActor, &domain.System{ID: "casapp", Name: "CAS app",
		RedirectURIs: []string{e.appURL}, LogoutURL: e.appURL, Protocols: []string{domain.ProtocolCAS}}); err != nil {
		t.Fatal(err)
	}
	if err := srv.Identity.CreateRole(ctx, cliActor, &domain.Role{SystemID: "casapp", Name: "READER",
		Permissions: []string{"casapp:doc:read", "casapp:doc:list"}}); err != nil {
		t.Fatal(err)
	}
	jack, err := srv.Identity.User(ctx, "jack")
	if err != nil {
		t.Fatal(err)
	}
	e.jackID = jack.ID
	if err := srv.Identity.GrantRole(ctx, cliActor, jack.ID, roleRef("casapp", "READER")); err != nil {
		t.Fatal(err)
	}
	return e
}

// casBrowser is a browser: one cookie jar, redirects followed.
type casBrowser struct {
	t    *testing.T
	http *http.Client
}

func newCASBrowser(t *testing.T) *casBrowser {
	jar, _ := cookiejar.New(nil)
	return &casBrowser{t: t, http: &http.Client{Jar: jar}}
}

// get follows redirects from u and returns the last response's URL, status and body.
func (b *casBrowser) get(u string) (*url.URL, int, []byte) {
	b.t.Helper()
	resp, err := b.http.Get(u)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.Request.URL, resp.StatusCode, body
}

// signIn posts the credentials to the center's sign-in API, as the login page's script does.
func (b *casBrowser) signIn(center, user, pw string) {
	b.t.Helper()
	j, _ := json.Marshal(map[string]string{"username": user, "password": pw})
	resp, err := b.http.Post(center+"/api/auth/login", "application/json", bytes.NewReader(j))
	if err != nil {
		b.t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b.t.Fatalf("sign-in of %s: %d %s", user, resp.StatusCode, body)
	}
}

// sessionID is the sid of the center's session cookie the browser holds, "" for none.
func (b *casBrowser) sessionID(center string) string {
	u, _ := url.Parse(center)
	for _, ck := range b.http.Jar.Cookies(u) {
		if ck.Name == "gatehouse_session" {
			sid, _, _ := strings.Cut(ck.Value, ".")
			return sid
		}
	}
	return ""
}

// signInThroughCAS opens the protected page, is sent to the center's login page, signs in
// there and goes on to the continue address, and returns the page's answer.
func (e *casEnv) signInThroughCAS(t *testing.T, b *casBrowser, user, pw string) casPage {
	t.Helper()
	at, _, _ := b.get(e.appURL)
	if at.Path != "/login" {
		t.Fatalf("the protected page led to %s, want the center's /login", at)
	}
	cont := at.Query().Get("continue")
	if !strings.HasPrefix(cont, "/cas/login?") || strings.Contains(cont, "renew") {
		t.Fatalf("continue = %q", cont)
	}
	if svc := mustURL(t, cont).Query().Get("service"); svc != e.appURL {
		t.Fatalf("the client asked for service %q, want %q", svc, e.appURL)
	}
	b.signIn(e.srv.URL(), user, pw)
	at, status, body := b.get(e.srv.URL() + cont)
	if status != http.StatusOK || at.Host != mustURL(t, e.appURL).Host {
		t.Fatalf("after sign-in: %d at %s: %s", status, at, body)
	}
	var p casPage
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatalf("protected page: %v: %s", err, body)
	}
	return p
}

type casPage struct {
	User       string              `json:"user"`
	NewLogin   bool                `json:"new_login"`
	Attributes map[string][]string `json:"attributes"`
}

// TestCASClientSignInAndLogout: the issue's "a CAS client completes login, validation with
// attributes and logout against /cas/", through the real App on every backend.
func TestCASClientSignInAndLogout(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		e := newCASEnv(t, b)
		br := newCASBrowser(t)
		p := e.signInThroughCAS(t, br, "jack", "jack123")
		if p.User != "jack" {
			t.Fatalf("cas user = %q", p.User)
		}
		want := map[string][]string{
			"username": {"jack"}, "displayName": {"Jack"}, "userId": {e.jackID},
			"roles": {"READER"}, "permissions": {"casapp:doc:list", "casapp:doc:read"},
			"longTermAuthenticationRequestTokenUsed": {"false"},
		}
		if !p.NewLogin {
			t.Error("isFromNewLogin is false right after the sign-in")
		}
		for k, v := range want {
			if !slices.Equal(p.Attributes[k], v) {
				t.Errorf("attribute %s = %q, want %q", k, p.Attributes[k], v)
			}
		}
		if len(p.Attributes["authenticationDate"]) != 1 {
			t.Errorf("authenticationDate = %q", p.Attributes["authenticationDate"])
		}

		// The session joined the system; a second visit is served from the local session.
		sid := br.sessionID(e.srv.URL())
		sess, err := e.srv.Auth.Sessions.Get(context.Background(), sid)
		if err != nil || !slices.Contains(sess.Systems, "casapp") {
			t.Fatalf("session %q: %v %v", sid, sess, err)
		}
		if at, status, _ := br.get(e.appURL + "?page=2"); status != http.StatusOK || at.Host != mustURL(t, e.appURL).Host {
			t.Fatalf("second visit: %d at %s", status, at)
		}

		// SSO: a new local session (the client's cookie gone) gets a ticket without a prompt.
		appU := mustURL(t, e.appURL)
		br.http.Jar.SetCookies(appU, []*http.Cookie{{Name: "_cas_session", Value: "x", MaxAge: -1, Path: "/"}})
		if at, status, _ := br.get(e.appURL); status != http.StatusOK || at.Host != appU.Host {
			t.Fatalf("SSO visit: %d at %s", status, at)
		}

		// Logout through the client's logout path: to /cas/logout, which ends the session.
		at, status, body := br.get(e.appURL + "logout")
		if status != http.StatusOK || at.Path != "/cas/logout" || !bytes.Contains(body, []byte("signed out")) {
			t.Fatalf("logout: %d at %s: %s", status, at, body)
		}
		if _, err := e.srv.Auth.Sessions.Get(context.Background(), sid); domain.ErrorCode(err) != domain.CodeSessionExpired {
			t.Fatalf("the center's session after logout: %v", err)
		}
		// Both local sessions of the browser were told (the SSO one by back-channel).
		for range 2 {
			if got := <-e.client.loggedOut; !strings.HasPrefix(got, "jack ST-") {
				t.Fatalf("logout request %q", got)
			}
		}
		if at, _, _ := br.get(e.appURL); at.Path != "/login" {
			t.Fatalf("after logout the page led to %s, want the login page", at)
		}
	})
}

// TestCASSingleLogoutFromCenter: a session ended at the center (not through the service)
// reaches the CAS service as a SAML LogoutRequest naming its ticket, and the service's local
// session is gone.
func TestCASSingleLogoutFromCenter(t *testing.T) {
	e := newCASEnv(t, backends[0])
	br := newCASBrowser(t)
	if p := e.signInThroughCAS(t, br, "jack", "jack123"); p.User != "jack" {
		t.Fatalf("cas user = %q", p.User)
	}
	e.client.mu.Lock()
	var ticket string
	for _, tk := range e.client.sessions {
		ticket = tk
	}
	e.client.mu.Unlock()
	sid := br.sessionID(e.srv.URL())
	if err := e.srv.Auth.Sessions.End(context.Background(), sid, "admin_revoke"); err != nil {
		t.Fatal(err)
	}
	if got, want := <-e.client.loggedOut, "jack "+ticket; got != want {
		t.Fatalf("logout request %q, want %q", got, want)
	}
	if at, _, _ := br.get(e.appURL); at.Path != "/login" {
		t.Fatalf("after single logout the page led to %s, want the login page", at)
	}
	// The record of the session's tickets went with it.
	if m, err := e.srv.KV.SetMembers(context.Background(), fmt.Sprintf("cas:{%s}", sid)); err != nil || len(m) != 0 {
		t.Fatalf("tickets of the ended session: %v %v", m, err)
	}
}
