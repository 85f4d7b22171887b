package oidcapi

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
)

// discovery serves op's discovery document, corrected to what Gatehouse offers: op advertises
// every flow and grant its library can speak (implicit, the JWT bearer grant, the device flow,
// JWT client authentication), Gatehouse mounts only the code flow, the refresh and client
// credentials grants, and secret-based client authentication.
func (h *Handler) discovery(w http.ResponseWriter, r *http.Request) {
	rec := httptest.NewRecorder()
	h.Provider.ServeHTTP(rec, r)
	var doc map[string]any
	if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &doc) != nil {
		copyResponse(w, rec)
		return
	}
	doc["response_types_supported"] = []string{"code"}
	doc["response_modes_supported"] = []string{"query", "form_post"}
	doc["grant_types_supported"] = []string{"authorization_code", "refresh_token", "client_credentials"}
	doc["request_parameter_supported"] = false
	for _, k := range []string{"device_authorization_endpoint", "revocation_endpoint_auth_signing_alg_values_supported",
		"introspection_endpoint_auth_signing_alg_values_supported", "token_endpoint_auth_signing_alg_values_supported",
		"request_object_signing_alg_values_supported"} {
		delete(doc, k)
	}
	body, err := json.Marshal(doc)
	if err != nil {
		copyResponse(w, rec)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "public, max-age=300")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

func copyResponse(w http.ResponseWriter, rec *httptest.ResponseRecorder) {
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())
}
