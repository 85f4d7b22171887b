package app

import "net/http"

// mountWeb mounts the web face.
func (a *App) mountWeb(mux *http.ServeMux) {}
