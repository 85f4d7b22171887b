package oidcapi

import (
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"

	"github.com/gatehouse/gatehouse/internal/auth"
	"github.com/gatehouse/gatehouse/internal/httpapi/authapi"
	oidcsvc "github.com/gatehouse/gatehouse/internal/oidc"
)

// Handler serves the OpenID Connect face.
type Handler struct {
	Provider *op.Provider
	Storage  *oidcsvc.Storage
	Auth     *auth.Service // the global session behind the browser's cookie
	Cookies  authapi.Cookies
	// BasePath is the path of the public URL ("" at the root): the login page and the return
	// to /oidc/login are addressed under it.
	BasePath string
	Now      func() time.Time
}

// Mount registers the provider's routes, discovery and the sign-in step.
func (h *Handler) Mount(mux *http.ServeMux) {
	if h.Now == nil {
		h.Now = time.Now
	}
	mux.HandleFunc("GET "+oidcsvc.PathLogin, h.login)
	mux.Handle(oidcsvc.PathPrefix, http.HandlerFunc(h.serve))
	mux.Handle("GET "+oidcsvc.PathDiscovery, http.HandlerFunc(h.discovery))
}

// serve hands a request to op with a fresh request state; at end session the state carries
// the browser's session, and the cookies are cleared if op ended it.
func (h *Handler) serve(w http.ResponseWriter, r *http.Request) {
	browserSID := ""
	if r.URL.Path == oidcsvc.PathEndSession {
		if p, _ := h.session(w, r); p != nil {
			browserSID = p.Session.ID
		}
	}
	if r.URL.Path == oidcsvc.PathCallback && !h.sameBrowser(w, r) {
		page(w, http.StatusBadRequest, "This sign-in request was completed in another browser. Go back to the application and sign in again.")
		return
	}
	r = r.WithContext(oidcsvc.WithRequestState(r.Context(), browserSID))
	switch r.URL.Path {
	case oidcsvc.PathUserinfo:
		w = &userinfoWriter{ResponseWriter: w}
	case oidcsvc.PathEndSession:
		w = &endSessionWriter{ResponseWriter: w, h: h, r: r, sid: browserSID}
	}
	w.Header().Set("Cache-Control", "no-store")
	h.Provider.ServeHTTP(w, r)
}

// sameBrowser reports whether the browser at op's callback holds the session that completed
// the request: a request id passed to another browser (which signed in and completed it) must
// not let the first one collect a code for that other person.
func (h *Handler) sameBrowser(w http.ResponseWriter, r *http.Request) bool {
	req, err := h.Storage.Request(r.Context(), r.URL.Query().Get("id"))
	if err != nil {
		return true // op answers an unknown or spent request itself
	}
	p, err := h.session(w, r)
	return err == nil && p != nil && req.SID() != "" && p.Session.ID == req.SID()
}

// session returns the principal of the browser's session cookie, nil without a live one.
func (h *Handler) session(w http.ResponseWriter, r *http.Request) (*auth.Principal, error) {
	return h.Cookies.BrowserSession(w, r, h.Auth)
}

// login is GET /oidc/login?id=…, where op sends the browser after it has validated and stored
// an authorization request. With a live session that satisfies prompt and max_age (OpenID
// Connect Core §3.1.2.1), the request is completed and the browser goes on to op's callback,
// which redirects to the client with a code. Else prompt=none answers login_required to the
// client (§3.1.2.6), and anything else goes to the login page, which comes back here.
func (h *Handler) login(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id := r.URL.Query().Get("id")
	req, err := h.Storage.Request(ctx, id)
	if err != nil {
		page(w, http.StatusBadRequest, "This sign-in request is unknown or has expired. Go back to the application and sign in again.")
		return
	}
	p, err := h.session(w, r)
	if err != nil {
		page(w, http.StatusServiceUnavailable, "Sign-in is unavailable. Please try again in a moment.")
		return
	}
	// An id_token_hint naming another user asks for that user's sign-in (Core §3.1.2.1).
	if p == nil || !fresh(req, p, h.Now()) || req.HintSubject() != "" && req.HintSubject() != p.UserID() {
		if slices.Contains(req.Prompt(), oidc.PromptNone) {
			op.AuthRequestError(w, r, req, oidc.ErrLoginRequired(), h.Provider)
			return
		}
		back := h.BasePath + oidcsvc.PathLogin + "?id=" + url.QueryEscape(id)
		redirect(w, h.BasePath+"/login?continue="+url.QueryEscape(back))
		return
	}
	if err := h.Storage.Complete(ctx, id, p.Session); err != nil {
		page(w, http.StatusBadRequest, "This sign-in request cannot be completed. Go back to the application and sign in again.")
		return
	}
	redirect(w, h.BasePath+oidcsvc.PathCallback+"?id="+url.QueryEscape(id))
}

// fresh reports whether the session's sign-in is recent enough for the request: within
// max_age (prompt=login makes it 0), or made after the request reached /authorize.
func fresh(req oidcsvc.Request, p *auth.Principal, now time.Time) bool {
	maxAge := req.MaxAge()
	if maxAge == nil {
		return true
	}
	signedIn := p.Session.CreatedAt
	if !signedIn.Before(req.CreatedAt().Truncate(time.Millisecond)) {
		return true
	}
	return now.Sub(signedIn) <= time.Duration(*maxAge)*time.Second && *maxAge > 0
}

func redirect(w http.ResponseWriter, location string) {
	w.Header().Set("Location", location)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusFound)
}

func page(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(msg + "\n"))
}

// userinfoWriter turns op's 403 for an unknown, expired or revoked token into 401 with a
// Bearer challenge (RFC 6750 §3.1 invalid_token).
type userinfoWriter struct {
	http.ResponseWriter
	wrote bool
}

func (u *userinfoWriter) WriteHeader(code int) {
	if !u.wrote && (code == http.StatusForbidden || code == http.StatusUnauthorized) {
		code = http.StatusUnauthorized
		u.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
	}
	u.wrote = true
	u.ResponseWriter.WriteHeader(code)
}

func (u *userinfoWriter) Write(b []byte) (int, error) {
	if !u.wrote {
		u.WriteHeader(http.StatusOK)
	}
	return u.ResponseWriter.Write(b)
}

// endSessionWriter clears the browser's session cookies once op has ended that session.
type endSessionWriter struct {
	http.ResponseWriter
	h     *Handler
	r     *http.Request
	sid   string
	wrote bool
}

func (e *endSessionWriter) WriteHeader(code int) {
	if !e.wrote && e.sid != "" && slices.Contains(oidcsvc.EndedSessions(e.r.Context()), e.sid) {
		e.h.Cookies.Clear(e.ResponseWriter, e.r)
	}
	e.wrote = true
	e.ResponseWriter.WriteHeader(code)
}

func (e *endSessionWriter) Write(b []byte) (int, error) {
	if !e.wrote {
		e.WriteHeader(http.StatusOK)
	}
	return e.ResponseWriter.Write(b)
}
