// Package domain is Gatehouse's core vocabulary: users, systems, roles, permission codes,
// audit events, signing-key records and the one error type every layer speaks.
//
// It is plain Go on the standard library. It must not import HTTP, SQL, Redis or any other
// package of this module: the arrows point inward, so storage backends and protocol faces
// depend on domain, never the reverse.
package domain
