package middleware

import (
	"context"
	"net/http"
)

// DefaultBodyLimit is the body limit when no BodyLimit set one: 1 MiB.
const DefaultBodyLimit int64 = 1 << 20

// BodyLimit caps request bodies at n bytes: it wraps r.Body in http.MaxBytesReader and puts
// n into the context, where respond.DecodeJSON reads it back to report body_too_large.
// A face that needs another limit puts a BodyLimit on its own routes.
func BodyLimit(n int64) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Body != nil && r.Body != http.NoBody {
				r.Body = http.MaxBytesReader(w, r.Body, n)
			}
			r, st := withState(r)
			st.bodyLimit = n
			next.ServeHTTP(w, r)
		})
	}
}

// BodyLimitFrom returns the body limit of ctx, DefaultBodyLimit when none was set.
func BodyLimitFrom(ctx context.Context) int64 {
	if st := stateFrom(ctx); st != nil && st.bodyLimit > 0 {
		return st.bodyLimit
	}
	return DefaultBodyLimit
}
