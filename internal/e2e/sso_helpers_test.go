package e2e

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/gatehouse/gatehouse/internal/domain"
)

// Two sub-systems on different hosts (and a CAS-only one). Nothing listens on their ports: the
// tests read the Location headers the center answers.
const (
	ssoRedirectA = "http://127.0.0.1:18081/cb"
	ssoAltA      = "https://a.example.com/cb"
	ssoRedirectB = "http://localhost:18082/cb?app=b" // its own query must survive the ticket
	ssoRedirectG = "http://127.0.0.1:18083/cb"
)

// ssoEnv is a server with the systems alpha (A), beta (B) and gamma (CAS only) and jack granted
// the role READER in alpha.
type ssoEnv struct {
	srv              *server
	secretA, secretB string
	secretG          string
	jackID           string
}

func newSSOEnv(t *testing.T, srv *server) *ssoEnv {
	t.Helper()
	ctx := context.Background()
	e := &ssoEnv{srv: srv}
	var err error
	mk := func(id string, uris []string, protocols []string) string {
		s, err := srv.Identity.CreateSystem(ctx, cliActor, &domain.System{ID: id, Name: id, RedirectURIs: uris, Protocols: protocols})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	e.secretA = mk("alpha", []string{ssoRedirectA, ssoAltA}, nil)
	e.secretB = mk("beta", []string{ssoRedirectB}, []string{"sso"})
	e.secretG = mk("gamma", []string{ssoRedirectG}, []string{"cas"})
	if err = srv.Identity.CreateRole(ctx, cliActor, &domain.Role{SystemID: "alpha", Name: "READER", Permissions: []string{"alpha:doc:read"}}); err != nil {
		t.Fatal(err)
	}
	u, err := srv.Identity.User(ctx, "jack")
	if err != nil {
		t.Fatal(err)
	}
	e.jackID = u.ID
	if err := srv.Identity.GrantRole(ctx, cliActor, u.ID, roleRef("alpha", "READER")); err != nil {
		t.Fatal(err)
	}
	return e
}

// browser is a client that does not follow redirects, so tests see each Location.
func (e *ssoEnv) browser(ip string) *client {
	c := e.srv.client(ip, "Browser/1")
	c.http.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return c
}

// page is a raw answer: status, headers, body.
type page struct {
	status int
	header http.Header
	body   string
}

func (p page) location() string { return p.header.Get("Location") }

// get fetches a path (or an absolute URL on the server) without following redirects.
func (c *client) raw(method, path string, hdr ...string) page {
	c.t.Helper()
	target := path
	if strings.HasPrefix(path, "/") {
		target = c.srv.URL() + path
	}
	req, err := http.NewRequest(method, target, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("User-Agent", c.ua)
	if c.ip != "" {
		req.Header.Set("X-Forwarded-For", c.ip)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return page{status: resp.StatusCode, header: resp.Header, body: string(b)}
}

func ssoLoginPath(system, redirect, state string, extra ...string) string {
	q := url.Values{"system": {system}, "redirect_uri": {redirect}}
	if state != "" {
		q.Set("state", state)
	}
	for i := 0; i+1 < len(extra); i += 2 {
		q.Set(extra[i], extra[i+1])
	}
	return "/sso/login?" + q.Encode()
}

// ticketFor runs /sso/login for a signed-in browser and returns the ticket of the redirect.
func ticketFor(t *testing.T, b *client, system, redirect string, extra ...string) string {
	t.Helper()
	p := b.raw("GET", ssoLoginPath(system, redirect, "st-1", extra...))
	if p.status != http.StatusFound {
		t.Fatalf("/sso/login %s: %d %s", system, p.status, p.body)
	}
	loc, err := url.Parse(p.location())
	if err != nil {
		t.Fatal(err)
	}
	q := loc.Query()
	if q.Get("ticket") == "" || q.Get("state") != "st-1" {
		t.Fatalf("/sso/login %s: Location %s", system, p.location())
	}
	return q.Get("ticket")
}

// systemClient is a sub-system's server: HTTP Basic with its id and secret.
func (e *ssoEnv) systemClient(id, secret string) *systemAPI {
	return &systemAPI{c: e.srv.client("198.51.100.9", "subsystem/1"), basic: "Basic " + base64.StdEncoding.EncodeToString([]byte(id+":"+secret))}
}

type systemAPI struct {
	c     *client
	basic string
}

func (s *systemAPI) do(method, path string, body any, hdr ...string) envelope {
	s.c.t.Helper()
	return s.c.do(method, path, body, append([]string{"Authorization", s.basic}, hdr...)...)
}

type validateData struct {
	User struct {
		ID          string `json:"id"`
		Username    string `json:"username"`
		DisplayName string `json:"display_name"`
		Email       string `json:"email"`
		Status      string `json:"status"`
	} `json:"user"`
	System           string   `json:"system"`
	Roles            []string `json:"roles"`
	Permissions      []string `json:"permissions"`
	SID              string   `json:"sid"`
	SessionExpiresAt string   `json:"session_expires_at"`
	AccessToken      string   `json:"access_token"`
	TokenType        string   `json:"token_type"`
	ExpiresIn        int      `json:"expires_in"`
	RefreshToken     string   `json:"refresh_token"`
}

func (s *systemAPI) validate(ticket, redirect string, extra ...string) envelope {
	s.c.t.Helper()
	body := map[string]string{"ticket": ticket, "redirect_uri": redirect}
	for i := 0; i+1 < len(extra); i += 2 {
		body[extra[i]] = extra[i+1]
	}
	return s.do("POST", "/sso/validate", body)
}

func (s *systemAPI) mustValidate(ticket, redirect string, extra ...string) validateData {
	s.c.t.Helper()
	e := s.validate(ticket, redirect, extra...)
	expect(s.c.t, e, 200, 0, "validate")
	var d validateData
	e.decode(s.c.t, &d)
	return d
}

// audienceOf reads the aud claim of a JWT (no verification: the test only looks).
func audienceOf(t *testing.T, jwt string) []string {
	t.Helper()
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %q", jwt)
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var c struct {
		Aud []string `json:"aud"`
	}
	if err := json.Unmarshal(raw, &c); err != nil {
		t.Fatal(err)
	}
	return c.Aud
}
