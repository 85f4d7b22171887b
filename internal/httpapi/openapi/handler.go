package openapi

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"net/http"
	"strconv"
	"time"
)

//go:embed openapi.json
var document []byte

// Document returns the embedded OpenAPI document (a copy).
func Document() []byte { return bytes.Clone(document) }

// etag is the strong validator of the document.
var etag = func() string {
	sum := sha256.Sum256(document)
	return `"` + base64.RawURLEncoding.EncodeToString(sum[:12]) + `"`
}()

// MaxAge is how long clients may cache the document.
const MaxAge = 5 * time.Minute

// Handler serves the document.
type Handler struct{}

// Mount registers GET /api/openapi.json (HEAD too, as for every GET route).
func (Handler) Mount(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/openapi.json", serve)
}

// serve answers the document with a short cache lifetime and an ETag (If-None-Match gets 304,
// RFC 9110 §13.1.2).
func serve(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "public, max-age="+strconv.Itoa(int(MaxAge/time.Second)))
	h.Set("ETag", etag)
	http.ServeContent(w, r, "openapi.json", time.Time{}, bytes.NewReader(document))
}
