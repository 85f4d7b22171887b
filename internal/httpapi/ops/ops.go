package ops

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// DefaultCheckTimeout bounds each readiness check when Handler.CheckTimeout is zero.
const DefaultCheckTimeout = 2 * time.Second

// Check is one readiness check: Fn returns nil when the part named Name is usable.
type Check struct {
	Name string
	Fn   func(context.Context) error
}

// Handler serves /healthz, /readyz and /metrics.
type Handler struct {
	// Checks run concurrently on every /readyz call; nothing is cached, so a node reports
	// ready again as soon as its dependencies recover.
	Checks []Check
	// CheckTimeout bounds each check; DefaultCheckTimeout when zero.
	CheckTimeout time.Duration
	// Registry is served at /metrics; without one /metrics is not mounted.
	Registry *prometheus.Registry
	// Logger receives failed checks; nil discards.
	Logger *slog.Logger
}

// Mount registers the endpoints on mux (GET, and so HEAD).
func (h *Handler) Mount(mux *http.ServeMux) {
	mux.HandleFunc("GET /healthz", h.healthz)
	mux.HandleFunc("GET /readyz", h.readyz)
	if h.Registry != nil {
		mux.Handle("GET /metrics", promhttp.HandlerFor(h.Registry, promhttp.HandlerOpts{
			ErrorHandling: promhttp.ContinueOnError,
		}))
	}
}

func (h *Handler) healthz(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write([]byte("ok\n"))
}

// Readiness is the answer of /readyz.
type Readiness struct {
	Status string            `json:"status"`           // "ok" or "unavailable"
	Failed []string          `json:"failed,omitempty"` // names of failed checks, in Checks order
	Checks map[string]string `json:"checks"`           // "ok" or the failure of each check
}

func (h *Handler) readyz(w http.ResponseWriter, r *http.Request) {
	res := h.Ready(r.Context())
	status := http.StatusOK
	if len(res.Failed) > 0 {
		status = http.StatusServiceUnavailable
		if h.Logger != nil {
			h.Logger.Warn("not ready", "failed", res.Failed)
		}
	}
	body, _ := json.Marshal(res)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(append(body, '\n'))
}

// Ready runs every check concurrently, each bounded by the timeout, and reports them all.
// A check that ignores its context is abandoned when its time is up; a check that panics
// fails.
func (h *Handler) Ready(ctx context.Context) Readiness {
	timeout := h.CheckTimeout
	if timeout <= 0 {
		timeout = DefaultCheckTimeout
	}
	results := make([]chan error, len(h.Checks))
	for i, c := range h.Checks {
		results[i] = make(chan error, 1)
		go func() { results[i] <- run(ctx, c, timeout) }()
	}
	res := Readiness{Status: "ok", Checks: make(map[string]string, len(h.Checks))}
	for i, c := range h.Checks {
		if err := <-results[i]; err != nil {
			res.Failed = append(res.Failed, c.Name)
			res.Checks[c.Name] = err.Error()
		} else {
			res.Checks[c.Name] = "ok"
		}
	}
	if len(res.Failed) > 0 {
		res.Status = "unavailable"
	}
	return res
}

func run(ctx context.Context, c Check, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		defer func() {
			if v := recover(); v != nil {
				done <- fmt.Errorf("check panicked: %v", v)
			}
		}()
		done <- c.Fn(ctx)
	}()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return fmt.Errorf("no answer within %s", timeout)
	}
}
