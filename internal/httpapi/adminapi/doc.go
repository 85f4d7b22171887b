// Package adminapi is the admin REST API under /api/admin/: users, grants, systems, roles,
// live sessions, the audit log and the dashboard statistics, each route behind a permission
// code of the center system (gatehouse:users:read …) and the cross-origin refusal of the
// native API. It decodes, checks, calls the identity service, the session manager and the
// audit store, and answers in the native envelope; every change is audited by the service it
// calls (or, for session revocation, here) with the acting user as actor.
//
// It owns no state and no business rule beyond who may call what; the contract is
// docs/admin-api.md.
package adminapi
