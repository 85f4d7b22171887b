package app

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"github.com/gatehouse/gatehouse/internal/httpapi/oidcapi"
	"github.com/gatehouse/gatehouse/internal/oidc"
)

// The OpenID Connect face (issue 5): the provider over the core's stores. This file is the one
// place that wires it.

// oidcBasePath is the path of the public URL: "" at the root, else "/prefix".
func oidcBasePath(baseURL string) string {
	if u, err := url.Parse(baseURL); err == nil {
		return strings.TrimSuffix(u.Path, "/")
	}
	return ""
}

// buildOIDC assembles the provider's storage over the core (called at the end of Core.build).
func (c *Core) buildOIDC(opts Options) {
	oc := c.Config.OIDC
	c.OIDC = &oidc.Storage{
		KV: c.KV, Systems: c.SQL, Secrets: c.Identity, Users: c.Auth.Authz,
		Sessions: c.Auth.Sessions, Refresh: c.Auth.Refresh, Keys: c.Keys,
		Ensure: func(ctx context.Context, alg string) error { return c.Keys.Ensure(ctx, alg) },
		Crypto: oidc.Crypto{Sealer: c.Secrets}, Audit: c.SQL, Log: opts.Logger,
		Now: opts.Now, Rand: opts.Rand, BasePath: oidcBasePath(c.Config.BaseURL()),
		CodeTTL: oc.CodeTTL, AccessTTL: oc.AccessTTL, IDTokenTTL: oc.IDTokenTTL,
	}
}

// mountOIDC mounts the oidc face.
func (a *App) mountOIDC(mux *http.ServeMux) {
	provider, err := oidc.NewProvider(a.Config.Issuer(), a.OIDC)
	if err != nil {
		a.Log.Error("oidc: the provider cannot be built; the OpenID Connect face is off", "err", err)
		return
	}
	(&oidcapi.Handler{
		Provider: provider, Storage: a.OIDC, Auth: a.Auth,
		Cookies:  a.sessionCookies(), // the same name and Domain as the sign-in API sets
		BasePath: oidcBasePath(a.Config.BaseURL()), Now: a.opts.Now,
	}).Mount(mux)
}
