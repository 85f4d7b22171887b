// Package slo delivers single logout to sub-systems, and delivers it for sure: when a global
// session ends (by any path, since every path goes through session.Manager), its OnEnd hook
// queues one notice for every system the session joined that has a back-channel logout URL;
// a worker takes the notices off a durable queue per system, signs a logout token (OpenID
// Connect Back-Channel Logout 1.0 §2.4) with the center's signing keys and POSTs it to the
// system (§2.5). A delivery that fails is retried with exponential backoff and jitter until
// Logout.RetryFor has passed since the session ended, then dead-lettered with its last error.
// Counts and dead letters are visible through Deliveries, a small status face and metrics.
//
// Queues live in the session store under "slo:<systemID>" (the store gives each queue's keys
// one hash tag). Delivery is at least once: several Gatehouse nodes may run the worker at
// once, the queue's visibility timeout hands each message to one of them at a time, and a
// node that dies mid-delivery lets the message reappear. Receivers dedupe by "jti", which
// stays the same across every attempt of one notice.
//
// It owns no HTTP area but its status answer; it must not end sessions (it only learns of
// them), touch SQL other than reading systems, or let one misconfigured system fail a
// logout. Time and randomness are injected through Service.Now and Service.Rand.
package slo
