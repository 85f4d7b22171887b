package app

import "net/http"

// The browser-SSO face (issue: cross-domain SSO): tickets, /sso/*, the minimal login page.
// This file is the one place that wires it; its owner fills in both functions.

// buildSSO assembles the SSO services over the core (called at the end of Core.build).
func (c *Core) buildSSO(opts Options) {}

// mountSSO registers the SSO routes (called by App.routes).
func (a *App) mountSSO(mux *http.ServeMux) {}
