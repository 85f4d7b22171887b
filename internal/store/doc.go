// Package store declares the storage interfaces of Gatehouse, one small interface per aggregate,
// and nothing else. Backends live below it: sqlstore (SQLite and PostgreSQL) for the durable
// tier, kv/memkv and kv/rediskv for the session tier; storetest holds the conformance suites
// that every backend must pass.
//
// Errors: a missing record is domain.ErrNotFound, a duplicate is domain.ErrConflict (both
// matched with errors.Is); anything else is an internal or unavailable *domain.Error.
package store
