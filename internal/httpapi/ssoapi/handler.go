package ssoapi

import (
	"context"
	"net/http"
	"time"

	"github.com/gatehouse/gatehouse/internal/auth"
	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/httpapi/authapi"
	"github.com/gatehouse/gatehouse/internal/httpapi/middleware"
	"github.com/gatehouse/gatehouse/internal/httpapi/respond"
	"github.com/gatehouse/gatehouse/internal/sso"
)

// SystemAuthenticator checks a system's id and secret (identity.Service does).
type SystemAuthenticator interface {
	AuthenticateSystem(ctx context.Context, systemID, secret string) (*domain.System, error)
}

// Handler serves the SSO face.
type Handler struct {
	SSO     *sso.Service
	Auth    *auth.Service // the global session behind the browser's cookie, logout
	Systems SystemAuthenticator
	Cookies authapi.Cookies
	// BasePath is the path of the public URL ("" at the root, else "/prefix"): the login page and
	// the return to /sso/login are addressed under it.
	BasePath string
	Now      func() time.Time

	csrf *http.CrossOriginProtection
}

// Mount registers the routes. POST /sso/logout acts on the browser's cookie and is refused
// cross-origin (CSRF); the server-to-server routes authenticate with the system's secret and
// carry no cookie, so they need no such check. GET /login is not mounted here: the web face
// mounts the built front end there, or MinimalLoginPage when it is not built.
func (h *Handler) Mount(mux *http.ServeMux) {
	if h.Now == nil {
		h.Now = time.Now
	}
	h.csrf = http.NewCrossOriginProtection()
	h.csrf.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.page(w, r, http.StatusForbidden, msgCrossOrigin, nil)
	}))
	mux.HandleFunc("GET /sso/login", h.login)
	mux.HandleFunc("POST /sso/validate", h.validate)
	mux.HandleFunc("GET /sso/userinfo", h.userinfo)
	mux.HandleFunc("GET /sso/users/{id}", h.user)
	mux.HandleFunc("POST /sso/touch", h.touch)
	mux.HandleFunc("POST /sso/refresh", h.refresh)
	mux.HandleFunc("GET /sso/logout", h.logout)
	mux.Handle("POST /sso/logout", h.csrf.Handler(http.HandlerFunc(h.logout)))
	mux.Handle("GET /sso/static/", http.StripPrefix("/sso/static/", staticFiles()))
}

// client describes the caller for the engine.
func client(r *http.Request) auth.Client {
	ua := r.UserAgent()
	if len(ua) > 512 {
		ua = ua[:512]
	}
	ip := ""
	if a := middleware.ClientIPFrom(r.Context()); a.IsValid() {
		ip = a.String()
	}
	return auth.Client{IP: ip, UserAgent: ua}
}

var errBadSystemCredentials = domain.Errorf(domain.CodeUnauthenticated, "unknown system or wrong secret")

// system authenticates a server-to-server request by HTTP Basic "systemID:secret" (RFC 7617).
// Every failure is the same 401, with a Basic challenge (RFC 9110 §11.6.1).
func (h *Handler) system(w http.ResponseWriter, r *http.Request) (*domain.System, bool) {
	id, secret, ok := r.BasicAuth()
	var sys *domain.System
	var err error = errBadSystemCredentials
	if ok && len(id) <= 64 && len(secret) <= 256 {
		sys, err = h.Systems.AuthenticateSystem(r.Context(), id, secret)
	}
	if err != nil {
		if domain.ErrorCode(err) == domain.CodeUnauthenticated {
			w.Header().Set("WWW-Authenticate", `Basic realm="gatehouse", charset="UTF-8"`)
		}
		respond.Error(w, r, err)
		return nil, false
	}
	return sys, true
}

// noStore marks an answer that holds tokens or user data as uncacheable (RFC 6749 §5.1).
func noStore(w http.ResponseWriter) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
}
