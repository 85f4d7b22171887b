package app

import (
	"net/http"

	"github.com/gatehouse/gatehouse/internal/httpapi/openapi"
)

// mountOpenAPI serves the OpenAPI document of the native API at GET /api/openapi.json.
func (a *App) mountOpenAPI(mux *http.ServeMux) {
	openapi.Handler{}.Mount(mux)
}
