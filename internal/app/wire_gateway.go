package app

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/gatehouse/gatehouse/internal/gateway"
	"github.com/gatehouse/gatehouse/internal/httpapi/authapi"
	"github.com/gatehouse/gatehouse/internal/httpapi/forwardauth"
	"github.com/gatehouse/gatehouse/internal/httpapi/middleware"
	"github.com/gatehouse/gatehouse/internal/httpapi/proxy"
	"github.com/gatehouse/gatehouse/internal/httpapi/respond"
)

// The gateway face (forward-auth and the authenticating reverse proxy). This file is the one
// place that wires it.

// buildGateway has nothing to build over the core: the gateway keeps no state of its own, and
// its rules are compiled from the configuration where a face needs them (gatewayRules).
func (c *Core) buildGateway(Options) {}

// gatewayRules compiles the rules and routes. The configuration was validated, so they
// compile; should they not, the gateway denies every request.
func (c *Core) gatewayRules() *gateway.Gateway {
	gc := c.Config.Gateway
	gw, err := gateway.New(gateway.Options{
		Rules: gc.Rules, Routes: gc.Routes, Hosts: gc.Hosts,
		DefaultAccess: gc.DefaultAccess, CaseSensitive: gc.CaseSensitivePaths,
	})
	if err != nil {
		c.Log.Error("gateway rules do not compile; the gateway denies every request", "err", err)
		gw, _ = gateway.New(gateway.Options{})
	}
	return gw
}

// sessionCookies names the session cookie for every face: with gateway.cookie_domain it
// carries that Domain.
func (a *App) sessionCookies() authapi.Cookies {
	return authapi.Cookies{SessionName: a.Config.Session.CookieName, Domain: a.Config.Gateway.CookieDomain}
}

// gatewayChecker is the forward-auth check over the core.
func (a *App) gatewayChecker() *forwardauth.Checker {
	login := a.Config.Gateway.LoginURL
	if login == "" {
		login = a.Config.BaseURL() + "/login"
	}
	base := ""
	if u, err := url.Parse(a.Config.BaseURL()); err == nil {
		base = strings.TrimSuffix(u.Path, "/")
	}
	return &forwardauth.Checker{Auth: a.Auth, Gateway: a.gatewayRules(), Cookies: a.sessionCookies(),
		LoginURL: login, ReturnPath: base + "/gateway/return"}
}

// mountGateway registers the forward-auth endpoint (called by App.routes).
func (a *App) mountGateway(mux *http.ServeMux) {
	(&forwardauth.Handler{
		Checker: a.gatewayChecker(),
		Proxies: middleware.NewClientIP(trustedProxies(a.Config.HTTP.TrustedProxies)),
	}).Mount(mux)
}

// wrapGateway lets the reverse proxy take the requests of its routes before the mux sees them
// (called by App.routes on the finished handler). Proxied requests get their own middleware:
// request id, client IP, access log and recovery, but neither Gatehouse's security headers
// nor its body limit, which are the upstream's business.
func (a *App) wrapGateway(h http.Handler) http.Handler {
	checker := a.gatewayChecker()
	if !checker.Gateway.HasRoutes() {
		return h
	}
	p, err := proxy.New(checker, a.Registry)
	if err != nil {
		a.Log.Error("reverse proxy metrics", "err", err)
		return h
	}
	proxied := middleware.Chain(p.Wrap(http.NotFoundHandler()),
		middleware.RequestID,
		middleware.NewClientIP(trustedProxies(a.Config.HTTP.TrustedProxies)).Middleware,
		middleware.Logging(a.Log),
		middleware.Recover(respond.Error),
	)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p.Match(r) != nil {
			proxied.ServeHTTP(w, r)
			return
		}
		h.ServeHTTP(w, r)
	})
}
