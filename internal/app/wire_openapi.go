package app

import "net/http"

// mountOpenAPI serves the OpenAPI document of the native API.
func (a *App) mountOpenAPI(mux *http.ServeMux) {}
