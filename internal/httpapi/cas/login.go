package cas

import (
	"net/http"
	"net/url"

	"github.com/gatehouse/gatehouse/internal/auth"
	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/sso"
)

// login is GET /cas/login (CAS 3.0 §2.1): with a live global session and no renew, a 302 to
// the service with a service ticket; else to the login page, which returns here after the
// sign-in (without renew, so that it does not ask again); with gateway=true and no session, a
// 302 to the service without a ticket (§2.1.1). A service that is missing or not registered
// gets an error page, never a redirect (§2.1.1 "CAS MUST NOT redirect to an unauthorized
// service").
func (h *Handler) login(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if !single(r, "service", "renew", "gateway") {
		h.page(w, r, http.StatusBadRequest, msgBadRequest, domain.Errorf(domain.CodeInvalidInput, "a parameter is given more than once"))
		return
	}
	q := r.URL.Query()
	service := q.Get("service")
	sys, err := h.findService(ctx, service)
	if err != nil {
		h.page(w, r, statusOf(err), msgBadRequest, err)
		return
	}
	// §2.1.1: renew bypasses single sign-on and takes precedence over gateway.
	renew, gateway := q.Get("renew") == "true", q.Get("gateway") == "true"
	var p *auth.Principal
	if !renew {
		if p, err = h.session(w, r); err != nil {
			h.page(w, r, statusOf(err), msgUnavailable, err)
			return
		}
	}
	if p == nil {
		if gateway && !renew {
			redirectTo(w, service) // §2.1.1 gateway: back without a ticket
			return
		}
		q.Del("renew")
		back := h.BasePath + "/cas/login?" + q.Encode()
		redirectTo(w, h.BasePath+"/login?continue="+url.QueryEscape(back))
		return
	}
	ticket, err := h.SSO.Issue(ctx, sso.IssueRequest{Kind: sso.KindCAS, System: sys, RedirectURI: service, Session: p.Session})
	if err == nil && h.Tickets != nil {
		err = h.Tickets.Record(ctx, p.Session, sys.ID, ticket)
	}
	if err != nil {
		h.page(w, r, statusOf(err), msgUnavailable, err)
		return
	}
	redirectTo(w, withTicket(service, ticket)) // §2.2.4
}

// logout is GET /cas/logout (CAS 3.0 §2.3): it ends the browser's global session (the end
// hooks revoke its tokens and tell every system that joined it), clears the cookies, and
// returns to service when it is registered for a CAS system (§2.3.1), else shows a page.
func (h *Handler) logout(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p, err := h.session(w, r)
	if err == nil && p != nil {
		err = h.Auth.Logout(ctx, p, client(r))
	}
	if err != nil {
		h.page(w, r, statusOf(err), msgUnavailable, err)
		return
	}
	h.Cookies.Clear(w, r)
	if service := r.URL.Query().Get("service"); service != "" && single(r, "service") {
		if _, err := h.findService(ctx, service); err == nil {
			redirectTo(w, service)
			return
		}
	}
	h.page(w, r, http.StatusOK, msgSignedOut, nil)
}

// statusOf is the HTTP status of a domain error on a page: 400 for bad input, 503 when a
// store is down, else 500.
func statusOf(err error) int {
	switch domain.ErrorCode(err) {
	case domain.CodeInvalidInput, domain.CodeForbidden, domain.CodeNotFound:
		return http.StatusBadRequest
	case domain.CodeUnavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}
