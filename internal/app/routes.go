package app

import (
	"github.com/gatehouse/gatehouse/internal/httpapi/authapi"
	"net/http"

	"github.com/gatehouse/gatehouse/internal/httpapi/middleware"
	"github.com/gatehouse/gatehouse/internal/httpapi/ops"
	"github.com/gatehouse/gatehouse/internal/httpapi/respond"
)

// routes mounts every HTTP area on one mux and wraps it in the shared middleware.
func (a *App) routes() (http.Handler, error) {
	mux := http.NewServeMux()
	(&ops.Handler{
		Checks: []ops.Check{
			{Name: "sql", Fn: a.SQL.Ping},
			{Name: "session_store", Fn: a.KV.Ping},
		},
		Registry: a.Registry,
		Logger:   a.Log,
	}).Mount(mux)
	(&authapi.Handler{
		Auth: a.Auth, Captcha: a.Captcha, Cookies: a.sessionCookies(),
		RefreshInBody: a.Config.Tokens.RefreshInBody, RefreshTTL: a.Config.Tokens.RefreshTTL,
		Demo: a.Config.Demo, Now: a.opts.Now, Counters: a.KV,
	}).Mount(mux)
	a.mountSSO(mux)
	a.mountCAS(mux)
	a.mountGateway(mux)
	a.mountOIDC(mux)
	a.mountAdmin(mux)
	a.mountOpenAPI(mux)
	a.mountWeb(mux)
	mux.Handle("/api/", respond.Fallback(mux))

	metrics, err := middleware.NewMetrics(a.Registry)
	if err != nil {
		return nil, err
	}
	return a.wrapGateway(middleware.Chain(mux,
		middleware.RequestID,
		middleware.NewClientIP(trustedProxies(a.Config.HTTP.TrustedProxies)).Middleware,
		middleware.Logging(a.Log),
		metrics.Middleware,
		middleware.Recover(respond.Error),
		middleware.SecurityHeaders,
		middleware.BodyLimit(a.Config.HTTP.MaxBodyBytes),
	)), nil
}
