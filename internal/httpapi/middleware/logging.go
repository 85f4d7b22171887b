package middleware

import (
	"context"
	"log/slog"
	"net/http"
	"time"
)

var discard = slog.New(slog.DiscardHandler)

// Logging gives each request a logger carrying its request id and client IP (see Logger),
// and writes one access-log line per request when it ends: method, path without query,
// matched route, status (0 when a panic aborted the answer), bytes and duration, plus whatever
// AddLogAttrs added. A nil base discards. Place it inside RequestID and ClientIP.Middleware.
func Logging(base *slog.Logger) Middleware {
	if base == nil {
		base = discard
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			r, st := withState(r)
			st.mu.Lock()
			st.base, st.logger = base, nil
			st.attrs = st.attrs[:0]
			if st.requestID != "" {
				st.attrs = append(st.attrs, slog.String("request_id", st.requestID))
			}
			if st.hasClient && st.client.addr.IsValid() {
				st.attrs = append(st.attrs, slog.String("client_ip", st.client.addr.String()))
			}
			st.mu.Unlock()
			rt := &st.route
			inner := r
			rec := &recorder{ResponseWriter: w}
			completed := false
			defer func() {
				status := rec.code()
				if !completed { // a panic passes through: the connection is aborted
					status = 0
				}
				ctx := inner.Context()
				if !base.Enabled(ctx, slog.LevelInfo) {
					return
				}
				attrs := append(st.logAttrs(),
					slog.String("method", r.Method),
					slog.String("path", r.URL.Path),
					slog.String("route", routeLabel(rt, inner)),
					slog.Int("status", status),
					slog.Int64("bytes", rec.bytes),
					slog.Duration("duration", time.Since(start)),
				)
				base.LogAttrs(ctx, slog.LevelInfo, "http request", attrs...)
			}()
			next.ServeHTTP(rec, inner)
			completed = true
		})
	}
}

// Logger returns the request's logger set by Logging (or ContextWithLogger); without one it
// returns a logger that discards, never the global default.
func Logger(ctx context.Context) *slog.Logger {
	if st := stateFrom(ctx); st != nil {
		return st.log()
	}
	return discard
}

// ContextWithLogger returns ctx carrying l as its logger, for work outside Logging (jobs,
// tests). AddLogAttrs works on it too.
func ContextWithLogger(ctx context.Context, l *slog.Logger) context.Context {
	if l == nil {
		l = discard
	}
	if st := stateFrom(ctx); st != nil {
		st.mu.Lock()
		st.base, st.logger, st.attrs = l, nil, nil
		st.mu.Unlock()
		return ctx
	}
	return context.WithValue(ctx, stateKey{}, &state{base: l})
}

// AddLogAttrs adds attributes (the user id once known, an error code) to the logger of ctx,
// so that every later log line of the request and its access-log line carry them. It does
// nothing when ctx has no logger.
func AddLogAttrs(ctx context.Context, attrs ...slog.Attr) {
	st := stateFrom(ctx)
	if st == nil || len(attrs) == 0 {
		return
	}
	st.addAttrs(attrs)
}
