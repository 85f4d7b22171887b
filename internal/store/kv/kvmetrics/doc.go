// Package kvmetrics wraps any store.KV to record Prometheus metrics of every call:
// gatehouse_kv_op_duration_seconds{backend,op}, a histogram of latency, and
// gatehouse_kv_op_errors_total{backend,op}, a counter of failures (an absent key, ErrNotFound, is
// an answer, not a failure).
//
// It must not change what the wrapped store does or returns, and must not log.
package kvmetrics
