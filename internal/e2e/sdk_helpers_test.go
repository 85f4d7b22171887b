package e2e

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/identity"
	"github.com/gatehouse/gatehouse/sdk/gatehouse"
)

// sdkSystem is a sub-system protected by the public SDK, served by httptest on 127.0.0.1 and
// addressed under the host name its base URL gives.
type sdkSystem struct {
	id      string
	base    string
	client  *gatehouse.Client
	http    *httptest.Server
	handler http.Handler

	mu      sync.Mutex
	logouts []string // logout tokens the back-channel receiver has acted on, in order
}

// startSDKSystem registers a system at the center (callback, "/" after sign-out, back-channel
// receiver; roles USER, EDITOR, ADMIN; danny is EDITOR) and serves it with the SDK. host is
// "127.0.0.1" or "localhost": two hosts that share no cookies.
func startSDKSystem(t *testing.T, srv *server, id, host string, cfg gatehouse.Config) *sdkSystem {
	t.Helper()
	ts := httptest.NewUnstartedServer(nil)
	_, port, _ := net.SplitHostPort(ts.Listener.Addr().String())
	s := &sdkSystem{id: id, base: "http://" + net.JoinHostPort(host, port), http: ts}
	ctx := context.Background()
	actor := identity.Actor{Via: "test"}
	secret, err := srv.Identity.CreateSystem(ctx, actor, &domain.System{ID: id, Name: id,
		RedirectURIs: []string{s.base + "/sso/callback", s.base + "/"}, LogoutURL: s.base + "/sso/backchannel-logout"})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []struct{ name, code string }{{"USER", id + ":article:read"}, {"EDITOR", id + ":article:*"}, {"ADMIN", id + ":*"}} {
		if err := srv.Identity.CreateRole(ctx, actor, &domain.Role{SystemID: id, Name: r.name, Permissions: []string{r.code}}); err != nil {
			t.Fatal(err)
		}
	}
	danny, err := srv.Identity.User(ctx, "danny")
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Identity.GrantRole(ctx, actor, danny.ID, identity.RoleRef{System: id, Role: "EDITOR"}); err != nil {
		t.Fatal(err)
	}
	cfg.CenterURL, cfg.SystemID, cfg.Secret, cfg.BaseURL = srv.URL(), id, secret, s.base
	cfg.Issuer = srv.Config.Issuer()
	if cfg.CookieSecret == nil {
		cfg.CookieSecret = []byte(strings.Repeat(id, 32))
	}
	if s.client, err = gatehouse.New(cfg); err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		u := gatehouse.UserFrom(r.Context())
		io.WriteString(w, "user="+u.Username+" roles="+strings.Join(u.Roles, ",")+" can-edit="+boolWord(u.Can(id+":article:edit")))
	})
	mux.Handle("/edit", gatehouse.RequirePermission(id+":article:edit")(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "edited")
	})))
	mux.Handle("/admin", gatehouse.RequireRole("ADMIN")(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "admin")
	})))
	h := s.client.Middleware(mux)
	s.handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(w, r)
		if r.URL.Path == "/sso/backchannel-logout" && r.Method == http.MethodPost {
			// Recorded once the receiver has acted on it (the form is parsed by then).
			s.mu.Lock()
			s.logouts = append(s.logouts, r.PostForm.Get("logout_token"))
			s.mu.Unlock()
		}
	})
	ts.Config.Handler = s.handler
	ts.Start()
	t.Cleanup(func() { s.http.Close() })
	return s
}

// stop takes the system off the network; restart brings it back on the same address with the
// same client and sessions.
func (s *sdkSystem) stop() { s.http.Close() }

func (s *sdkSystem) restart(t *testing.T) {
	t.Helper()
	ln, err := net.Listen("tcp", s.http.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	s.http = &httptest.Server{Listener: ln, Config: &http.Server{Handler: s.handler}}
	s.http.Start()
}

func boolWord(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// received returns the logout tokens the system's receiver got so far.
func (s *sdkSystem) received() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.logouts...)
}

// postLogoutToken posts a logout token to the system's receiver as the center does.
func (s *sdkSystem) postLogoutToken(t *testing.T, tok string) int {
	t.Helper()
	resp, err := http.PostForm(s.http.URL+"/sso/backchannel-logout", url.Values{"logout_token": {tok}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// hostJars keeps one cookie jar per host name, as a browser keeps cookies apart by host (and
// not by port).
type hostJars struct {
	mu   sync.Mutex
	jars map[string]*cookiejar.Jar
}

func (h *hostJars) jar(u *url.URL) *cookiejar.Jar {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.jars == nil {
		h.jars = map[string]*cookiejar.Jar{}
	}
	j := h.jars[u.Hostname()]
	if j == nil {
		j, _ = cookiejar.New(nil)
		h.jars[u.Hostname()] = j
	}
	return j
}

func (h *hostJars) SetCookies(u *url.URL, cookies []*http.Cookie) { h.jar(u).SetCookies(u, cookies) }
func (h *hostJars) Cookies(u *url.URL) []*http.Cookie             { return h.jar(u).Cookies(u) }

// sdkBrowser follows redirects as a browser does and records every address it visited.
type sdkBrowser struct {
	t       *testing.T
	http    *http.Client
	visited []*url.URL
}

func newSDKBrowser(t *testing.T) *sdkBrowser {
	b := &sdkBrowser{t: t}
	b.http = &http.Client{Jar: &hostJars{}, CheckRedirect: func(req *http.Request, via []*http.Request) error {
		b.visited = append(b.visited, req.URL)
		return nil
	}}
	return b
}

// get opens rawURL, following redirects, and returns the last address, status and body.
func (b *sdkBrowser) get(rawURL string) (*url.URL, int, string) {
	b.t.Helper()
	b.visited = nil
	req, _ := http.NewRequest("GET", rawURL, nil)
	req.Header.Set("Accept", "text/html")
	resp, err := b.http.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.Request.URL, resp.StatusCode, string(body)
}

// getNoFollow opens rawURL without following a redirect.
func (b *sdkBrowser) getNoFollow(rawURL string) *http.Response {
	b.t.Helper()
	c := *b.http
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	req, _ := http.NewRequest("GET", rawURL, nil)
	req.Header.Set("Accept", "text/html")
	resp, err := c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

// visitedPath reports whether a page of the given host and path was on the last way.
func (b *sdkBrowser) visitedPath(host, path string) bool {
	for _, u := range b.visited {
		if u.Host == host && u.Path == path {
			return true
		}
	}
	return false
}
