// Package castickets is the CAS ticket log of a global session: which service tickets the
// session was given (for CAS single logout, queued on the durable queue of internal/slo when
// the session ends) and which were issued right after a sign-in (renew=true, isFromNewLogin).
// The CAS face (internal/httpapi/cas) records and reads it; the core wires its end hook. It
// speaks no HTTP. It owns two small records in the session store, both under the session's
// hash tag:
//
//	cas:{SID}            the set of "systemID|ST-…" issued in the session, for single logout
//	casnew:{SID}:ST-…    present while a ticket issued right after a sign-in is unvalidated
package castickets
