package middleware_test

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/gatehouse/gatehouse/internal/httpapi/middleware"
)

func TestSecurityHeaders(t *testing.T) {
	s := newStack(t, []netip.Prefix{loopback}, false)
	common := map[string]string{
		"X-Content-Type-Options":  "nosniff",
		"Referrer-Policy":         "no-referrer",
		"X-Frame-Options":         "DENY",
		"Content-Security-Policy": middleware.DefaultCSP,
	}
	for _, path := range []string{"/api/things/1", "/api/nope", "/page", "/healthz"} {
		r := s.do(t, "GET", path, "")
		for k, v := range common {
			if got := r.header.Get(k); got != v {
				t.Errorf("%s: %s = %q", path, k, got)
			}
		}
		api := strings.HasPrefix(path, "/api/")
		if got := r.header.Get("Cache-Control"); api && got != "no-store" {
			t.Errorf("%s: Cache-Control %q", path, got)
		}
		if r.header.Get("Strict-Transport-Security") != "" {
			t.Errorf("%s: HSTS over plain http", path)
		}
	}
	if r := s.do(t, "GET", "/page", ""); r.header.Get("Cache-Control") != "" {
		t.Errorf("page: Cache-Control %q", r.header.Get("Cache-Control"))
	}
	if r := s.do(t, "GET", "/api/things/1", "", "X-Forwarded-Proto", "https"); r.header.Get("Strict-Transport-Security") != middleware.HSTS {
		t.Error("no HSTS behind a trusted TLS proxy")
	}
}

func TestBodyLimit(t *testing.T) {
	s := newStack(t, nil, false)
	if got, _ := s.seen(t); got.BodyLimit != 4096 {
		t.Errorf("limit in context %d", got.BodyLimit)
	}
	if r := s.do(t, "POST", "/api/upload", strings.Repeat("x", 4096)); r.status != 200 || r.body != "4096" {
		t.Errorf("at the limit: %d %q", r.status, r.body)
	}
	if r := s.do(t, "POST", "/api/upload", strings.Repeat("x", 4097)); r.status != 413 {
		t.Errorf("over the limit: %d %q", r.status, r.body)
	}
}
