package app

import "net/http"

// The gateway face (forward-auth and the authenticating reverse proxy). This file is the one
// place that wires it; its owner fills in both functions.

// buildGateway assembles the gateway over the core (called at the end of Core.build).
func (c *Core) buildGateway(opts Options) {}

// mountGateway registers the gateway routes (called by App.routes); the reverse proxy may
// also need to wrap the whole handler, which wrapGateway does.
func (a *App) mountGateway(mux *http.ServeMux) {}

// wrapGateway lets the reverse proxy take requests for its configured hosts before the mux
// sees them (called by App.routes on the finished handler).
func (a *App) wrapGateway(h http.Handler) http.Handler { return h }
