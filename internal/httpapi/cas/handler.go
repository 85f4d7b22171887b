package cas

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gatehouse/gatehouse/internal/auth"
	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/httpapi/authapi"
	"github.com/gatehouse/gatehouse/internal/httpapi/middleware"
	"github.com/gatehouse/gatehouse/internal/sso"
	"github.com/gatehouse/gatehouse/internal/sso/castickets"
)

// Systems lists the registered systems (the SQL store does): a CAS request names its service
// by URL only, so the system is found by matching that URL against every system's URIs.
type Systems interface {
	ListSystems(ctx context.Context) ([]*domain.System, error)
}

// Handler serves the CAS face. Set the fields before Mount.
type Handler struct {
	SSO     *sso.Service  // issues and redeems the "ST-" tickets
	Auth    *auth.Service // the global session behind the browser's cookie, logout
	Systems Systems
	Cookies authapi.Cookies
	// Tickets records issued tickets for the back-channel logout; nil records nothing.
	Tickets *castickets.Log
	// BasePath is the path of the public URL ("" at the root, else "/prefix").
	BasePath string
	Now      func() time.Time

	list systemList
}

// systemList keeps the list of systems for a short while: every login and validation looks
// the service up among all systems, and the list changes only by an administrator's act.
type systemList struct {
	mu     sync.Mutex
	at     time.Time
	all    []*domain.System // sorted by id; shared, never modified
	loaded bool
}

// systemsMaxAge is how long a registration change may take to reach the CAS face.
const systemsMaxAge = 2 * time.Second

func (h *Handler) systems(ctx context.Context) ([]*domain.System, error) {
	h.list.mu.Lock()
	defer h.list.mu.Unlock()
	now := h.Now()
	if h.list.loaded && now.Sub(h.list.at) >= 0 && now.Sub(h.list.at) < systemsMaxAge {
		return h.list.all, nil
	}
	all, err := h.Systems.ListSystems(ctx)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(all, func(a, b *domain.System) int { return strings.Compare(a.ID, b.ID) })
	h.list.all, h.list.at, h.list.loaded = all, now, true
	return all, nil
}

// Mount registers the routes of CAS Protocol 3.0 §2.
func (h *Handler) Mount(mux *http.ServeMux) {
	if h.Now == nil {
		h.Now = time.Now
	}
	mux.HandleFunc("GET /cas/login", h.login)
	mux.HandleFunc("GET /cas/logout", h.logout)
	mux.HandleFunc("GET /cas/validate", h.validate1)
	mux.HandleFunc("GET /cas/serviceValidate", h.serviceValidate)
	mux.HandleFunc("GET /cas/p3/serviceValidate", h.serviceValidate)
}

// maxServiceLen bounds a service URL before any work is done on it.
const maxServiceLen = 2048

// findService returns the system a service URL belongs to: of the systems allowed the "cas"
// protocol, in the order of their ids, the first with a registered redirect URI equal to
// service as parsed URLs (domain.System.RedirectURIMatches: no prefixes, no wildcards, no
// tricks with '@', backslashes or encoded dots). Issue and validation use the same rule, so a
// ticket is always redeemed for the system it was issued to. None is invalid_input. The list
// is at most systemsMaxAge old.
func (h *Handler) findService(ctx context.Context, service string) (*domain.System, error) {
	if service == "" || len(service) > maxServiceLen || domain.ValidateRedirectURI(service) != "" {
		return nil, errUnknownService
	}
	all, err := h.systems(ctx)
	if err != nil {
		return nil, err
	}
	for _, sys := range all {
		if sys.AllowsProtocol(domain.ProtocolCAS) && sys.RedirectURIMatches(service) {
			return sys, nil
		}
	}
	return nil, errUnknownService
}

var errUnknownService = &domain.Error{Code: domain.CodeInvalidInput, Message: "invalid input",
	Fields: []domain.FieldError{{Field: "service", Problem: "is not registered for any CAS service"}}}

// session returns the principal of the browser's session cookie, nil without a live one.
func (h *Handler) session(w http.ResponseWriter, r *http.Request) (*auth.Principal, error) {
	return h.Cookies.BrowserSession(w, r, h.Auth)
}

// client describes the caller for the engine and the audit log.
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

// single reports whether each named query parameter is given at most once (two values would
// leave it to chance which one is checked and which one is used).
func single(r *http.Request, names ...string) bool {
	q := r.URL.Query()
	for _, n := range names {
		if len(q[n]) > 1 {
			return false
		}
	}
	return true
}

// redirectTo answers 302 Found; never cached, since the location may hold a ticket.
func redirectTo(w http.ResponseWriter, location string) {
	w.Header().Set("Location", location)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusFound)
}

// withTicket appends ticket=… to a service URL that findService matched, keeping its own
// query as it is (CAS 3.0 §2.2.4).
func withTicket(service, ticket string) string {
	switch {
	case !strings.Contains(service, "?"):
		return service + "?ticket=" + ticket
	case strings.HasSuffix(service, "?") || strings.HasSuffix(service, "&"):
		return service + "ticket=" + ticket
	}
	return service + "&ticket=" + ticket
}
