package app

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/gatehouse/gatehouse/internal/httpapi/ssoapi"
	"github.com/gatehouse/gatehouse/internal/sso"
)

// The browser-SSO face (issue: cross-domain SSO): tickets, /sso/*, the minimal login page.
// This file is the one place that wires it.

// buildSSO assembles the ticket engine over the core's stores and sign-in services (called at
// the end of Core.build); the SSO and CAS faces share it.
func (c *Core) buildSSO(Options) {
	c.Tickets = &sso.Service{
		KV: c.KV, Systems: c.SQL, Users: c.SQL, Audit: c.SQL,
		Sessions: c.Auth.Sessions, Authz: c.Auth.Authz, Access: c.Auth.Access, Refresh: c.Auth.Refresh,
		TicketTTL: c.Config.SSO.TicketTTL, Now: c.Auth.Now,
	}
}

// mountSSO registers the SSO routes (called by App.routes).
func (a *App) mountSSO(mux *http.ServeMux) {
	base := ""
	if u, err := url.Parse(a.Config.BaseURL()); err == nil {
		base = strings.TrimSuffix(u.Path, "/")
	}
	(&ssoapi.Handler{
		SSO: a.Tickets, Auth: a.Auth, Systems: a.Identity,
		Cookies:  a.sessionCookies(), // the same name and Domain as the sign-in API sets
		BasePath: base, Now: a.opts.Now,
	}).Mount(mux)
}
