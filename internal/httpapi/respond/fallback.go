package respond

import (
	"net/http"
	"strings"

	"github.com/gatehouse/gatehouse/internal/domain"
)

// NotFound answers 404 not_found in the envelope. It is an http.HandlerFunc.
func NotFound(w http.ResponseWriter, r *http.Request) {
	Error(w, r, domain.Errorf(domain.CodeNotFound, "no such endpoint"))
}

// MethodNotAllowed answers 405 method_not_allowed in the envelope, naming the allowed
// methods in the Allow header (RFC 9110 §15.5.6).
func MethodNotAllowed(w http.ResponseWriter, r *http.Request, allowed ...string) {
	w.Header().Set("Allow", strings.Join(allowed, ", "))
	Error(w, r, domain.Errorf(domain.CodeMethodNotAllowed, "%s is not allowed here", methodName(r.Method)))
}

// probed are the methods Fallback tries when a path exists for other methods.
var probed = []string{
	http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
	http.MethodDelete, http.MethodOptions,
}

// Fallback is the handler for the "/api/" catch-all of mux: it answers 405 in the envelope
// when mux routes the path for other methods, and 404 otherwise. (Without a catch-all the
// mux itself would answer both in plain text.)
//
//	mux.Handle("/api/", respond.Fallback(mux))
func Fallback(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var allowed []string
		for _, m := range probed {
			if m == r.Method {
				continue
			}
			probe := r.WithContext(r.Context()) // a shallow copy
			probe.Method = m
			if _, p := mux.Handler(probe); p != "" && p != r.Pattern {
				allowed = append(allowed, m)
			}
		}
		if len(allowed) > 0 {
			MethodNotAllowed(w, r, allowed...)
			return
		}
		NotFound(w, r)
	})
}

// methodName is r.Method for the message, bounded: it comes from the client.
func methodName(m string) string {
	if len(m) > 16 {
		return m[:16] + "…"
	}
	return m
}
