// Package slo delivers single logout to sub-systems, and delivers it for sure: when a global
// session ends (by any path, since every path goes through session.Manager), its OnEnd hook
// queues one notice for every system the session joined that speaks SSO or OpenID Connect and
// has a back-channel logout URL, and the CAS face queues one notice per CAS service ticket the
// session was given, through Enqueue. A worker takes the notices off a durable queue per
// system and POSTs each by its kind: a logout token (OpenID Connect Back-Channel Logout 1.0
// §2.4, §2.5) signed with the center's signing keys, or a SAML 2.0 LogoutRequest (CAS 3.0
// Appendix "SAML 2.0 logout"). A delivery that fails is retried with exponential backoff and
// jitter until Logout.RetryFor has passed since the session ended, then dead-lettered with its
// last error. Counts and dead letters are visible through Deliveries, a small status face and
// metrics.
//
// Queues live in the session store under "slo:<systemID>" (the store gives each queue's keys
// one hash tag). Delivery is at least once: several Gatehouse nodes may run the worker at
// once, the queue's visibility timeout hands each message to one of them at a time, and a
// node that dies mid-delivery lets the message reappear. Receivers dedupe by "jti" (the
// LogoutRequest's ID is derived from it), which stays the same across every attempt of one
// notice.
//
// It owns no HTTP area but its status answer; it must not end sessions (it only learns of
// them), touch SQL other than reading systems, import the HTTP faces, or let one
// misconfigured system fail a logout. Time and randomness are injected through Service.Now and
// Service.Rand.
package slo
