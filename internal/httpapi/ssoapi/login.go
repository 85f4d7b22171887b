package ssoapi

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/gatehouse/gatehouse/internal/auth"
	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/sso"
)

// singleParams may appear at most once in /sso/login: two values would leave it to chance
// which one is checked and which one is used.
var singleParams = []string{"system", "redirect_uri", "state", "code_challenge", "code_challenge_method", "renew", "gateway"}

// login is GET /sso/login: with a live global session a 302 to redirect_uri with a one-time
// ticket, else to the login page (or, with gateway=true, back without a ticket). Whatever is
// wrong with system or redirect_uri is shown on a page, never redirected to.
func (h *Handler) login(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	for _, k := range singleParams {
		if len(q[k]) > 1 {
			h.page(w, r, http.StatusBadRequest, msgBadRequest, domain.Errorf(domain.CodeInvalidInput, "%s is given more than once", k))
			return
		}
	}
	redirect, state := q.Get("redirect_uri"), q.Get("state")
	sys, err := h.SSO.Authorize(ctx, sso.KindSSO, q.Get("system"), redirect)
	if err == nil && len(state) > sso.MaxStateBytes {
		err = domain.Errorf(domain.CodeInvalidInput, "state is longer than %d bytes", sso.MaxStateBytes)
	}
	if err == nil {
		err = sso.ValidChallenge(q.Get("code_challenge"), q.Get("code_challenge_method"))
	}
	if err != nil {
		h.page(w, r, statusOf(err), msgBadRequest, err)
		return
	}
	renew, gateway := q.Get("renew") == "true", q.Get("gateway") == "true"
	var p *auth.Principal
	if !renew { // CAS 3.0 §2.1.1: renew wins over gateway and over a live session
		if p, err = h.session(w, r); err != nil {
			h.page(w, r, statusOf(err), msgUnavailable, err)
			return
		}
	}
	if p == nil {
		if gateway && !renew {
			// OpenID Connect Core §3.1.2.6: prompt=none without a session answers login_required.
			redirectTo(w, r, withQuery(redirect, "state", state, "error", "login_required"))
			return
		}
		q.Del("renew")
		back := h.BasePath + "/sso/login?" + q.Encode()
		redirectTo(w, r, h.BasePath+"/login?continue="+url.QueryEscape(back))
		return
	}
	ticket, err := h.SSO.Issue(ctx, sso.IssueRequest{Kind: sso.KindSSO, System: sys, RedirectURI: redirect,
		Session: p.Session, CodeChallenge: q.Get("code_challenge"), CodeChallengeMethod: q.Get("code_challenge_method")})
	if err != nil {
		h.page(w, r, statusOf(err), msgUnavailable, err)
		return
	}
	redirectTo(w, r, withQuery(redirect, "ticket", ticket, "state", state))
}

// session returns the principal of the browser's session cookie, nil without a live one.
func (h *Handler) session(w http.ResponseWriter, r *http.Request) (*auth.Principal, error) {
	return h.Cookies.BrowserSession(w, r, h.Auth)
}

// logout is GET|POST /sso/logout: it ends the browser's global session (the session's end hooks
// revoke its tokens and queue the single logout of every system that joined), clears the
// cookies, and returns to redirect_uri when it is registered for system, else shows a page.
func (h *Handler) logout(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	p, err := h.session(w, r)
	if err == nil && p != nil {
		err = h.Auth.Logout(ctx, p, client(r))
	}
	if err != nil {
		h.page(w, r, statusOf(err), msgUnavailable, err)
		return
	}
	h.Cookies.Clear(w, r)
	system, redirect, state := q.Get("system"), q.Get("redirect_uri"), q.Get("state")
	if system != "" && redirect != "" && len(state) <= sso.MaxStateBytes {
		if _, err := h.SSO.Authorize(ctx, sso.KindSSO, system, redirect); err == nil {
			redirectTo(w, r, withQuery(redirect, "state", state))
			return
		}
	}
	h.page(w, r, http.StatusOK, msgSignedOut, nil)
}

// withQuery appends name=value pairs (empty values left out) to the query of a URI that the
// engine has matched, keeping its own query as it is.
func withQuery(uri string, pairs ...string) string {
	var b strings.Builder
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i+1] == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('&')
		}
		b.WriteString(pairs[i])
		b.WriteByte('=')
		b.WriteString(url.QueryEscape(pairs[i+1]))
	}
	if b.Len() == 0 {
		return uri
	}
	switch {
	case !strings.Contains(uri, "?"):
		return uri + "?" + b.String()
	case strings.HasSuffix(uri, "?") || strings.HasSuffix(uri, "&"):
		return uri + b.String()
	}
	return uri + "&" + b.String()
}

// redirectTo answers 302 Found with the location; never cached, since it may hold a ticket.
func redirectTo(w http.ResponseWriter, _ *http.Request, location string) {
	w.Header().Set("Location", location)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusFound)
}

// statusOf is the HTTP status of a domain error on a page: 400 for bad input or a system that
// may not use SSO (a broken link, not the user's fault), 503 when a store is down, else 500.
func statusOf(err error) int {
	switch domain.ErrorCode(err) {
	case domain.CodeInvalidInput, domain.CodeForbidden, domain.CodeNotFound:
		return http.StatusBadRequest
	case domain.CodeUnavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}
