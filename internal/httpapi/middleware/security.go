package middleware

import "net/http"

// Default security headers. A face that serves HTML sets its own Content-Security-Policy,
// which replaces this one.
const (
	DefaultCSP = "default-src 'none'; frame-ancestors 'none'"
	HSTS       = "max-age=31536000"
)

// SecurityHeaders sets, before the handler runs: X-Content-Type-Options nosniff,
// Referrer-Policy no-referrer, X-Frame-Options DENY, the strict DefaultCSP,
// Strict-Transport-Security when the request came over HTTPS (see IsHTTPS), and
// Cache-Control no-store on /api/ answers. Handlers may override any of them.
func SecurityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Content-Security-Policy", DefaultCSP)
		if IsHTTPS(r) {
			h.Set("Strict-Transport-Security", HSTS)
		}
		if isAPI(r.URL.Path) {
			h.Set("Cache-Control", "no-store")
		}
		next.ServeHTTP(w, r)
	})
}
