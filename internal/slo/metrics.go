package slo

import (
	"errors"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/gatehouse/gatehouse/internal/store"
)

// Outcomes of one delivery attempt, the "outcome" label.
const (
	OutcomeDelivered = "delivered" // the system answered 2xx
	OutcomeRetried   = "retried"   // it failed and is tried again later
	OutcomeDead      = "dead"      // it failed for good and was dead-lettered
)

// Metrics are the Prometheus series of single logout. A nil *Metrics records nothing.
type Metrics struct {
	deliveries *prometheus.CounterVec
	unqueuedC  *prometheus.CounterVec
	queue      *prometheus.GaugeVec
	latency    *prometheus.HistogramVec
	post       *prometheus.HistogramVec

	mu     sync.Mutex
	gauged map[string]bool // systems with queue gauges, so removed systems lose theirs
}

// NewMetrics registers the series on reg (nil registers nothing).
func NewMetrics(reg prometheus.Registerer) *Metrics {
	return &Metrics{
		deliveries: register(reg, prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gatehouse_logout_deliveries_total",
			Help: "Attempts to deliver a logout notice (logout token or SAML LogoutRequest) to a system, by outcome: delivered, retried, dead.",
		}, []string{"system", "outcome"})),
		unqueuedC: register(reg, prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gatehouse_logout_unqueued_total",
			Help: "Logouts that could not be queued for a system (the session store or SQL failed); the system is not told.",
		}, []string{"system"})),
		queue: register(reg, prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "gatehouse_logout_queue",
			Help: "Logout notices per system, by state: ready, scheduled (waiting for a retry or in flight), dead.",
		}, []string{"system", "state"})),
		latency: register(reg, prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "gatehouse_logout_delivery_latency_seconds",
			Help:    "Time from the end of a session to the delivery of its logout notice, per system.",
			Buckets: []float64{.01, .05, .1, .5, 1, 5, 15, 60, 300, 1800, 3600, 6 * 3600, 24 * 3600},
		}, []string{"system"})),
		post: register(reg, prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "gatehouse_logout_post_duration_seconds",
			Help:    "Duration of one POST of a logout notice to a system, whatever its outcome.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"system"})),
		gauged: map[string]bool{},
	}
}

func register[C prometheus.Collector](reg prometheus.Registerer, c C) C {
	if reg == nil {
		return c
	}
	if err := reg.Register(c); err != nil {
		var already prometheus.AlreadyRegisteredError
		if errors.As(err, &already) {
			if existing, ok := already.ExistingCollector.(C); ok {
				return existing
			}
		}
		panic(err)
	}
	return c
}

func (m *Metrics) attempt(system, outcome string, took time.Duration) {
	if m == nil {
		return
	}
	m.deliveries.WithLabelValues(system, outcome).Inc()
	m.post.WithLabelValues(system).Observe(took.Seconds())
}

func (m *Metrics) delivered(system string, since time.Duration) {
	if m == nil {
		return
	}
	m.latency.WithLabelValues(system).Observe(since.Seconds())
}

func (m *Metrics) unqueued(system string) {
	if m == nil {
		return
	}
	m.unqueuedC.WithLabelValues(system).Inc()
}

// setQueues sets the queue gauges of the systems in stats and drops those of systems no
// longer listed.
func (m *Metrics) setQueues(stats map[string]store.QueueStats) {
	if m == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for sys := range m.gauged {
		if _, ok := stats[sys]; !ok {
			for _, st := range []string{"ready", "scheduled", "dead"} {
				m.queue.DeleteLabelValues(sys, st)
			}
			delete(m.gauged, sys)
		}
	}
	for sys, st := range stats {
		m.queue.WithLabelValues(sys, "ready").Set(float64(st.Ready))
		m.queue.WithLabelValues(sys, "scheduled").Set(float64(st.Scheduled))
		m.queue.WithLabelValues(sys, "dead").Set(float64(st.Dead))
		m.gauged[sys] = true
	}
}
