package authapi

import (
	"net/http"
	"time"

	"github.com/gatehouse/gatehouse/internal/auth"
	"github.com/gatehouse/gatehouse/internal/captcha"
	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/httpapi/middleware"
	"github.com/gatehouse/gatehouse/internal/httpapi/respond"
	"github.com/gatehouse/gatehouse/internal/store"
)

// Handler serves the sign-in API.
type Handler struct {
	Auth          *auth.Service
	Captcha       *captcha.Captcha
	Cookies       Cookies
	RefreshInBody bool // also answer refresh tokens in JSON bodies (non-browser clients)
	RefreshTTL    time.Duration
	Demo          bool // serve /api/demo/*
	Now           func() time.Time
	// Counters limit captcha images per client IP (each costs milliseconds of CPU):
	// CaptchaPerMinute per IP and minute, 0 meaning 30.
	Counters         store.Counters
	CaptchaPerMinute int

	csrf *http.CrossOriginProtection
}

// Mount registers the routes. Every state-changing route is refused when a browser sends it
// cross-origin (CSRF), whatever authenticates it.
func (h *Handler) Mount(mux *http.ServeMux) {
	h.csrf = http.NewCrossOriginProtection()
	h.csrf.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		respond.Error(w, r, domain.Errorf(domain.CodeForbidden, "cross-origin request refused"))
	}))
	post := func(pattern string, fn http.HandlerFunc) { mux.Handle(pattern, h.csrf.Handler(fn)) }
	guarded := func(pattern string, fn http.HandlerFunc) { mux.Handle(pattern, h.csrf.Handler(h.RequireLogin(fn))) }

	mux.HandleFunc("GET /api/captcha", h.captcha)
	mux.HandleFunc("GET /api/password-policy", h.passwordPolicy)
	post("POST /api/auth/login", h.login)
	post("POST /api/auth/refresh", h.refresh)
	post("POST /api/auth/logout", h.logout)
	guarded("GET /api/me", h.me)
	guarded("POST /api/me/password", h.changePassword)
	guarded("GET /api/me/sessions", h.sessions)
	guarded("DELETE /api/me/sessions/{sid}", h.revokeSession)
	guarded("DELETE /api/me/sessions", h.revokeOtherSessions)
	mux.HandleFunc("GET /.well-known/jwks.json", h.jwks)
	if h.Demo {
		h.mountDemo(mux)
	}
}

// client describes the caller for the engine: address, browser, device.
func (h *Handler) client(r *http.Request) auth.Client {
	ua := r.UserAgent()
	if len(ua) > 512 {
		ua = ua[:512]
	}
	ip := ""
	if a := middleware.ClientIPFrom(r.Context()); a.IsValid() {
		ip = a.String()
	}
	dev := cookieValue(r, deviceCookieName(r))
	if !validDeviceID(dev) {
		dev = "" // a tampered device cookie is ignored; login issues a new one
	}
	return auth.Client{IP: ip, UserAgent: ua, DeviceID: dev}
}

func (h *Handler) captcha(w http.ResponseWriter, r *http.Request) {
	limit := h.CaptchaPerMinute
	if limit <= 0 {
		limit = 30
	}
	n, err := h.Counters.Incr(r.Context(), "rl:captcha:"+h.client(r).IP, 1, time.Minute)
	if err != nil {
		respond.Error(w, r, err)
		return
	}
	if n > int64(limit) {
		e := domain.Errorf(domain.CodeTooManyRequests, "too many captchas from this address; wait a minute")
		e.RetryAfter = time.Minute
		respond.Error(w, r, e)
		return
	}
	c, err := h.Captcha.New(r.Context())
	if err != nil {
		respond.Error(w, r, err)
		return
	}
	respond.OK(w, r, map[string]any{"captcha_id": c.ID, "image": c.Image, "expires_in": int(c.ExpiresIn / time.Second)})
}

func (h *Handler) jwks(w http.ResponseWriter, r *http.Request) {
	b, err := h.Auth.Access.JWKS(r.Context())
	if err != nil {
		respond.Error(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/jwk-set+json")
	w.Header().Set("Cache-Control", "public, max-age=300")
	w.Write(b)
}

// validDeviceID accepts what newDeviceID makes: up to 64 of A-Z a-z 0-9 - _.
func validDeviceID(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}
