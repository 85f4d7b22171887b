package respond_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/httpapi/middleware"
	"github.com/gatehouse/gatehouse/internal/httpapi/respond"
)

// syncBuffer collects log output written by concurrent requests.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

const testBodyLimit = 1024

type thing struct {
	Name  string   `json:"name"`
	Count int      `json:"count"`
	Tags  []string `json:"tags"`
}

// newServer starts the real router with the middleware of every face and a few handlers
// that exercise respond.
func newServer(t *testing.T) (*httptest.Server, *syncBuffer) {
	t.Helper()
	logs := &syncBuffer{}
	logger := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/things/{id}", func(w http.ResponseWriter, r *http.Request) {
		respond.OK(w, r, map[string]string{"id": r.PathValue("id")})
	})
	mux.HandleFunc("POST /api/things", func(w http.ResponseWriter, r *http.Request) {
		var in thing
		if err := respond.DecodeJSON(w, r, &in); err != nil {
			respond.Error(w, r, err)
			return
		}
		respond.Created(w, r, in)
	})
	mux.HandleFunc("GET /api/errors/{code}", func(w http.ResponseWriter, r *http.Request) {
		switch code := r.PathValue("code"); code {
		case "plain":
			respond.Error(w, r, errors.New("dial db: password=hunter2"))
		case "wrapped":
			respond.Error(w, r, domain.Wrap(domain.CodeUnavailable, errors.New("redis at 10.0.0.7 refused"), "the session store is down"))
		case "fields":
			var p domain.Problems
			p.Add("username", "is required")
			p.Add("email", "is not an email address")
			respond.Error(w, r, p.Err())
		case "unknown":
			respond.Error(w, r, domain.Errorf("no_such_code", "never shown"))
		default:
			respond.Error(w, r, domain.Errorf(domain.Code(code), "detail of %s", code))
		}
	})
	mux.HandleFunc("GET /api/bad-data", func(w http.ResponseWriter, r *http.Request) {
		respond.OK(w, r, func() {}) // cannot be encoded
	})
	mux.Handle("/api/", respond.Fallback(mux))
	h := middleware.Chain(mux,
		middleware.RequestID,
		middleware.Logging(logger),
		middleware.Recover(respond.Error),
		middleware.SecurityHeaders,
		middleware.BodyLimit(testBodyLimit),
	)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv, logs
}

// answer is a decoded envelope with its data left raw.
type answer struct {
	Status int
	Header http.Header
	Raw    string
	Code   int             `json:"code"`
	Msg    string          `json:"msg"`
	Data   json.RawMessage `json:"data"`
}

func (a answer) errorData(t *testing.T) respond.ErrorData {
	t.Helper()
	var d respond.ErrorData
	if string(a.Data) != "null" {
		if err := json.Unmarshal(a.Data, &d); err != nil {
			t.Fatalf("data %s: %v", a.Data, err)
		}
	}
	return d
}

// call sends a request; headers are name, value pairs.
func call(t *testing.T, srv *httptest.Server, method, path, body string, headers ...string) answer {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, srv.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	a := answer{Status: res.StatusCode, Header: res.Header, Raw: string(raw)}
	if method != http.MethodHead {
		if ct := res.Header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
			t.Fatalf("%s %s: Content-Type %q, body %s", method, path, ct, raw)
		}
		if err := json.Unmarshal(raw, &a); err != nil {
			t.Fatalf("%s %s: not an envelope: %s", method, path, raw)
		}
		var keys map[string]json.RawMessage
		_ = json.Unmarshal(raw, &keys)
		if len(keys) != 3 || keys["code"] == nil || keys["msg"] == nil || keys["data"] == nil {
			t.Fatalf("%s %s: envelope must hold exactly code, msg, data: %s", method, path, raw)
		}
	}
	return a
}
