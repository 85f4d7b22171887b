package app

import (
	"context"
	"net/http"

	"github.com/gatehouse/gatehouse/internal/httpapi/adminapi"
	"github.com/gatehouse/gatehouse/internal/httpapi/authapi"
)

// mountAdmin mounts the admin REST API under /api/admin/ (docs/admin-api.md), including the
// single-logout delivery report of each system.
func (a *App) mountAdmin(mux *http.ServeMux) {
	pol := a.Auth.Sessions.Policy
	(&adminapi.Handler{
		Guard:    &authapi.Handler{Auth: a.Auth, Cookies: a.sessionCookies()},
		Identity: a.Identity, Sessions: a.Auth.Sessions, Audit: a.SQL, Reports: a.SQL,
		Deliveries: func(ctx context.Context, systemID string) (any, error) {
			return a.SingleLogout.Deliveries(ctx, systemID)
		},
		SessionLifetime: max(pol.AbsoluteTTL, pol.RememberAbsoluteTTL),
		Now:             a.opts.Now, Log: a.Log,
	}).Mount(mux)
}
