package app

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/gatehouse/gatehouse/internal/httpapi/ssoapi"
	"github.com/gatehouse/gatehouse/internal/httpapi/webui"
	"github.com/gatehouse/gatehouse/web"
)

// The web face (issue 7): the built front end — /login, /account, /admin and /assets/ — or,
// in a build without it, the minimal server-rendered sign-in page at /login and a "not built"
// page elsewhere. This file is the one place that wires it.

// mountWeb mounts the web face (called by App.routes).
func (a *App) mountWeb(mux *http.ServeMux) {
	base := ""
	if u, err := url.Parse(a.Config.BaseURL()); err == nil {
		base = strings.TrimSuffix(u.Path, "/")
	}
	h := &webui.Handler{Files: web.Dist(), BasePath: base, Fallback: ssoapi.MinimalLoginPage(base)}
	if err := h.Mount(mux); err != nil {
		a.Log.Error("the built front end cannot be served; serving the minimal sign-in page", "err", err)
		(&webui.Handler{BasePath: base, Fallback: h.Fallback}).Mount(mux)
	}
}
