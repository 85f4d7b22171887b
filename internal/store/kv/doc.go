// Package kv holds the key rules that every session-tier backend applies alike: where a key's
// hash tag is and whether the keys of one atomic update share it. The backends live below it,
// memkv (in process) and rediskv (Redis standalone, Sentinel and Cluster), with kvmetrics as a
// decorator for either.
//
// It must not hold a backend, state or I/O; it imports nothing of Gatehouse but store and domain.
package kv
