package middleware

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
)

// state is everything the middleware records about one request. It is attached to the
// request's context once, by the outermost middleware that needs it, and filled in by the
// others, so the chain copies the request once instead of once per middleware.
type state struct {
	requestID string
	client    client
	hasClient bool
	bodyLimit int64
	route     route

	mu        sync.Mutex
	base      *slog.Logger // the logger of Logging; nil outside it
	attrs     []slog.Attr  // request id, client IP, then whatever AddLogAttrs adds
	logger    *slog.Logger // base with attrs, made on first use
	hasLogger bool
}

type stateKey struct{}

// withState returns r carrying a state, attaching a new one when it has none.
func withState(r *http.Request) (*http.Request, *state) {
	if st, ok := r.Context().Value(stateKey{}).(*state); ok {
		return r, st
	}
	st := &state{}
	return r.WithContext(context.WithValue(r.Context(), stateKey{}, st)), st
}

func stateFrom(ctx context.Context) *state {
	st, _ := ctx.Value(stateKey{}).(*state)
	return st
}

// log returns the request's logger, building it from base and attrs on first use.
func (st *state) log() *slog.Logger {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.base == nil {
		return discard
	}
	if st.logger == nil {
		args := make([]any, len(st.attrs))
		for i, a := range st.attrs {
			args[i] = a
		}
		st.logger = st.base.With(args...)
	}
	return st.logger
}

func (st *state) addAttrs(attrs []slog.Attr) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.attrs = append(st.attrs, attrs...)
	st.logger = nil
}

// logAttrs returns a copy of the attributes gathered so far.
func (st *state) logAttrs() []slog.Attr {
	st.mu.Lock()
	defer st.mu.Unlock()
	return append([]slog.Attr(nil), st.attrs...)
}
