package ops_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/httpapi/ops"
	"github.com/gatehouse/gatehouse/internal/telemetry"
)

func get(t *testing.T, srv *httptest.Server, path string) (int, http.Header, string) {
	t.Helper()
	res, err := srv.Client().Get(srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, res.Header, string(body)
}

func serve(t *testing.T, h *ops.Handler) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	h.Mount(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestReadyzFollowsItsChecks(t *testing.T) {
	var storeErr atomic.Value // error or nil
	storeErr.Store(errors.New(""))
	sessionStore := func(context.Context) error {
		if err := storeErr.Load().(error); err.Error() != "" {
			return err
		}
		return nil
	}
	srv := serve(t, &ops.Handler{Checks: []ops.Check{
		{Name: "sql", Fn: func(ctx context.Context) error { return ctx.Err() }},
		{Name: "session_store", Fn: sessionStore},
	}})

	status, hdr, body := get(t, srv, "/readyz")
	if status != 200 || hdr.Get("Content-Type") != "application/json; charset=utf-8" {
		t.Fatalf("ready: %d %s", status, body)
	}
	var r ops.Readiness
	if err := json.Unmarshal([]byte(body), &r); err != nil || r.Status != "ok" || r.Failed != nil || r.Checks["sql"] != "ok" || r.Checks["session_store"] != "ok" {
		t.Errorf("ready body %s", body)
	}

	storeErr.Store(errors.New("dial tcp 127.0.0.1:6379: connect: connection refused"))
	status, _, body = get(t, srv, "/readyz")
	r = ops.Readiness{}
	if err := json.Unmarshal([]byte(body), &r); err != nil || status != 503 || r.Status != "unavailable" ||
		len(r.Failed) != 1 || r.Failed[0] != "session_store" || r.Checks["sql"] != "ok" ||
		!strings.Contains(r.Checks["session_store"], "connection refused") {
		t.Errorf("failing: %d %s", status, body)
	}

	storeErr.Store(errors.New("")) // the store is back: nothing was cached
	if status, _, body = get(t, srv, "/readyz"); status != 200 {
		t.Errorf("recovered: %d %s", status, body)
	}
}

func TestReadyzRunsChecksConcurrentlyAndBoundsThem(t *testing.T) {
	// Each of a and b waits for the other: run one after the other, both would time out.
	a, b := make(chan struct{}), make(chan struct{})
	meet := func(mine, theirs chan struct{}) func(context.Context) error {
		return func(ctx context.Context) error {
			close(mine)
			select {
			case <-theirs:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		}
	}
	h := &ops.Handler{Checks: []ops.Check{
		{Name: "a", Fn: meet(a, b)},
		{Name: "b", Fn: meet(b, a)},
		{Name: "panicky", Fn: func(context.Context) error { panic("boom") }},
		{Name: "nil", Fn: nil},
	}}
	r := h.Ready(context.Background())
	if r.Checks["a"] != "ok" || r.Checks["b"] != "ok" {
		t.Errorf("a and b did not run together: %v", r.Checks)
	}
	if !strings.Contains(r.Checks["panicky"], "boom") || !strings.Contains(r.Checks["nil"], "panicked") {
		t.Errorf("checks %v", r.Checks)
	}
	if strings.Join(r.Failed, ",") != "panicky,nil" || r.Status != "unavailable" {
		t.Errorf("failed %v", r.Failed)
	}

	// A check that ignores its context is abandoned when its time is up.
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	h = &ops.Handler{CheckTimeout: 10 * time.Millisecond, Checks: []ops.Check{
		{Name: "deaf", Fn: func(context.Context) error { <-release; return nil }},
	}}
	if r := h.Ready(context.Background()); r.Checks["deaf"] != "no answer within 10ms" {
		t.Errorf("deaf: %v", r.Checks)
	}
}

func TestHealthzAndMetrics(t *testing.T) {
	srv := serve(t, &ops.Handler{
		Registry: telemetry.NewRegistry(),
		Checks:   []ops.Check{{Name: "sql", Fn: func(context.Context) error { return errors.New("down") }}},
	})
	// Alive even when not ready.
	if status, _, body := get(t, srv, "/healthz"); status != 200 || body != "ok\n" {
		t.Errorf("healthz %d %q", status, body)
	}
	status, _, body := get(t, srv, "/metrics")
	if status != 200 || !strings.Contains(body, "gatehouse_build_info{version=") || !strings.Contains(body, "go_goroutines") {
		t.Errorf("metrics %d %.300s", status, body)
	}
	res, err := srv.Client().Post(srv.URL+"/healthz", "text/plain", nil)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 405 {
		t.Errorf("POST /healthz: %d", res.StatusCode)
	}
	// Without a registry /metrics is not mounted.
	if status, _, _ := get(t, serve(t, &ops.Handler{}), "/metrics"); status != 404 {
		t.Errorf("metrics without registry: %d", status)
	}
}
