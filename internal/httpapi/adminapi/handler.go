package adminapi

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/httpapi/authapi"
	"github.com/gatehouse/gatehouse/internal/httpapi/middleware"
	"github.com/gatehouse/gatehouse/internal/httpapi/respond"
	"github.com/gatehouse/gatehouse/internal/identity"
	"github.com/gatehouse/gatehouse/internal/session"
	"github.com/gatehouse/gatehouse/internal/store"
)

// Permission codes of the admin API, in the center system's namespace.
const (
	PermUsersRead      = "gatehouse:users:read"
	PermUsersWrite     = "gatehouse:users:write"
	PermSystemsRead    = "gatehouse:systems:read"
	PermSystemsWrite   = "gatehouse:systems:write"
	PermSessionsRead   = "gatehouse:sessions:read"
	PermSessionsRevoke = "gatehouse:sessions:revoke"
	PermAuditRead      = "gatehouse:audit:read"
	PermStatsRead      = "gatehouse:stats:read"
)

// Handler serves /api/admin/.
type Handler struct {
	// Guard authenticates requests and checks permissions (RequirePermission).
	Guard    *authapi.Handler
	Identity *identity.Service
	Sessions *session.Manager
	Audit    store.Audit
	Reports  store.AuditReports
	// Deliveries reports a system's single-logout queue; nil leaves the route unmounted.
	Deliveries func(ctx context.Context, systemID string) (any, error)
	// SessionLifetime is the longest absolute lifetime of a session (with "remember me"): a
	// session can only be alive if its user signed in within it.
	SessionLifetime time.Duration
	Now             func() time.Time
	Log             *slog.Logger
}

// Mount registers the routes. Every state-changing one is refused when a browser sends it
// cross-origin (CSRF); every one needs its permission code.
func (h *Handler) Mount(mux *http.ServeMux) {
	csrf := http.NewCrossOriginProtection()
	csrf.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		respond.Error(w, r, domain.Errorf(domain.CodeForbidden, "cross-origin request refused"))
	}))
	route := func(pattern, perm string, fn http.HandlerFunc) {
		mux.Handle(pattern, csrf.Handler(h.Guard.RequirePermission(perm)(fn)))
	}
	route("GET /api/admin/users", PermUsersRead, h.listUsers)
	route("POST /api/admin/users", PermUsersWrite, h.createUser)
	route("GET /api/admin/users/{id}", PermUsersRead, h.getUser)
	route("PATCH /api/admin/users/{id}", PermUsersWrite, h.patchUser)
	route("POST /api/admin/users/{id}/password", PermUsersWrite, h.resetPassword)
	route("PUT /api/admin/users/{id}/roles/{roleId}", PermUsersWrite, h.grantRole)
	route("DELETE /api/admin/users/{id}/roles/{roleId}", PermUsersWrite, h.revokeRole)
	route("GET /api/admin/users/{id}/sessions", PermUsersRead, h.userSessions)
	route("DELETE /api/admin/users/{id}/sessions", PermSessionsRevoke, h.endUserSessions)

	route("GET /api/admin/systems", PermSystemsRead, h.listSystems)
	route("POST /api/admin/systems", PermSystemsWrite, h.createSystem)
	route("GET /api/admin/systems/{id}", PermSystemsRead, h.getSystem)
	route("PATCH /api/admin/systems/{id}", PermSystemsWrite, h.patchSystem)
	route("DELETE /api/admin/systems/{id}", PermSystemsWrite, h.deleteSystem)
	route("POST /api/admin/systems/{id}/secret", PermSystemsWrite, h.rotateSecret)
	if h.Deliveries != nil {
		route("GET /api/admin/systems/{id}/logout-deliveries", PermSystemsRead, h.deliveries)
	}

	route("GET /api/admin/roles", PermSystemsRead, h.listRoles)
	route("POST /api/admin/roles", PermSystemsWrite, h.createRole)
	route("PATCH /api/admin/roles/{id}", PermSystemsWrite, h.patchRole)
	route("DELETE /api/admin/roles/{id}", PermSystemsWrite, h.deleteRole)

	route("GET /api/admin/sessions", PermSessionsRead, h.listSessions)
	route("DELETE /api/admin/sessions/{sid}", PermSessionsRevoke, h.endSession)

	route("GET /api/admin/audit", PermAuditRead, h.listAudit)
	route("GET /api/admin/stats", PermStatsRead, h.stats)
}

// actor is the signed-in administrator, for the audit log.
func actor(r *http.Request) identity.Actor {
	a := identity.Actor{Via: "admin_api", UserAgent: r.UserAgent()}
	if len(a.UserAgent) > 512 {
		a.UserAgent = a.UserAgent[:512]
	}
	if p := authapi.PrincipalFrom(r.Context()); p != nil {
		a.UserID = p.UserID()
	}
	if ip := middleware.ClientIPFrom(r.Context()); ip.IsValid() {
		a.IP = ip.String()
	}
	return a
}

func (h *Handler) now() time.Time {
	if h.Now != nil {
		return h.Now()
	}
	return time.Now()
}

// answer writes v, or err when it is not nil.
func answer(w http.ResponseWriter, r *http.Request, v any, err error) {
	if err != nil {
		respond.Error(w, r, err)
		return
	}
	respond.OK(w, r, v)
}

// page is every list answer.
type page[T any] struct {
	Items  []T `json:"items"`
	Total  int `json:"total"`
	Offset int `json:"offset"`
	Limit  int `json:"limit"`
}

// items is a list answer without paging.
type items[T any] struct {
	Items []T `json:"items"`
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
