package app

import (
	"context"

	"github.com/gatehouse/gatehouse/internal/slo"
)

// Single logout delivery: the durable per-system queue and its worker. This file is the one
// place that wires it.

// buildSLO assembles the delivery services over the core (called at the end of Core.build,
// after buildSSO and buildCAS), hooks them to the end of every session, and hands them to the
// CAS ticket log, whose SAML LogoutRequests they deliver too.
func (c *Core) buildSLO(opts Options) {
	lc := c.Config.Logout
	svc := &slo.Service{
		Queue: c.KV, Systems: c.SQL, Keys: c.Keys,
		Issuer: c.Config.Issuer(), Algorithm: c.Config.Tokens.SigningAlgorithm,
		RetryFor: lc.RetryFor, Timeout: lc.Timeout, Concurrency: lc.Concurrency,
		Metrics: slo.NewMetrics(c.Registry), Log: opts.Logger, Now: opts.Now, Rand: opts.Rand,
	}
	c.SingleLogout = svc
	c.CASTickets.Logout = svc
	c.Auth.Sessions.OnEnd = append(c.Auth.Sessions.OnEnd, svc.OnEnd)
}

// runSLO runs the delivery worker until ctx ends (called by App.Serve in its own goroutine).
func (a *App) runSLO(ctx context.Context) {
	a.SingleLogout.Run(ctx)
}
