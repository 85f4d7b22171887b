// Package cli is the command line of Gatehouse: serve, migrate, config check, and the
// administration of users, roles, systems, keys and imports against the same database the
// server uses. Each command parses its arguments, calls the core services and prints — in
// words for people, or as JSON with --json. It holds no business rules.
package cli
