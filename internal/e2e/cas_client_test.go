package e2e

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// casClient is a CAS client as a sub-system runs it, written to behave exactly as the
// gopkg.in/cas.v2 middleware does (the module proxy of this build refuses that module, so it
// cannot be a dependency): the service URL is the request URL without ticket, service, renew
// and gateway; validation is GET <center>/cas/serviceValidate?service=…&ticket=…; the response
// is read with namespace-qualified structs as that library reads it; single logout is a POST
// of the form field logoutRequest (Content-Type exactly application/x-www-form-urlencoded)
// whose SessionIndex names the ticket of the local session to drop. It keys local sessions by
// its own cookie "_cas_session", as that library does.
type casClient struct {
	center string // the CAS base URL, ending in "/cas/"
	http   *http.Client

	mu       sync.Mutex
	sessions map[string]string             // cookie value → ticket
	tickets  map[string]*casAuthentication // ticket → what validation said
	// loggedOut receives the SessionIndex of every back-channel logout request.
	loggedOut chan string
}

type casAuthentication struct {
	User       string
	IsNewLogin bool
	Attributes map[string][]string
}

func newCASClient(center string) *casClient {
	return &casClient{center: center, http: &http.Client{}, sessions: map[string]string{},
		tickets: map[string]*casAuthentication{}, loggedOut: make(chan string, 16)}
}

type casCtxKey struct{}

// casUser is the authenticated user of a request the client handled, nil when none.
func casUser(r *http.Request) *casAuthentication {
	a, _ := r.Context().Value(casCtxKey{}).(*casAuthentication)
	return a
}

// casServiceURL is the request URL as the service knows it, without CAS parameters.
func casServiceURL(r *http.Request) string {
	u := *r.URL
	u.Scheme, u.Host = "http", r.Host
	q := u.Query()
	for _, p := range []string{"gateway", "renew", "service", "ticket"} {
		q.Del(p)
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// Handle wraps h: single-logout requests are answered here; a request with a valid local
// session or a ticket that validates reaches h with the user in its context; "/logout" drops
// the local session and goes to the center's logout.
func (c *casClient) Handle(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.Header.Get("Content-Type") == "application/x-www-form-urlencoded" {
			if raw := r.FormValue("logoutRequest"); raw != "" {
				c.singleLogout(w, raw)
				return
			}
		}
		ck, err := r.Cookie("_cas_session")
		if err != nil {
			var b [32]byte
			_, _ = rand.Read(b[:])
			ck = &http.Cookie{Name: "_cas_session", Value: hex.EncodeToString(b[:]), Path: "/"}
			http.SetCookie(w, ck)
		}
		if r.URL.Path == "/logout" {
			c.mu.Lock()
			delete(c.tickets, c.sessions[ck.Value])
			delete(c.sessions, ck.Value)
			c.mu.Unlock()
			http.Redirect(w, r, c.center+"logout", http.StatusFound)
			return
		}
		c.mu.Lock()
		a := c.tickets[c.sessions[ck.Value]]
		c.mu.Unlock()
		if a == nil {
			if t := r.URL.Query().Get("ticket"); t != "" {
				if a, err = c.validate(r.Context(), t, casServiceURL(r)); err == nil {
					c.mu.Lock()
					c.sessions[ck.Value], c.tickets[t] = t, a
					c.mu.Unlock()
				}
			}
		}
		if a == nil {
			http.Redirect(w, r, c.center+"login?"+url.Values{"service": {casServiceURL(r)}}.Encode(), http.StatusFound)
			return
		}
		h.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), casCtxKey{}, a)))
	})
}

// The service response, read as gopkg.in/cas.v2 reads it.
type casServiceResponse struct {
	XMLName xml.Name `xml:"http://www.yale.edu/tp/cas serviceResponse"`
	Failure *struct {
		Code    string `xml:"code,attr"`
		Message string `xml:",innerxml"`
	} `xml:"authenticationFailure"`
	Success *struct {
		User       string `xml:"user"`
		Attributes *struct {
			IsFromNewLogin bool `xml:"isFromNewLogin"`
			Any            []struct {
				XMLName xml.Name
				Value   string `xml:",chardata"`
			} `xml:",any"`
		} `xml:"attributes"`
	} `xml:"authenticationSuccess"`
}

func (c *casClient) validate(ctx context.Context, ticket, service string) (*casAuthentication, error) {
	u := c.center + "serviceValidate?" + url.Values{"service": {service}, "ticket": {ticket}}.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("cas: validate ticket: %d %s", resp.StatusCode, body)
	}
	var x casServiceResponse
	if err := xml.Unmarshal(body, &x); err != nil {
		return nil, err
	}
	if x.Failure != nil {
		return nil, fmt.Errorf("cas: %s: %s", x.Failure.Code, strings.TrimSpace(x.Failure.Message))
	}
	if x.Success == nil {
		return nil, fmt.Errorf("cas: neither success nor failure in %s", body)
	}
	a := &casAuthentication{User: x.Success.User, Attributes: map[string][]string{}}
	if at := x.Success.Attributes; at != nil {
		a.IsNewLogin = at.IsFromNewLogin
		for _, e := range at.Any {
			a.Attributes[e.XMLName.Local] = append(a.Attributes[e.XMLName.Local], strings.TrimSpace(e.Value))
		}
	}
	return a, nil
}

// The SAML LogoutRequest, read as gopkg.in/cas.v2 reads it.
type casLogoutRequest struct {
	XMLName      xml.Name `xml:"urn:oasis:names:tc:SAML:2.0:protocol LogoutRequest"`
	Version      string   `xml:"Version,attr"`
	IssueInstant string   `xml:"IssueInstant,attr"`
	ID           string   `xml:"ID,attr"`
	NameID       string   `xml:"urn:oasis:names:tc:SAML:2.0:assertion NameID"`
	SessionIndex string   `xml:"SessionIndex"`
}

func (c *casClient) singleLogout(w http.ResponseWriter, raw string) {
	var l casLogoutRequest
	err := xml.Unmarshal([]byte(raw), &l)
	if err == nil {
		// gopkg.in/cas.v2 accepts RFC 1123 with a zone or this ISO 8601 form.
		if _, err = time.Parse(time.RFC1123Z, l.IssueInstant); err != nil {
			_, err = time.Parse("2006-01-02T15:04:05Z0700", l.IssueInstant)
		}
	}
	if err != nil || l.ID == "" || l.Version != "2.0" {
		http.Error(w, fmt.Sprintf("bad logout request: %v", err), http.StatusBadRequest)
		return
	}
	ticket := strings.TrimSpace(l.SessionIndex)
	c.mu.Lock()
	delete(c.tickets, ticket)
	for s, t := range c.sessions {
		if t == ticket {
			delete(c.sessions, s)
		}
	}
	c.mu.Unlock()
	w.WriteHeader(http.StatusOK)
	fmt.Fprintln(w, "OK")
	c.loggedOut <- strings.TrimSpace(l.NameID) + " " + ticket
}
