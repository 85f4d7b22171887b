package openapi

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestServe(t *testing.T) {
	mux := http.NewServeMux()
	Handler{}.Mount(mux)
	get := func(method string, hdr ...string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, "/api/openapi.json", nil)
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, req)
		return w
	}

	w := get("GET")
	if w.Code != 200 || w.Header().Get("Content-Type") != "application/json" ||
		w.Header().Get("Cache-Control") != "public, max-age=300" || w.Header().Get("ETag") == "" {
		t.Fatalf("GET: %d %v", w.Code, w.Header())
	}
	var doc struct {
		OpenAPI string         `json:"openapi"`
		Paths   map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &doc); err != nil || doc.OpenAPI != "3.1.0" || len(doc.Paths) == 0 {
		t.Fatalf("body: %v %q %d paths", err, doc.OpenAPI, len(doc.Paths))
	}

	if w := get("HEAD"); w.Code != 200 || w.Body.Len() != 0 {
		t.Fatalf("HEAD: %d, %d bytes", w.Code, w.Body.Len())
	}
	if w := get("GET", "If-None-Match", w.Header().Get("ETag")); w.Code != http.StatusNotModified {
		t.Fatalf("If-None-Match: %d", w.Code)
	}
	if w := get("GET", "If-None-Match", `"other"`); w.Code != 200 {
		t.Fatalf("another ETag: %d", w.Code)
	}
	if w := get("POST"); w.Code != http.StatusMethodNotAllowed {
		t.Fatalf("POST: %d", w.Code)
	}
	// Callers get a copy: changing it changes nothing served.
	d := Document()
	d[0] = 'X'
	if Document()[0] != '{' {
		t.Fatal("Document returned the served bytes")
	}
}
