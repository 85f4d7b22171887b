package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/identity"
	"github.com/gatehouse/gatehouse/internal/sso"
)

const (
	casApp      = "https://cas.example.com/app"
	casAppQuery = "https://cas.example.com/app?tenant=a"
	casOther    = "https://other.example.com/cas"
	casSSOOnly  = "https://sso.example.com/cb"
)

// newCASBadEnv adds, before the first CAS request, a CAS system with two URIs, another CAS
// system, and a system allowed only the SSO face; and returns a browser signed in as jack.
func newCASBadEnv(t *testing.T) (*casEnv, *casBrowser) {
	t.Helper()
	e := newCASEnv(t, backends[0])
	ctx := context.Background()
	for _, s := range []*domain.System{
		{ID: "casx", Name: "CAS x", RedirectURIs: []string{casApp, casAppQuery}},
		{ID: "casother", Name: "CAS other", RedirectURIs: []string{casOther}, Protocols: []string{domain.ProtocolCAS}},
		{ID: "ssoonly", Name: "SSO only", RedirectURIs: []string{casSSOOnly}, Protocols: []string{domain.ProtocolSSO}},
	} {
		if _, err := e.srv.Identity.CreateSystem(ctx, cliActor, s); err != nil {
			t.Fatal(err)
		}
	}
	br := newCASBrowser(t)
	br.signIn(e.srv.URL(), "jack", "jack123")
	return e, br
}

