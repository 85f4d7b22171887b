package middleware_test

import (
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/gatehouse/gatehouse/internal/httpapi/middleware"
)

func TestMetricsLabelledByRoutePattern(t *testing.T) {
	s := newStack(t, nil, false)
	for _, p := range []string{"/api/things/1", "/api/things/2", "/api/things/3"} {
		s.do(t, "GET", p, "")
	}
	s.do(t, "GET", "/api/no/such/thing", "") // the /api/ catch-all
	s.do(t, "GET", "/nowhere-1", "")
	s.do(t, "GET", "/nowhere-2", "")
	s.do(t, "BREW", "/api/things/1", "")
	s.do(t, "GET", "/api/panic", "")
	s.do(t, "GET", "/api/panic-late", "")

	r := s.do(t, "GET", "/metrics", "")
	if r.status != 200 {
		t.Fatalf("/metrics: %d", r.status)
	}
	for _, want := range []string{
		`gatehouse_http_requests_total{method="GET",route="GET /api/things/{id}",status="200"} 3`,
		`gatehouse_http_requests_total{method="GET",route="/api/",status="404"} 1`,
		`gatehouse_http_requests_total{method="GET",route="unmatched",status="404"} 2`,
		`gatehouse_http_requests_total{method="other",route="/api/",status="405"} 1`,
		`gatehouse_http_requests_total{method="GET",route="GET /api/panic",status="500"} 1`,
		`gatehouse_http_request_duration_seconds_count{method="GET",route="GET /api/things/{id}"} 3`,
		`gatehouse_http_request_duration_seconds_bucket{method="GET",route="GET /api/things/{id}",le="+Inf"} 3`,
	} {
		if !strings.Contains(r.body, want+"\n") {
			t.Errorf("scrape lacks %s\n%s", want, r.body)
		}
	}
	// The client may retry the aborted GET on a fresh connection; count at least one.
	if !strings.Contains(r.body, `gatehouse_http_requests_total{method="GET",route="GET /api/panic-late",status="aborted"} `) {
		t.Error("scrape lacks the aborted answer")
	}
	for _, leak := range []string{"/api/things/1", "nowhere", "BREW", "/api/no/such"} {
		if strings.Contains(r.body, leak) {
			t.Errorf("a raw path or method became a label: %s", leak)
		}
	}
}

func TestMetricsRegisterOnce(t *testing.T) {
	reg := prometheus.NewRegistry()
	if _, err := middleware.NewMetrics(reg); err != nil {
		t.Fatal(err)
	}
	if _, err := middleware.NewMetrics(reg); err == nil {
		t.Error("registering twice on one registry must fail")
	}
}
