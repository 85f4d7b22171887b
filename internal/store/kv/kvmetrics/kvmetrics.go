package kvmetrics

import (
	"context"
	"errors"
	"time"

	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/store"
	"github.com/prometheus/client_golang/prometheus"
)

// op numbers the measured operations; opNames holds their label values.
type op int

const (
	opGet op = iota
	opSet
	opSetNX
	opGetDel
	opDelete
	opExpire
	opTTL
	opIncr
	opCount
	opHit
	opHits
	opSetAdd
	opSetRemove
	opSetMembers
	opTxn
	opEnqueue
	opDequeue
	opAck
	opNack
	opBury
	opDeadLetters
	opStats
	opPing
	numOps
)

var opNames = [numOps]string{
	"get", "set", "setnx", "getdel", "delete", "expire", "ttl", "incr", "count", "hit", "hits",
	"setadd", "setremove", "setmembers", "txn", "enqueue", "dequeue", "ack", "nack", "bury",
	"deadletters", "stats", "ping",
}

// Buckets from 50 µs (memkv, a Redis on the same host) to 1 s (a struggling network).
var buckets = []float64{.00005, .0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1}

var _ store.KV = (*metered)(nil)

// metered is a store.KV that measures the one it wraps.
type metered struct {
	next store.KV
	dur  [numOps]prometheus.Observer
	errs [numOps]prometheus.Counter
}

// Wrap returns kv measured under the label backend (e.g. "memory", "redis"). The metrics are
// registered with reg, or reused when reg already holds them, so several stores can share one
// registry; a nil reg registers nothing. It panics, like prometheus.MustRegister, when reg
// holds different metrics of the same names.
func Wrap(kv store.KV, backend string, reg prometheus.Registerer) store.KV {
	dur := register(reg, prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "gatehouse_kv_op_duration_seconds",
		Help:    "Time taken by session-store operations.",
		Buckets: buckets,
	}, []string{"backend", "op"}))
	errs := register(reg, prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "gatehouse_kv_op_errors_total",
		Help: "Session-store operations that failed (absent keys excluded).",
	}, []string{"backend", "op"}))
	m := &metered{next: kv}
	for i, name := range opNames {
		m.dur[i] = dur.WithLabelValues(backend, name)
		m.errs[i] = errs.WithLabelValues(backend, name)
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
		panic("kvmetrics: " + err.Error())
	}
	return c
}

// done records one call that began at start.
func (m *metered) done(o op, start time.Time, err error) {
	m.dur[o].Observe(time.Since(start).Seconds())
	if err != nil && !errors.Is(err, domain.ErrNotFound) {
		m.errs[o].Inc()
	}
}

func (m *metered) Get(ctx context.Context, key string) ([]byte, error) {
	start := time.Now()
	v, err := m.next.Get(ctx, key)
	m.done(opGet, start, err)
	return v, err
}

func (m *metered) Set(ctx context.Context, key string, value []byte, ttl time.Duration) error {
	start := time.Now()
	err := m.next.Set(ctx, key, value, ttl)
	m.done(opSet, start, err)
	return err
}

func (m *metered) SetNX(ctx context.Context, key string, value []byte, ttl time.Duration) (bool, error) {
	start := time.Now()
	ok, err := m.next.SetNX(ctx, key, value, ttl)
	m.done(opSetNX, start, err)
	return ok, err
}

func (m *metered) GetDel(ctx context.Context, key string) ([]byte, error) {
	start := time.Now()
	v, err := m.next.GetDel(ctx, key)
	m.done(opGetDel, start, err)
	return v, err
}

func (m *metered) Delete(ctx context.Context, keys ...string) error {
	start := time.Now()
	err := m.next.Delete(ctx, keys...)
	m.done(opDelete, start, err)
	return err
}

func (m *metered) Expire(ctx context.Context, key string, ttl time.Duration) (bool, error) {
	start := time.Now()
	ok, err := m.next.Expire(ctx, key, ttl)
	m.done(opExpire, start, err)
	return ok, err
}

func (m *metered) TTL(ctx context.Context, key string) (time.Duration, error) {
	start := time.Now()
	d, err := m.next.TTL(ctx, key)
	m.done(opTTL, start, err)
	return d, err
}

func (m *metered) Incr(ctx context.Context, key string, delta int64, ttl time.Duration) (int64, error) {
	start := time.Now()
	n, err := m.next.Incr(ctx, key, delta, ttl)
	m.done(opIncr, start, err)
	return n, err
}

func (m *metered) Count(ctx context.Context, key string) (int64, error) {
	start := time.Now()
	n, err := m.next.Count(ctx, key)
	m.done(opCount, start, err)
	return n, err
}

func (m *metered) Hit(ctx context.Context, key string, now time.Time, window time.Duration) (int64, error) {
	start := time.Now()
	n, err := m.next.Hit(ctx, key, now, window)
	m.done(opHit, start, err)
	return n, err
}

func (m *metered) Hits(ctx context.Context, key string, now time.Time, window time.Duration) (int64, error) {
	start := time.Now()
	n, err := m.next.Hits(ctx, key, now, window)
	m.done(opHits, start, err)
	return n, err
}

func (m *metered) SetAdd(ctx context.Context, key string, ttl time.Duration, members ...string) error {
	start := time.Now()
	err := m.next.SetAdd(ctx, key, ttl, members...)
	m.done(opSetAdd, start, err)
	return err
}

func (m *metered) SetRemove(ctx context.Context, key string, members ...string) error {
	start := time.Now()
	err := m.next.SetRemove(ctx, key, members...)
	m.done(opSetRemove, start, err)
	return err
}

func (m *metered) SetMembers(ctx context.Context, key string) ([]string, error) {
	start := time.Now()
	v, err := m.next.SetMembers(ctx, key)
	m.done(opSetMembers, start, err)
	return v, err
}

func (m *metered) Txn(ctx context.Context, conds []store.Cond, ops []store.Op) (bool, error) {
	start := time.Now()
	ok, err := m.next.Txn(ctx, conds, ops)
	m.done(opTxn, start, err)
	return ok, err
}

func (m *metered) Ping(ctx context.Context) error {
	start := time.Now()
	err := m.next.Ping(ctx)
	m.done(opPing, start, err)
	return err
}

// Close closes the wrapped store; it is not measured.
func (m *metered) Close() error { return m.next.Close() }
