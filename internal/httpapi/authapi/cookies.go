package authapi

import (
	"net/http"
	"time"

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
}

func (c Cookies) sessionName(r *http.Request) string {
	if middleware.IsHTTPS(r) {
		return "__Host-" + c.SessionName
	}
	return c.SessionName
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
	ck := &http.Cookie{Name: name, Value: value, Path: path, HttpOnly: true, Secure: middleware.IsHTTPS(r), SameSite: http.SameSiteLaxMode}
	switch {
	case maxAge < 0:
		ck.MaxAge = -1
	case maxAge > 0:
		ck.MaxAge = int(maxAge / time.Second)
	}
	http.SetCookie(w, ck)
}

func cookieValue(r *http.Request, name string) string {
	if ck, err := r.Cookie(name); err == nil {
		return ck.Value
	}
	return ""
}

// clearAuthCookies removes the session and refresh cookies (not the device cookie).
func (c Cookies) clear(w http.ResponseWriter, r *http.Request) {
	setCookie(w, r, c.sessionName(r), "", "/", -1)
	setCookie(w, r, refreshCookieName(r), "", refreshPath, -1)
}

// SessionCookieName is the name of the session cookie for r: the configured name, with the
// __Host- prefix over HTTPS. Other faces (SSO) read the global session through it.
func (c Cookies) SessionCookieName(r *http.Request) string { return c.sessionName(r) }

// Clear removes the session and refresh cookies (not the device cookie), as logout does.
func (c Cookies) Clear(w http.ResponseWriter, r *http.Request) { c.clear(w, r) }
