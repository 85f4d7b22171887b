package cas

import (
	"context"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/httpapi/middleware"
	"github.com/gatehouse/gatehouse/internal/sso"
)

// The error codes of CAS 3.0 §2.5.3 that this face answers.
const (
	codeInvalidRequest = "INVALID_REQUEST"
	codeInvalidTicket  = "INVALID_TICKET"
	codeInvalidService = "INVALID_SERVICE"
	codeInternalError  = "INTERNAL_ERROR"
)

// failure is a validation that did not succeed: a CAS error code and a message for the
// service's developers (it may quote the ticket and service as given; writers escape them).
type failure struct {
	Code    string
	Message string
}

// success is a validated service ticket: who signed in and what they may do in the system.
type success struct {
	User       string // the username, the principal of §2.5.2
	Attributes attributes
}

// attributes are the user's attributes (CAS 3.0 §2.5.2 and Appendix "cas:attributes").
type attributes struct {
	AuthenticationDate time.Time // when the global session was signed in
	IsFromNewLogin     bool      // the ticket came from a sign-in with credentials, not from SSO
	LongTerm           bool      // the session is a "keep me signed in" one
	UserID             string
	Username           string
	DisplayName        string
	Email              string
	Roles              []string // in the service's system, sorted
	Permissions        []string // effective permission codes in that system, sorted
}

// check validates a service ticket (CAS 3.0 §2.4 and §2.5): ticket and service are required,
// the service must be registered for a CAS system, and the ticket must have been issued for
// exactly that service. Every attempt uses the ticket up, a failed one included (§3.1.1):
// the engine takes it out of the store before any check, and on the paths that fail before
// the engine is asked, burn does the same.
func (h *Handler) check(r *http.Request) (*success, *failure) {
	ctx := r.Context()
	q := r.URL.Query()
	ticket, service := q.Get("ticket"), q.Get("service")
	if !single(r, "ticket", "service", "renew", "format") {
		h.burn(ctx, ticket)
		return nil, &failure{codeInvalidRequest, "A parameter is given more than once."}
	}
	if ticket == "" || service == "" {
		h.burn(ctx, ticket)
		return nil, &failure{codeInvalidRequest, "Both 'service' and 'ticket' are required."}
	}
	sys, err := h.findService(ctx, service)
	if err != nil {
		h.burn(ctx, ticket)
		if domain.ErrorCode(err) == domain.CodeInvalidInput {
			return nil, &failure{codeInvalidService, "Service '" + quote(service) + "' is not a registered CAS service."}
		}
		return nil, h.internal(r, err)
	}
	res, err := h.SSO.Redeem(ctx, sso.RedeemRequest{Kind: sso.KindCAS, SystemID: sys.ID, Ticket: ticket,
		RedirectURI: service, Client: client(r)})
	if err != nil {
		return nil, h.redeemFailure(r, err, ticket, service)
	}
	fresh := false
	if h.Tickets != nil {
		if fresh, err = h.Tickets.TakeFresh(ctx, res.Session.ID, ticket); err != nil {
			return nil, h.internal(r, err)
		}
	}
	// §2.5.1: with renew=true, only a ticket issued from a sign-in with credentials passes.
	if q.Get("renew") == "true" && !fresh {
		return nil, &failure{codeInvalidTicket, "Ticket '" + quote(ticket) + "' was not issued from a new sign-in, and renew was asked."}
	}
	u, eff := res.User, res.Effective
	return &success{User: u.Username, Attributes: attributes{
		AuthenticationDate: res.Session.CreatedAt, IsFromNewLogin: fresh, LongTerm: res.Session.Remember,
		UserID: u.ID, Username: u.Username, DisplayName: u.DisplayName, Email: u.Email,
		Roles: eff.Roles, Permissions: eff.Permissions.Codes(),
	}}, nil
}

// redeemFailure maps the engine's refusal to a CAS error code. The engine answers every
// refusal of the ticket itself as token_invalid; the two that concern the service (issued to
// another system, or for another service URL) are INVALID_SERVICE (§2.5.3), told apart by
// the field their message names.
func (h *Handler) redeemFailure(r *http.Request, err error, ticket, service string) *failure {
	switch domain.ErrorCode(err) {
	case domain.CodeTokenInvalid:
		if msg := domain.ErrorMessage(err); strings.Contains(msg, "system") || strings.Contains(msg, "redirect_uri") {
			return &failure{codeInvalidService, "Ticket '" + quote(ticket) + "' was not issued for service '" + quote(service) + "'."}
		}
		return &failure{codeInvalidTicket, "Ticket '" + quote(ticket) + "' not recognized."}
	case domain.CodeSessionExpired:
		return &failure{codeInvalidTicket, "Ticket '" + quote(ticket) + "' is no longer valid: its sign-in session has ended."}
	}
	return h.internal(r, err)
}

// burn uses a ticket up without redeeming it: the engine takes it out of the store first and
// then refuses it, since no system has the empty id.
func (h *Handler) burn(ctx context.Context, ticket string) {
	if ticket != "" {
		_, _ = h.SSO.Redeem(ctx, sso.RedeemRequest{Kind: sso.KindCAS, Ticket: ticket})
	}
}

func (h *Handler) internal(r *http.Request, err error) *failure {
	middleware.Logger(r.Context()).Error("cas ticket validation failed", "err", err)
	return &failure{codeInternalError, "The ticket could not be validated; try again later."}
}

// maxQuoted bounds how much of a caller's input a message repeats.
const maxQuoted = 256

// quote makes caller input fit for a message: valid UTF-8, at most maxQuoted bytes. Escaping
// is the writers' business (encoding/xml, encoding/json).
func quote(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if len(s) > maxQuoted {
		cut := maxQuoted
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}
