package app

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/gatehouse/gatehouse/internal/httpapi/cas"
	"github.com/gatehouse/gatehouse/internal/sso/castickets"
)

// The CAS 3.0 face on the SSO engine. This file is the one place that wires it.

// buildCAS assembles the CAS services over the core (called at the end of Core.build, after
// buildSSO): the SSO face's ticket engine, and the ticket log whose end hook queues the SAML
// LogoutRequests of CAS single logout (buildSLO gives it the queue).
func (c *Core) buildCAS(opts Options) {
	tickets := &castickets.Log{KV: c.KV, Systems: c.SQL, Log: opts.Logger, Now: opts.Now}
	c.CASTickets = tickets
	c.Auth.Sessions.OnEnd = append(c.Auth.Sessions.OnEnd, tickets.OnEnd)
}

// mountCAS registers the /cas/ routes (called by App.routes).
func (a *App) mountCAS(mux *http.ServeMux) {
	base := ""
	if u, err := url.Parse(a.Config.BaseURL()); err == nil {
		base = strings.TrimSuffix(u.Path, "/")
	}
	(&cas.Handler{
		SSO: a.Tickets, Auth: a.Auth, Systems: a.SQL, Tickets: a.CASTickets,
		Cookies:  a.sessionCookies(), // the same name and Domain as the sign-in API sets
		BasePath: base, Now: a.opts.Now,
	}).Mount(mux)
}
