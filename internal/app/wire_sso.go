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

// buildSSO assembles the SSO services over the core (called at the end of Core.build). The
// ticket engine keeps no state of its own (tickets live in the session store), so SSO makes
// it from the core wherever it is needed; nothing is kept here.
func (c *Core) buildSSO(Options) {}

// SSO returns the ticket engine over the core's stores and sign-in services; every call gives
// an equivalent engine (the CAS face uses it too).
func (c *Core) SSO() *sso.Service {
	return &sso.Service{
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
		SSO: a.SSO(), Auth: a.Auth, Systems: a.Identity,
		Cookies:  a.sessionCookies(), // the same name and Domain as the sign-in API sets
		BasePath: base, Now: a.opts.Now,
	}).Mount(mux)
}
