// Package identity is the service that manages who may sign in and what they may do: users,
// systems (with their secrets), roles, permission codes and grants, user imports, the bootstrap
// administrator and the demo data. Every change it makes is validated first and written to the
// audit log after.
//
// It speaks to storage only through the small interfaces of internal/store and knows nothing of
// HTTP or of any SQL dialect. The CLI and the admin API are thin faces on it.
package identity
