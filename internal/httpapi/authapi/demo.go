package authapi

import (
	"net/http"

	"github.com/gatehouse/gatehouse/internal/httpapi/respond"
)

// mountDemo serves requirement 001's test controller on the demo system: everyone is welcome
// on /everyone; /user needs any demo role; /editor needs the permission demo:article:edit
// (EDITOR holds demo:article:*, ADMIN demo:*); /admin needs the role ADMIN.
func (h *Handler) mountDemo(mux *http.ServeMux) {
	greet := func(what string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			data := map[string]any{"endpoint": what}
			if p := PrincipalFrom(r.Context()); p != nil {
				data["user"] = p.Identity.User.Username
				data["roles"] = nonNil(p.Effective("demo").Roles)
			}
			respond.OK(w, r, data)
		}
	}
	mux.Handle("GET /api/demo/everyone", h.Authenticate(greet("everyone")))
	mux.Handle("GET /api/demo/user", h.RequireRole("demo", "USER", "EDITOR", "ADMIN")(greet("user")))
	mux.Handle("GET /api/demo/editor", h.RequirePermission("demo:article:edit")(greet("editor")))
	mux.Handle("GET /api/demo/admin", h.RequireRole("demo", "ADMIN")(greet("admin")))
}
