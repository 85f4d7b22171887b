package throttle

import (
	"errors"

	"github.com/prometheus/client_golang/prometheus"
)

// scope names a window or lock.
type scope int

const (
	scopePair scope = iota
	scopeUser
	scopeIP
	numScopes
)

var scopeNames = [numScopes]string{"pair", "user", "ip"}

// Metrics count failures, locks and captcha demands. A nil *Metrics counts nothing.
type Metrics struct {
	failures [numScopes]prometheus.Counter
	locks    [numScopes]prometheus.Counter // pair and ip only
	captcha  prometheus.Counter
}

// NewMetrics registers the metrics with reg, or reuses them when reg holds them already (so
// that several Throttles may share a registry); a nil reg registers nothing. It panics, like
// prometheus.MustRegister, when reg holds different metrics of the same names.
//
//   - gatehouse_login_failures_total{scope="pair|user|ip"}: failures recorded in that scope's
//     window. The three rise together, except that a window holding twice its highest
//     threshold records no more (which bounds its size), so under attack they part.
//   - gatehouse_login_locks_total{scope="pair|ip"}: locks set (or renewed by a further failure).
//   - gatehouse_login_captcha_required_total: attempts that Check told to bring a captcha.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	fails := register(reg, prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "gatehouse_login_failures_total",
		Help: "Failed sign-ins recorded, by the scope of the window that counted them.",
	}, []string{"scope"}))
	locks := register(reg, prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "gatehouse_login_locks_total",
		Help: "Temporary sign-in locks set, by scope: a (user, IP) pair or an IP.",
	}, []string{"scope"}))
	captcha := register(reg, prometheus.NewCounter(prometheus.CounterOpts{
		Name: "gatehouse_login_captcha_required_total",
		Help: "Sign-in attempts that had to bring a captcha answer.",
	}))
	m := &Metrics{captcha: captcha}
	for sc, name := range scopeNames {
		m.failures[sc] = fails.WithLabelValues(name)
		if scope(sc) != scopeUser {
			m.locks[sc] = locks.WithLabelValues(name)
		}
	}
	return m
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
		panic("throttle: " + err.Error())
	}
	return c
}

func (m *Metrics) failure(s scope) {
	if m != nil {
		m.failures[s].Inc()
	}
}

func (m *Metrics) lock(s scope) {
	if m != nil {
		m.locks[s].Inc()
	}
}

func (m *Metrics) captchaRequired() {
	if m != nil {
		m.captcha.Inc()
	}
}
