package middleware

import (
	"context"
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

// routeKey holds a *route shared by every copy of one request's context.
type routeKey struct{}

type route struct{ pattern string }

// withRoute returns the request's route holder, adding one to its context when missing.
func withRoute(r *http.Request) (*http.Request, *route) {
	if rt, ok := r.Context().Value(routeKey{}).(*route); ok {
		return r, rt
	}
	rt := &route{}
	return r.WithContext(context.WithValue(r.Context(), routeKey{}, rt)), rt
}

// capturePattern stores the pattern the mux set on r, even when the handler panics.
func capturePattern(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if rt, ok := r.Context().Value(routeKey{}).(*route); ok {
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
