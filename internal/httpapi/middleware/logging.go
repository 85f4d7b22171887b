package middleware

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"time"
)

type loggerKey struct{}

// requestLogger is the logger of one request; AddLogAttrs may grow it while it is served.
type requestLogger struct {
	mu     sync.Mutex
	logger *slog.Logger
}

func (l *requestLogger) get() *slog.Logger {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.logger
}

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
			attrs := make([]any, 0, 2)
			if id := RequestIDFrom(r.Context()); id != "" {
				attrs = append(attrs, slog.String("request_id", id))
			}
			if ip := ClientIPFrom(r.Context()); ip.IsValid() {
				attrs = append(attrs, slog.String("client_ip", ip.String()))
			}
			rl := &requestLogger{logger: base.With(attrs...)}
			r, rt := withRoute(r)
			inner := r.WithContext(context.WithValue(r.Context(), loggerKey{}, rl))
			rec := &recorder{ResponseWriter: w}
			completed := false
			defer func() {
				status := rec.code()
				if !completed { // a panic passes through: the connection is aborted
					status = 0
				}
				rl.get().LogAttrs(inner.Context(), slog.LevelInfo, "http request",
					slog.String("method", r.Method),
					slog.String("path", r.URL.Path),
					slog.String("route", routeLabel(rt, inner)),
					slog.Int("status", status),
					slog.Int64("bytes", rec.bytes),
					slog.Duration("duration", time.Since(start)),
				)
			}()
			next.ServeHTTP(rec, inner)
			completed = true
		})
	}
}

// Logger returns the request's logger set by Logging (or ContextWithLogger); without one it
// returns a logger that discards, never the global default.
func Logger(ctx context.Context) *slog.Logger {
	if rl, ok := ctx.Value(loggerKey{}).(*requestLogger); ok {
		return rl.get()
	}
	return discard
}

// ContextWithLogger returns ctx carrying l as its logger, for work outside Logging (jobs,
// tests). AddLogAttrs works on it too.
func ContextWithLogger(ctx context.Context, l *slog.Logger) context.Context {
	if l == nil {
		l = discard
	}
	return context.WithValue(ctx, loggerKey{}, &requestLogger{logger: l})
}

// AddLogAttrs adds attributes (the user id once known, an error code) to the logger of ctx,
// so that every later log line of the request and its access-log line carry them. It does
// nothing when ctx has no logger.
func AddLogAttrs(ctx context.Context, attrs ...slog.Attr) {
	rl, ok := ctx.Value(loggerKey{}).(*requestLogger)
	if !ok || len(attrs) == 0 {
		return
	}
	args := make([]any, len(attrs))
	for i, a := range attrs {
		args[i] = a
	}
	rl.mu.Lock()
	rl.logger = rl.logger.With(args...)
	rl.mu.Unlock()
}
