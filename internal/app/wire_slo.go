package app

import (
	"context"
	"net/http"
)

// Single logout delivery: the durable per-system queue and its worker. This file is the one
// place that wires it; its owner fills in the functions.

// buildSLO assembles the delivery services over the core (called at the end of Core.build,
// after buildSSO).
func (c *Core) buildSLO(opts Options) {}

// mountSLO registers the delivery-status routes (called by App.routes).
func (a *App) mountSLO(mux *http.ServeMux) {}

// runSLO runs the delivery worker until ctx ends (called by App.Serve in its own goroutine).
func (a *App) runSLO(ctx context.Context) {}
