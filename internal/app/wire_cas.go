package app

import "net/http"

// The CAS 3.0 face on the SSO engine. This file is the one place that wires it; its owner
// fills in both functions.

// buildCAS assembles the CAS services over the core (called at the end of Core.build, after
// buildSSO).
func (c *Core) buildCAS(opts Options) {}

// mountCAS registers the /cas/ routes (called by App.routes).
func (a *App) mountCAS(mux *http.ServeMux) {}
