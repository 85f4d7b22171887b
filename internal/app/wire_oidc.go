package app

import "net/http"

// mountOIDC mounts the oidc face.
func (a *App) mountOIDC(mux *http.ServeMux) {}