// noFollow sends a GET with the browser's cookies and does not follow a redirect.
func (b *casBrowser) noFollow(u string) *http.Response {
	b.t.Helper()
	c := &http.Client{Jar: b.http.Jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(u)
	if err != nil {
		b.t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

// ticketFor signs in to service through /cas/login and returns the ticket it was sent.
func (e *casEnv) ticketFor(t *testing.T, b *casBrowser, service string) string {
	t.Helper()
	resp := b.noFollow(e.srv.URL() + "/cas/login?" + url.Values{"service": {service}}.Encode())
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusFound || !strings.HasPrefix(loc, service) {
		t.Fatalf("/cas/login for %s: %d %q", service, resp.StatusCode, loc)
	}
	tk := mustURL(t, loc).Query().Get("ticket")
	if !strings.HasPrefix(tk, "ST-") {
		t.Fatalf("ticket %q", tk)
	}
	return tk
}

// casAnswer is a service response read strictly.
type casAnswer struct {
	Code, Message, User string
	Attributes          map[string][]string
	Raw                 []byte
}

// validate asks path (serviceValidate, p3/serviceValidate) with the given query and reads the
// XML answer, which must be well-formed.
func (e *casEnv) validate(t *testing.T, path string, q url.Values) casAnswer {
	t.Helper()
	resp, err := http.Get(e.srv.URL() + "/cas/" + path + "?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/xml") {
		t.Fatalf("%s: %d %q", path, resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	wellFormed(t, raw)
	var x struct {
		XMLName xml.Name `xml:"http://www.yale.edu/tp/cas serviceResponse"`
		Failure *struct {
			Code    string `xml:"code,attr"`
			Message string `xml:",chardata"`
		} `xml:"http://www.yale.edu/tp/cas authenticationFailure"`
		Success *struct {
			User  string `xml:"http://www.yale.edu/tp/cas user"`
			Attrs struct {
				Any []struct {
					XMLName xml.Name
					Value   string `xml:",chardata"`
				} `xml:",any"`
			} `xml:"http://www.yale.edu/tp/cas attributes"`
		} `xml:"http://www.yale.edu/tp/cas authenticationSuccess"`
	}
	if err := xml.Unmarshal(raw, &x); err != nil {
		t.Fatalf("%v: %s", err, raw)
	}
	a := casAnswer{Raw: raw, Attributes: map[string][]string{}}
	switch {
	case x.Failure != nil && x.Success == nil:
		a.Code, a.Message = x.Failure.Code, x.Failure.Message
	case x.Success != nil && x.Failure == nil:
		a.User = x.Success.User
		for _, at := range x.Success.Attrs.Any {
			if at.XMLName.Space != "http://www.yale.edu/tp/cas" {
				t.Fatalf("attribute %v outside the CAS namespace", at.XMLName)
			}
			a.Attributes[at.XMLName.Local] = append(a.Attributes[at.XMLName.Local], at.Value)
		}
	default:
		t.Fatalf("neither one success nor one failure: %s", raw)
	}
	return a
}

// wellFormed reads every token of an XML document strictly.
func wellFormed(t *testing.T, raw []byte) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(raw))
	d.Strict = true
	for {
		_, err := d.Token()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, raw)
		}
	}
}

func sv(service, ticket string, kv ...string) url.Values {
	q := url.Values{}
	if service != "" {
		q.Set("service", service)
	}
	if ticket != "" {
		q.Set("ticket", ticket)
	}
	for i := 0; i+1 < len(kv); i += 2 {
		q.Add(kv[i], kv[i+1])
	}
	return q
}

func TestCASLoginRefusesUnregisteredServices(t *testing.T) {
	e, br := newCASBadEnv(t)
	for _, svc := range []string{
		"",
		"https://cas.example.com@evil.test/app",
		"https://evil.test@cas.example.com/app",
		"https://cas.example.com.evil.test/app",
		"https://evil.test/app",
		"//evil.test/app",
		`https:\\evil.test\app`,
		`https://cas.example.com\@evil.test/app`,
		`https://cas.example.com/app\`,
		"https://cas.example.com:8443/app",
		"http://cas.example.com/app",
		"https://cas.example.com/app/",
		"https://cas.example.com/APP",
		"https://cas.example.com/%2e%2e/app",
		"https://cas.example.com/x/../app",
		"https://cas.example.com/%61pp",
		"https://cas%2eexample.com/app",
		"https://cas.example.com/app?x=1",
		"https://cas.example.com/app?tenant=b",
		"https://cas.example.com/app#x",
		"https://cas.example.com/app\t",
		"javascript:alert(1)//https://cas.example.com/app",
		casSSOOnly, // registered, but not for CAS
	} {
		resp := br.noFollow(e.srv.URL() + "/cas/login?" + url.Values{"service": {svc}}.Encode())
		if resp.StatusCode != http.StatusBadRequest || resp.Header.Get("Location") != "" ||
			!strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
			t.Errorf("service %q: %d, Location %q, %q", svc, resp.StatusCode, resp.Header.Get("Location"), resp.Header.Get("Content-Type"))
		}
	}
	// Twice the service: refused, even when both are registered.
	resp := br.noFollow(e.srv.URL() + "/cas/login?service=" + url.QueryEscape(casApp) + "&service=" + url.QueryEscape(casOther))
	if resp.StatusCode != http.StatusBadRequest || resp.Header.Get("Location") != "" {
		t.Errorf("two services: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	// The registered ones: a ticket appended to the service's own query.
	if tk := e.ticketFor(t, br, casAppQuery); tk == "" {
		t.Fatal("no ticket")
	}
	loc := br.noFollow(e.srv.URL() + "/cas/login?service=" + url.QueryEscape(casAppQuery)).Header.Get("Location")
	if !strings.HasPrefix(loc, casAppQuery+"&ticket=ST-") {
		t.Errorf("Location %q", loc)
	}
}

func TestCASLoginRedirects(t *testing.T) {
	e, br := newCASBadEnv(t)
	anon := newCASBrowser(t)
	svc := url.QueryEscape(casApp)
	// No session: to the login page, coming back without renew.
	loc := anon.noFollow(e.srv.URL() + "/cas/login?renew=true&service=" + svc).Header.Get("Location")
	u := mustURL(t, loc)
	if u.Path != "/login" || u.Query().Get("continue") != "/cas/login?service="+svc {
		t.Fatalf("Location %q", loc)
	}
	// gateway=true and no session: back to the service without a ticket.
	resp := anon.noFollow(e.srv.URL() + "/cas/login?gateway=true&service=" + svc)
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != casApp {
		t.Fatalf("gateway: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	// renew=true with a session: to the login page all the same, no ticket.
	loc = br.noFollow(e.srv.URL() + "/cas/login?renew=true&gateway=true&service=" + svc).Header.Get("Location")
	if u := mustURL(t, loc); u.Path != "/login" {
		t.Fatalf("renew: Location %q", loc)
	}
	// gateway=true with a session: a ticket.
	if loc := br.noFollow(e.srv.URL() + "/cas/login?gateway=true&service=" + svc).Header.Get("Location"); !strings.HasPrefix(loc, casApp+"?ticket=ST-") {
		t.Fatalf("gateway with a session: %q", loc)
	}
	// Logout returns to a registered CAS service only.
	if loc := anon.noFollow(e.srv.URL() + "/cas/logout?service=" + svc).Header.Get("Location"); loc != casApp {
		t.Errorf("logout to a CAS service: %q", loc)
	}
	for _, bad := range []string{"https://evil.test/", casSSOOnly} {
		resp := anon.noFollow(e.srv.URL() + "/cas/logout?service=" + url.QueryEscape(bad))
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Location") != "" {
			t.Errorf("logout to %s: %d %q", bad, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
}

func TestCASValidationFailures(t *testing.T) {
	e, br := newCASBadEnv(t)
	expectCode := func(a casAnswer, code, what string) {
		t.Helper()
		if a.Code != code {
			t.Errorf("%s: code %q (%s), want %s", what, a.Code, a.Message, code)
		}
	}
	// Replay: the first validation succeeds, the second does not.
	tk := e.ticketFor(t, br, casApp)
	if a := e.validate(t, "p3/serviceValidate", sv(casApp, tk)); a.User != "jack" {
		t.Fatalf("first validation: %s", a.Raw)
	}
	a := e.validate(t, "p3/serviceValidate", sv(casApp, tk))
	expectCode(a, "INVALID_TICKET", "replay")
	if !strings.Contains(a.Message, tk) {
		t.Errorf("the message does not name the ticket: %q", a.Message)
	}
	// A ticket redeemed for another service (another system, or another URI of its own
	// system) fails, and is used up.
	for _, other := range []string{casOther, casAppQuery} {
		tk = e.ticketFor(t, br, casApp)
		expectCode(e.validate(t, "serviceValidate", sv(other, tk)), "INVALID_SERVICE", "redeemed for "+other)
		expectCode(e.validate(t, "serviceValidate", sv(casApp, tk)), "INVALID_TICKET", "after a redemption for "+other)
	}
	// A service not registered for CAS: INVALID_SERVICE, and the ticket is used up.
	for _, bad := range []string{"https://evil.test/", casSSOOnly, "https://cas.example.com@evil.test/app"} {
		tk = e.ticketFor(t, br, casApp)
		expectCode(e.validate(t, "serviceValidate", sv(bad, tk)), "INVALID_SERVICE", "service "+bad)
		expectCode(e.validate(t, "serviceValidate", sv(casApp, tk)), "INVALID_TICKET", "after service "+bad)
	}
	// Missing or repeated parameters: INVALID_REQUEST, and a ticket given is used up.
	tk = e.ticketFor(t, br, casApp)
	expectCode(e.validate(t, "serviceValidate", sv("", tk)), "INVALID_REQUEST", "no service")
	expectCode(e.validate(t, "serviceValidate", sv(casApp, tk)), "INVALID_TICKET", "after no service")
	expectCode(e.validate(t, "serviceValidate", sv(casApp, "")), "INVALID_REQUEST", "no ticket")
	expectCode(e.validate(t, "serviceValidate", url.Values{}), "INVALID_REQUEST", "nothing")
	tk = e.ticketFor(t, br, casApp)
	expectCode(e.validate(t, "serviceValidate", sv(casApp, tk, "ticket", tk)), "INVALID_REQUEST", "two tickets")
	// Unknown, malformed and hostile tickets.
	for _, bad := range []string{"ST-" + strings.Repeat("A", 27), "ST-", "PGT-x", `ST-<x a="b">&]]>`, "ST-\x01\xff"} {
		a := e.validate(t, "serviceValidate", sv(casApp, bad))
		expectCode(a, "INVALID_TICKET", "ticket "+bad)
		if strings.HasPrefix(bad, "ST-<") && !strings.Contains(a.Message, bad) {
			t.Errorf("the hostile ticket is not quoted intact: %q", a.Message)
		}
	}
	// A ticket of the SSO face is not a CAS ticket.
	sess, err := e.srv.Auth.Sessions.Get(context.Background(), br.sessionID(e.srv.URL()))
	if err != nil {
		t.Fatal(err)
	}
	engine := &sso.Service{KV: e.srv.KV, Systems: e.srv.SQL, Users: e.srv.SQL, Sessions: e.srv.Auth.Sessions,
		Authz: e.srv.Auth.Authz, Access: e.srv.Auth.Access, Refresh: e.srv.Auth.Refresh}
	sys, err := e.srv.SQL.SystemByID(context.Background(), "casx")
	if err != nil {
		t.Fatal(err)
	}
	ssoTicket, err := engine.Issue(context.Background(), sso.IssueRequest{Kind: sso.KindSSO, System: sys, RedirectURI: casApp, Session: sess})
	if err != nil {
		t.Fatal(err)
	}
	expectCode(e.validate(t, "serviceValidate", sv(casApp, ssoTicket)), "INVALID_TICKET", "an SSO ticket")
	expectCode(e.validate(t, "serviceValidate", sv(casApp, "ST-"+ssoTicket)), "INVALID_TICKET", "an SSO ticket with ST-")

	// CAS 1.0.
	tk = e.ticketFor(t, br, casApp)
	if body := casGet(t, e.srv.URL()+"/cas/validate?"+sv(casApp, tk).Encode()); body != "yes\njack\n" {
		t.Errorf("CAS 1.0 success: %q", body)
	}
	if body := casGet(t, e.srv.URL()+"/cas/validate?"+sv(casApp, tk).Encode()); body != "no\n\n" {
		t.Errorf("CAS 1.0 replay: %q", body)
	}

	// JSON.
	tk = e.ticketFor(t, br, casApp)
	var ok struct {
		ServiceResponse struct {
			Success struct {
				User       string         `json:"user"`
				Attributes map[string]any `json:"attributes"`
			} `json:"authenticationSuccess"`
		} `json:"serviceResponse"`
	}
	if err := json.Unmarshal([]byte(casGet(t, e.srv.URL()+"/cas/p3/serviceValidate?"+sv(casApp, tk, "format", "JSON").Encode())), &ok); err != nil {
		t.Fatal(err)
	}
	if s := ok.ServiceResponse.Success; s.User != "jack" || s.Attributes["displayName"] != "Jack" || len(s.Attributes["roles"].([]any)) != 0 {
		t.Errorf("JSON success: %+v", s)
	}
	var bad struct {
		ServiceResponse struct {
			Failure struct{ Code, Description string } `json:"authenticationFailure"`
		} `json:"serviceResponse"`
	}
	if err := json.Unmarshal([]byte(casGet(t, e.srv.URL()+"/cas/p3/serviceValidate?"+sv(casApp, tk, "format", "JSON").Encode())), &bad); err != nil {
		t.Fatal(err)
	}
	if f := bad.ServiceResponse.Failure; f.Code != "INVALID_TICKET" || !strings.Contains(f.Description, tk) {
		t.Errorf("JSON failure: %+v", f)
	}
}

func casGet(t *testing.T, u string) string {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// TestCASEscapesHostileUser: a display name made to break XML comes back intact in a
// well-formed document, as data.
func TestCASEscapesHostileUser(t *testing.T) {
	e, _ := newCASBadEnv(t)
	hostile := `<script>alert(1)</script> & ]]> "q" 'a' <![CDATA[x]]>`
	ctx := context.Background()
	if _, err := e.srv.Identity.CreateUser(ctx, cliActor, identity.NewUser{Username: "mallory", DisplayName: hostile,
		Email: "mallory@example.com", Password: "Corr3ct-Horse-Battery", Roles: []identity.RoleRef{roleRef("casapp", "READER")}}); err != nil {
		t.Fatal(err)
	}
	br := newCASBrowser(t)
	br.signIn(e.srv.URL(), "mallory", "Corr3ct-Horse-Battery")
	tk := e.ticketFor(t, br, casApp)
	a := e.validate(t, "serviceValidate", sv(casApp, tk))
	if a.User != "mallory" || !slices.Equal(a.Attributes["displayName"], []string{hostile}) ||
		!slices.Equal(a.Attributes["email"], []string{"mallory@example.com"}) {
		t.Fatalf("user %q, attributes %q", a.User, a.Attributes)
	}
	if bytes.Contains(a.Raw, []byte("<script>")) || bytes.Contains(a.Raw, []byte("]]>")) {
		t.Fatalf("unescaped: %s", a.Raw)
	}
	tk = e.ticketFor(t, br, casApp)
	var j struct {
		ServiceResponse struct {
			Success struct {
				Attributes map[string]any `json:"attributes"`
			} `json:"authenticationSuccess"`
		} `json:"serviceResponse"`
	}
	raw := casGet(t, e.srv.URL()+"/cas/serviceValidate?"+sv(casApp, tk, "format", "json").Encode())
	if err := json.Unmarshal([]byte(raw), &j); err != nil || j.ServiceResponse.Success.Attributes["displayName"] != hostile {
		t.Fatalf("JSON %v: %s", err, raw)
	}
}
