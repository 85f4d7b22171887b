// Package middleware holds the request plumbing every face of Gatehouse shares: request ids,
// the client address behind trusted proxies, the per-request logger and access log, panic
// recovery, Prometheus metrics, body limits and security headers. Each is a Middleware,
// composed with Chain.
//
// It owns the request-scoped values other packages read back from the context
// (RequestIDFrom, ClientIPFrom, IsHTTPS, Logger, BodyLimitFrom). It must not know about any
// face's routes or the domain's rules, and it never writes an API body itself: Recover is
// given the writer of package respond.
//
// The usual order, outermost first:
//
//	h := middleware.Chain(mux,
//		middleware.RequestID,
//		clientIP.Middleware,
//		middleware.Logging(logger),
//		metrics.Middleware,
//		middleware.Recover(respond.Error),
//		middleware.SecurityHeaders,
//		middleware.BodyLimit(1<<20),
//	)
package middleware
