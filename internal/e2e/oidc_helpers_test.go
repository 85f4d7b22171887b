package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/gatehouse/gatehouse/internal/config"
	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/identity"
	"github.com/gatehouse/gatehouse/internal/testenv"
)

// oidcEnv is a running center with an OpenID Connect relying party "rp" (a confidential
// client with roles) whose back-channel logout endpoint records what it receives.
type oidcEnv struct {
	t        *testing.T
	srv      *server
	base     string // the issuer
	rp       *httptest.Server
	redirect string // the registered redirect URI
	after    string // the registered post-logout redirect URI
	secret   string
	provider *gooidc.Provider
	conf     oauth2.Config
	userID   string // olivia, who holds the role EDITOR in rp

	mu      sync.Mutex
	logouts []string // logout tokens received, in order
	arrived chan struct{}
}

const oliviaPassword = "Blue-Heron-Passw0rd-26"

// freeAddr returns a loopback address with a port that was free a moment ago: the issuer
// must name the real port, so the center cannot listen on :0.
func freeAddr(t testing.TB) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func newOIDCEnv(t *testing.T, b backend, tweak func(*config.Config)) *oidcEnv {
	return newOIDCEnvClock(t, b, tweak, nil)
}

// newOIDCEnvClock is newOIDCEnv with the center on clock (nil: the real one).
func newOIDCEnvClock(t *testing.T, b backend, tweak func(*config.Config), clock *testenv.Clock) *oidcEnv {
	t.Helper()
	addr := freeAddr(t)
	tw := func(c *config.Config) {
		c.Addr = addr
		if tweak != nil {
			tweak(c)
		}
	}
	var srv *server
	if clock == nil {
		srv = startServer(t, b, tw)
	} else {
		srv = startServerClock(t, b, tw, clock)
	}
	e := &oidcEnv{t: t, srv: srv, base: srv.URL(), arrived: make(chan struct{}, 16)}
	e.rp = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/backchannel" && r.Method == http.MethodPost {
			e.mu.Lock()
			e.logouts = append(e.logouts, r.PostFormValue("logout_token"))
			e.mu.Unlock()
			e.arrived <- struct{}{}
			w.WriteHeader(http.StatusOK)
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(e.rp.Close)
	e.redirect, e.after = e.rp.URL+"/callback", e.rp.URL+"/signed-out"
	e.secret = e.addClient(t, &domain.System{ID: "rp", Name: "Relying party",
		RedirectURIs: []string{e.redirect}, LogoutURL: e.rp.URL + "/backchannel",
		Protocols: []string{domain.ProtocolOIDC},
		OIDC:      domain.OIDCClient{PostLogoutRedirectURIs: []string{e.after}}})
	ctx := context.Background()
	if err := srv.Identity.CreateRole(ctx, cliActor, &domain.Role{SystemID: "rp", Name: "EDITOR",
		Permissions: []string{"rp:article:*", "rp:comment:read"}}); err != nil {
		t.Fatal(err)
	}
	olivia, err := srv.Identity.CreateUser(ctx, cliActor, identity.NewUser{Username: "olivia", DisplayName: "Olivia Oidc",
		Email: "olivia@example.com", Password: oliviaPassword, Roles: []identity.RoleRef{roleRef("rp", "EDITOR")}})
	if err != nil {
		t.Fatal(err)
	}
	e.userID = olivia.ID
	e.provider, err = gooidc.NewProvider(ctx, e.base)
	if err != nil {
		t.Fatal(err)
	}
	e.conf = oauth2.Config{ClientID: "rp", ClientSecret: e.secret, Endpoint: e.provider.Endpoint(),
		RedirectURL: e.redirect, Scopes: []string{gooidc.ScopeOpenID, "profile", "email", gooidc.ScopeOfflineAccess, "roles"}}
	return e
}

// startServerClock starts a server whose services read clock.
func startServerClock(t *testing.T, b backend, tweak func(*config.Config), clock *testenv.Clock) *server {
	t.Helper()
	return startServerWith(t, func(cfg *config.Config) { b.setup(t, cfg) }, tweak, clock.Now)
}

// addClient registers a system and returns its secret.
func (e *oidcEnv) addClient(t *testing.T, sys *domain.System) string {
	t.Helper()
	secret, err := e.srv.Identity.CreateSystem(context.Background(), cliActor, sys)
	if err != nil {
		t.Fatal(err)
	}
	return secret
}

