package middleware_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/netip"
	"strings"
	"testing"

	"github.com/gatehouse/gatehouse/internal/httpapi/middleware"
)

func TestRequestLoggerAndAccessLog(t *testing.T) {
	s := newStack(t, []netip.Prefix{loopback}, false)
	r := s.do(t, "GET", "/api/seen?token=s3cret", "", "X-Request-Id", "req-1", "X-Forwarded-For", "198.51.100.4")
	if r.status != 200 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	inside := s.logs.lines(t, "inside the handler")
	if len(inside) != 1 || inside[0]["request_id"] != "req-1" || inside[0]["client_ip"] != "198.51.100.4" || inside[0]["user_id"] != "u_7" {
		t.Errorf("handler log: %v", inside)
	}
	access := s.logs.lines(t, "http request")
	if len(access) != 1 {
		t.Fatalf("access lines: %v", access)
	}
	a := access[0]
	want := map[string]any{
		"request_id": "req-1", "client_ip": "198.51.100.4", "user_id": "u_7", "method": "GET",
		"path": "/api/seen", "route": "/api/seen", "status": float64(200), "bytes": float64(len(r.body)),
	}
	for k, v := range want {
		if a[k] != v {
			t.Errorf("access log %s = %v, want %v", k, a[k], v)
		}
	}
	if _, ok := a["duration"].(float64); !ok {
		t.Errorf("duration %v", a["duration"])
	}
	if strings.Contains(s.logs.String(), "s3cret") {
		t.Error("the query string reached the log")
	}
}

func TestLoggerOutsideMiddleware(t *testing.T) {
	ctx := context.Background()
	l := middleware.Logger(ctx)
	if l == nil || l.Enabled(ctx, slog.LevelError) {
		t.Error("without middleware Logger must discard, not fall back to the global default")
	}
	middleware.AddLogAttrs(ctx, slog.String("k", "v")) // no logger: nothing happens

	var buf syncBuffer
	ctx = middleware.ContextWithLogger(ctx, slog.New(slog.NewJSONHandler(&buf, nil)))
	middleware.AddLogAttrs(ctx, slog.String("job", "cleanup"))
	middleware.Logger(ctx).Info("done")
	var rec map[string]any
	if err := json.Unmarshal([]byte(buf.String()), &rec); err != nil || rec["job"] != "cleanup" {
		t.Errorf("%s %v", buf.String(), err)
	}
}

func TestPanicBecomesInternalEnvelope(t *testing.T) {
	s := newStack(t, nil, false)
	r := s.do(t, "GET", "/api/panic", "", "Accept-Language", "zh")
	var env struct {
		Code int             `json:"code"`
		Msg  string          `json:"msg"`
		Data json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal([]byte(r.body), &env); err != nil || r.status != 500 || env.Code != 50001 || env.Msg != "服务器内部错误。" || string(env.Data) != "null" {
		t.Fatalf("%d %s (%v)", r.status, r.body, err)
	}
	if strings.Contains(r.body, "deadbeef") || strings.Contains(r.body, "goroutine") {
		t.Errorf("panic leaked: %s", r.body)
	}
	if r.header.Get("X-Content-Type-Options") != "nosniff" || r.header.Get("X-Request-Id") == "" {
		t.Errorf("headers lost: %v", r.header)
	}
	logged := s.logs.lines(t, "panic while serving")
	if len(logged) != 1 || logged[0]["panic"] != "secret value 0xdeadbeef" || !strings.Contains(logged[0]["stack"].(string), "runtime/debug.Stack") || logged[0]["request_id"] == nil {
		t.Errorf("panic log: %v", logged)
	}
	if n := len(s.logs.lines(t, "internal error")) + len(s.logs.lines(t, "request failed")); n != 0 {
		t.Errorf("the panic was logged %d more times", n)
	}
	if a := s.logs.lines(t, "http request"); len(a) != 1 || a[0]["status"] != float64(500) || a[0]["route"] != "GET /api/panic" {
		t.Errorf("access log: %v", a)
	}

	// Outside the API the answer is plain text.
	r = s.do(t, "GET", "/page/panic", "")
	if r.status != 500 || strings.TrimSpace(r.body) != "Internal Server Error" {
		t.Errorf("page: %d %q", r.status, r.body)
	}

	// Once the answer has started, the connection is cut rather than the answer corrupted.
	r = s.do(t, "GET", "/api/panic-late", "")
	if r.err == nil {
		t.Errorf("late panic: the client got a complete answer %d %q", r.status, r.body)
	}
	for _, a := range s.logs.lines(t, "http request") {
		if a["path"] == "/api/panic-late" && a["status"] != float64(0) {
			t.Errorf("aborted answer logged with status %v", a["status"])
		}
	}
}
