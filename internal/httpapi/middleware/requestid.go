package middleware

import (
	"context"
	"crypto/rand"
	"net/http"
)

// HeaderRequestID carries the request id in both directions.
const HeaderRequestID = "X-Request-Id"

// RequestID keeps a sane incoming X-Request-Id (1 to 64 characters of A-Z a-z 0-9 . _ -) or
// generates one, puts it into the context and echoes it in the response header.
func RequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get(HeaderRequestID)
		if !ValidRequestID(id) {
			id = rand.Text()
		}
		w.Header().Set(HeaderRequestID, id)
		r, st := withState(r)
		st.requestID = id
		next.ServeHTTP(w, r)
	})
}

// RequestIDFrom returns the request id of ctx, "" outside RequestID.
func RequestIDFrom(ctx context.Context) string {
	if st := stateFrom(ctx); st != nil {
		return st.requestID
	}
	return ""
}

// ValidRequestID reports whether id may be taken from a client: 1 to 64 characters of
// A-Z a-z 0-9 . _ -, so that it is safe in logs and headers.
func ValidRequestID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
			c == '.', c == '_', c == '-':
		default:
			return false
		}
	}
	return true
}
