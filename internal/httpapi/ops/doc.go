// Package ops serves the operational endpoints of a Gatehouse node: /healthz (the process
// is alive), /readyz (its dependencies answer) and /metrics (Prometheus).
//
// It knows its checks only as named functions; it must not import a store or a face. Its
// answers are plain JSON or text, not the envelope of the native API, because load
// balancers and Prometheus read them.
package ops
