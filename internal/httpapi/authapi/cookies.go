package authapi

import (
	"net/http"
	"time"

	"github.com/gatehouse/gatehouse/internal/auth"
	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/httpapi/middleware"
)

// Paths the cookies are limited to.
const (
	refreshPath  = "/api/auth/refresh"
	deviceCookie = "gatehouse_device"
	refreshName  = "gatehouse_refresh"
	deviceMaxAge = 400 * 24 * time.Hour // the longest browsers keep a cookie
)

// Cookies names and flags the cookies: over HTTPS they are Secure, and the session cookie gets
// the __Host- prefix (no Domain, Path=/, so no sub-domain can set or read it).
type Cookies struct {
	SessionName string
	// Domain, when set (gateway.cookie_domain), is the Domain of the session cookie, so that it
	// reaches the protected hosts under that parent domain. __Host- forbids a Domain, so over
	// HTTPS the session cookie is then named with the __Secure- prefix.
	Domain string
}

func (c Cookies) sessionName(r *http.Request) string { return c.SessionNameFor(middleware.IsHTTPS(r)) }

// SessionNameFor is the name of the session cookie for a client on HTTPS or not.
func (c Cookies) SessionNameFor(https bool) string {
	switch {
	case !https:
		return c.SessionName
	case c.Domain != "":
		return "__Secure-" + c.SessionName
	default:
		return "__Host-" + c.SessionName
	}
}

// setSession sets (or, with maxAge < 0, removes) the session cookie, with the Domain when set.
func (c Cookies) setSession(w http.ResponseWriter, r *http.Request, value string, maxAge time.Duration) {
	ck := newCookie(r, c.sessionName(r), value, "/", maxAge)
	ck.Domain = c.Domain
	http.SetCookie(w, ck)
}

func refreshCookieName(r *http.Request) string {
	if middleware.IsHTTPS(r) {
		return "__Secure-" + refreshName
	}
	return refreshName
}

func deviceCookieName(r *http.Request) string {
	if middleware.IsHTTPS(r) {
		return "__Host-" + deviceCookie
	}
	return deviceCookie
}

func setCookie(w http.ResponseWriter, r *http.Request, name, value, path string, maxAge time.Duration) {
	http.SetCookie(w, newCookie(r, name, value, path, maxAge))
}

func newCookie(r *http.Request, name, value, path string, maxAge time.Duration) *http.Cookie {
	ck := &http.Cookie{Name: name, Value: value, Path: path, HttpOnly: true, Secure: middleware.IsHTTPS(r), SameSite: http.SameSiteLaxMode}
	switch {
	case maxAge < 0:
		ck.MaxAge = -1
	case maxAge > 0:
		ck.MaxAge = int(maxAge / time.Second)
	}
	return ck
}

func cookieValue(r *http.Request, name string) string {
	if ck, err := r.Cookie(name); err == nil {
		return ck.Value
	}
	return ""
}

// clearAuthCookies removes the session and refresh cookies (not the device cookie).
func (c Cookies) clear(w http.ResponseWriter, r *http.Request) {
	c.setSession(w, r, "", -1)
	setCookie(w, r, refreshCookieName(r), "", refreshPath, -1)
}

// SessionCookieName is the name of the session cookie for r: the configured name, with the
// __Host- prefix over HTTPS. Other faces (SSO) read the global session through it.
func (c Cookies) SessionCookieName(r *http.Request) string { return c.sessionName(r) }

// Clear removes the session and refresh cookies (not the device cookie), as logout does.
func (c Cookies) Clear(w http.ResponseWriter, r *http.Request) { c.clear(w, r) }

// BrowserSession returns the principal of the browser's session cookie, nil without a live one
// (a dead cookie is cleared). Only failures of the stores are errors. The browser faces (SSO,
// CAS, OpenID Connect) share it.
func (c Cookies) BrowserSession(w http.ResponseWriter, r *http.Request, a *auth.Service) (*auth.Principal, error) {
	ck, err := r.Cookie(c.sessionName(r))
	if err != nil || ck.Value == "" {
		return nil, nil
	}
	p, err := a.AuthenticateCookie(r.Context(), ck.Value)
	if domain.ErrorCode(err) == domain.CodeSessionExpired {
		c.clear(w, r)
		return nil, nil
	}
	return p, err
}
