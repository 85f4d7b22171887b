package middleware_test

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gatehouse/gatehouse/internal/httpapi/middleware"
)

func TestRequestID(t *testing.T) {
	s := newStack(t, nil, false)
	for _, id := range []string{"abc", "A-b_c.9", strings.Repeat("x", 64)} {
		got, r := s.seen(t, "X-Request-Id", id)
		if got.RequestID != id || r.header.Get("X-Request-Id") != id {
			t.Errorf("sane %q: handler saw %q, header %q", id, got.RequestID, r.header.Get("X-Request-Id"))
		}
	}
	ids := map[string]bool{}
	for _, id := range []string{"", strings.Repeat("x", 65), "has space", "a/b", "a\tb", "ünï", "a,b", "<script>", `"q"`} {
		var headers []string
		if id != "" {
			headers = []string{"X-Request-Id", id}
		}
		got, r := s.seen(t, headers...)
		if got.RequestID == id || !middleware.ValidRequestID(got.RequestID) || r.header.Get("X-Request-Id") != got.RequestID {
			t.Errorf("%q: handler saw %q, header %q", id, got.RequestID, r.header.Get("X-Request-Id"))
		}
		ids[got.RequestID] = true
	}
	if len(ids) != 9 {
		t.Errorf("generated ids repeat: %v", ids)
	}
	// Every answer carries one, errors included.
	if r := s.do(t, "GET", "/api/nope", ""); r.header.Get("X-Request-Id") == "" {
		t.Error("404 without X-Request-Id")
	}
	if middleware.RequestIDFrom(httptest.NewRequest("GET", "/", nil).Context()) != "" {
		t.Error("id outside the middleware")
	}
}

func TestChainOrder(t *testing.T) {
	var order []string
	tag := func(name string) middleware.Middleware {
		return func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				order = append(order, name)
				next.ServeHTTP(w, r)
			})
		}
	}
	h := middleware.Chain(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { order = append(order, "handler") }),
		tag("a"), tag("b"), tag("c"))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
	if strings.Join(order, ",") != "a,b,c,handler" {
		t.Errorf("order %v", order)
	}
}

func TestNestedChainsKeepTheRoute(t *testing.T) {
	var route string
	mux := http.NewServeMux()
	mux.HandleFunc("GET /x/{id}", func(http.ResponseWriter, *http.Request) {})
	spy := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rec := httptest.NewRecorder()
			middleware.Chain(next, middleware.Logging(nil)).ServeHTTP(rec, r)
			route = r.Pattern // empty: the mux saw a copy
		})
	}
	logs := &syncBuffer{}
	h := middleware.Chain(middleware.Chain(mux, middleware.BodyLimit(10)), spy, middleware.Logging(slog.New(slog.NewJSONHandler(logs, nil))))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/x/1", nil))
	logged := logs.String()
	if route != "" || !strings.Contains(logged, `"route":"GET /x/{id}"`) {
		t.Errorf("route %q, log %s", route, logged)
	}
}
