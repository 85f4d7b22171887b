// Package storetest holds the conformance suites of the storage interfaces of Gatehouse: one
// suite per tier, which every backend must pass, real servers included. RunSQL checks the SQL
// tier (users, systems, roles, grants, audit, signing keys) and BenchSQL measures it; RunKV
// checks the session tier.
//
// The suites speak only through the interfaces of package store: they know nothing of a
// backend's tables, keys or drivers. They are imported by tests only.
package storetest
