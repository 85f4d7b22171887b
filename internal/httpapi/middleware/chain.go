package middleware

import (
	"net/http"
	"strings"
)

// Middleware wraps a handler with behaviour of its own.
type Middleware = func(http.Handler) http.Handler

// Chain wraps h in mws, the first outermost: Chain(h, a, b) serves a(b(h)).
//
// It also records the ServeMux pattern that matched (r.Pattern) for the middleware around it,
// which see a copy of the request the mux never touched: Logging and Metrics label by it.
func Chain(h http.Handler, mws ...Middleware) http.Handler {
	h = capturePattern(h)
	for i := len(mws) - 1; i >= 0; i-- {
		h = mws[i](h)
	}
	return h
}

// route holds the matched pattern, shared through the request's state by every copy of it.
type route struct{ pattern string }

// withRoute returns the request's route holder, attaching the request state when missing.
func withRoute(r *http.Request) (*http.Request, *route) {
	r, st := withState(r)
	return r, &st.route
}

// capturePattern stores the pattern the mux set on r, even when the handler panics.
func capturePattern(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if st := stateFrom(r.Context()); st != nil {
			rt := &st.route
			defer func() {
				if r.Pattern != "" { // an outer Chain must not erase what an inner one saw
					rt.pattern = r.Pattern
				}
			}()
		}
		next.ServeHTTP(w, r)
	})
}

// routeLabel is the matched pattern, or "unmatched"; inner is the request passed downstream.
func routeLabel(rt *route, inner *http.Request) string {
	switch {
	case rt.pattern != "":
		return rt.pattern
	case inner.Pattern != "":
		return inner.Pattern
	default:
		return "unmatched"
	}
}

// isAPI reports whether path belongs to the native API, whose answers are envelopes.
func isAPI(path string) bool {
	return path == "/api" || strings.HasPrefix(path, "/api/")
}
