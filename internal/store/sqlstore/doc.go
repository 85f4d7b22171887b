// Package sqlstore is the durable tier of Gatehouse: users, systems, roles and permissions,
// grants, the audit log and signing keys, kept in SQLite (the default: pure Go, no cgo) or
// PostgreSQL (for production). One type, DB, serves both dialects and implements the store
// interfaces Users, Systems, Roles, Grants, Audit, SigningKeys and Pinger.
//
// The schema lives in migrations/<dialect>/*.sql, embedded and applied with goose by
// DB.Migrate; Open never migrates by itself. Both dialects keep the same semantics, checked by
// storetest.RunSQL: times in UTC with microsecond precision, identifiers ordered byte by byte,
// duplicates reported as domain.ErrConflict and missing rows as domain.ErrNotFound.
//
// SQLite allows one writer at a time, so writes go through a single connection (transactions
// begin IMMEDIATE) and reads through a separate read-only pool; the database runs in WAL mode
// so that readers never wait for the writer.
//
// This package owns SQL and nothing else: no business rules (validation, password hashing and
// permission checks belong to the callers) and no HTTP.
package sqlstore
