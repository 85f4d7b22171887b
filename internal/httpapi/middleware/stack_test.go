package middleware_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/gatehouse/gatehouse/internal/httpapi/middleware"
	"github.com/gatehouse/gatehouse/internal/httpapi/ops"
	"github.com/gatehouse/gatehouse/internal/httpapi/respond"
)

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// lines returns the JSON log records whose msg is msg.
func (b *syncBuffer) lines(t *testing.T, msg string) []map[string]any {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(b.buf.String()), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(l), &rec); err != nil {
			t.Fatalf("log line %q: %v", l, err)
		}
		if rec["msg"] == msg {
			out = append(out, rec)
		}
	}
	return out
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// seen is what a handler saw of the request-scoped values.
type seen struct {
	RequestID string `json:"request_id"`
	ClientIP  string `json:"client_ip"`
	HTTPS     bool   `json:"https"`
	BodyLimit int64  `json:"body_limit"`
}

type stack struct {
	srv  *httptest.Server
	logs *syncBuffer
}

// newStack starts the real router behind the full middleware chain, as cmd/gatehouse wires it.
func newStack(t *testing.T, trusted []netip.Prefix, tls bool) *stack {
	t.Helper()
	logs := &syncBuffer{}
	logger := slog.New(slog.NewJSONHandler(logs, nil))
	reg := prometheus.NewRegistry()
	metrics, err := middleware.NewMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	(&ops.Handler{Registry: reg}).Mount(mux)
	mux.HandleFunc("GET /api/things/{id}", func(w http.ResponseWriter, r *http.Request) {
		respond.OK(w, r, map[string]string{"id": r.PathValue("id")})
	})
	mux.HandleFunc("/api/seen", func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		middleware.AddLogAttrs(ctx, slog.String("user_id", "u_7"))
		middleware.Logger(ctx).Info("inside the handler")
		respond.OK(w, r, seen{
			RequestID: middleware.RequestIDFrom(ctx),
			ClientIP:  middleware.ClientIPFrom(ctx).String(),
			HTTPS:     middleware.IsHTTPS(r),
			BodyLimit: middleware.BodyLimitFrom(ctx),
		})
	})
	mux.HandleFunc("POST /api/upload", func(w http.ResponseWriter, r *http.Request) {
		n, err := io.Copy(io.Discard, r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusRequestEntityTooLarge)
			return
		}
		fmt.Fprint(w, n)
	})
	mux.HandleFunc("GET /api/panic", func(http.ResponseWriter, *http.Request) {
		panic("secret value 0xdeadbeef")
	})
	mux.HandleFunc("GET /page/panic", func(http.ResponseWriter, *http.Request) {
		panic("page panic")
	})
	mux.HandleFunc("GET /api/panic-late", func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte(`{"code":0,`))
		panic("too late")
	})
	mux.HandleFunc("GET /page", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprint(w, "<p>hello</p>")
	})
	mux.Handle("/api/", respond.Fallback(mux))

	h := middleware.Chain(mux,
		middleware.RequestID,
		middleware.NewClientIP(trusted).Middleware,
		middleware.Logging(logger),
		metrics.Middleware,
		middleware.Recover(respond.Error),
		middleware.SecurityHeaders,
		middleware.BodyLimit(4096),
	)
	srv := httptest.NewUnstartedServer(h)
	if tls {
		srv.StartTLS()
	} else {
		srv.Start()
	}
	t.Cleanup(srv.Close)
	return &stack{srv: srv, logs: logs}
}

type result struct {
	status int
	header http.Header
	body   string
	err    error // a transport failure
}

// get sends method path with headers given as name, value pairs; a name may repeat.
func (s *stack) do(t *testing.T, method, path, body string, headers ...string) result {
	t.Helper()
	req, err := http.NewRequest(method, s.srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Add(headers[i], headers[i+1])
	}
	res, err := s.srv.Client().Do(req)
	if err != nil {
		return result{err: err}
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	return result{status: res.StatusCode, header: res.Header, body: string(raw), err: err}
}

// seen calls /api/seen and returns what the handler saw.
func (s *stack) seen(t *testing.T, headers ...string) (seen, result) {
	t.Helper()
	r := s.do(t, "GET", "/api/seen", "", headers...)
	if r.err != nil || r.status != 200 {
		t.Fatalf("/api/seen: %d %v %s", r.status, r.err, r.body)
	}
	var env struct{ Data seen }
	if err := json.Unmarshal([]byte(r.body), &env); err != nil {
		t.Fatal(err)
	}
	return env.Data, r
}