// verifier checks ID tokens of client id signed with alg.
func (e *oidcEnv) verifier(clientID, alg string) *gooidc.IDTokenVerifier {
	return e.provider.Verifier(&gooidc.Config{ClientID: clientID, SupportedSigningAlgs: []string{alg}})
}

// oidcBrowser is a browser: one cookie jar; it follows redirects on the center and stops at
// the first redirect that leaves it.
type oidcBrowser struct {
	t      *testing.T
	center string
	http   *http.Client
}

func (e *oidcEnv) browser() *oidcBrowser {
	jar, _ := cookiejar.New(nil)
	b := &oidcBrowser{t: e.t, center: e.base}
	b.http = &http.Client{Jar: jar, CheckRedirect: func(req *http.Request, via []*http.Request) error {
		if !strings.HasPrefix(req.URL.String(), b.center) {
			return http.ErrUseLastResponse
		}
		return nil
	}}
	return b
}

// signIn posts the credentials to the sign-in API, as the login page does.
func (b *oidcBrowser) signIn(user, pw string) {
	b.t.Helper()
	j, _ := json.Marshal(map[string]string{"username": user, "password": pw})
	resp, err := b.http.Post(b.center+"/api/auth/login", "application/json", bytes.NewReader(j))
	if err != nil {
		b.t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b.t.Fatalf("sign-in of %s: %d %s", user, resp.StatusCode, body)
	}
}

// sessionID is the sid of the center's session cookie, "" for none.
func (b *oidcBrowser) sessionID() string {
	u, _ := url.Parse(b.center)
	for _, ck := range b.http.Jar.Cookies(u) {
		if ck.Name == "gatehouse_session" {
			sid, _, _ := strings.Cut(ck.Value, ".")
			return sid
		}
	}
	return ""
}

// open follows u through the center and returns the last answer: its status, where it
// points (Location) and its body.
func (b *oidcBrowser) open(u string) (int, *url.URL, string) {
	b.t.Helper()
	resp, err := b.http.Get(u)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var loc *url.URL
	if l := resp.Header.Get("Location"); l != "" {
		loc, _ = resp.Request.URL.Parse(l)
	} else {
		loc = resp.Request.URL
	}
	return resp.StatusCode, loc, string(body)
}

// authorize runs the authorization request u in the browser and returns the query the
// client's redirect URI received (code and state, or error).
func (b *oidcBrowser) authorize(u, redirect string) url.Values {
	b.t.Helper()
	status, loc, body := b.open(u)
	if status != http.StatusFound || !strings.HasPrefix(loc.String(), redirect) {
		b.t.Fatalf("authorization ended at %d %v, not at %s: %s", status, loc, redirect, body)
	}
	return loc.Query()
}

// waitLogout waits for the next back-channel logout token.
func (e *oidcEnv) waitLogout() string {
	e.t.Helper()
	select {
	case <-e.arrived:
	case <-time.After(30 * time.Second): // a hang guard, not a timing assertion
		e.t.Fatal("no back-channel logout arrived")
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.logouts[len(e.logouts)-1]
}

// form posts a form to a center path with the client's credentials (HTTP Basic) and decodes
// the JSON answer.
func (e *oidcEnv) form(path, user, pass string, v url.Values) (int, map[string]any) {
	e.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, e.base+path, strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if user != "" {
		req.SetBasicAuth(url.QueryEscape(user), url.QueryEscape(pass))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var m map[string]any
	_ = json.Unmarshal(raw, &m)
	return resp.StatusCode, m
}

// introspect asks whether token is active, as client rp.
func (e *oidcEnv) introspect(token string) bool {
	e.t.Helper()
	status, m := e.form("/oidc/introspect", "rp", e.secret, url.Values{"token": {token}})
	if status != http.StatusOK {
		e.t.Fatalf("introspection: %d %v", status, m)
	}
	return m["active"] == true
}

// userinfoStatus is the status of GET /oidc/userinfo with the access token.
func (e *oidcEnv) userinfoStatus(access string) int {
	e.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, e.base+"/oidc/userinfo", nil)
	req.Header.Set("Authorization", "Bearer "+access)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// oauthErrorCode is the "error" of an oauth2 failure, "" when err is not one.
func oauthErrorCode(err error) string {
	if re, ok := err.(*oauth2.RetrieveError); ok {
		return re.ErrorCode
	}
	return ""
}
