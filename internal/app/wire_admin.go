package app

import "net/http"

// mountAdmin mounts the admin face.
func (a *App) mountAdmin(mux *http.ServeMux) {}
