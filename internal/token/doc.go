// Package token owns the two kinds of token that Gatehouse hands out after sign-in.
//
// Access tokens are JWTs (RFC 7519) in the JWS compact serialization (RFC 7515), signed with
// the active key of package keys (EdDSA by default, ES256 or RS256 selectable). [Access] issues
// them, verifies them on the hot path — with an algorithm allow-list, a kid lookup that reloads
// the key set at most once a second, issuer, audience and time checks under a bounded clock
// skew, and a bounded cache of verified tokens — and publishes the verifying public keys as a
// JWK Set (RFC 7517).
//
// Refresh tokens are opaque strings "<sid>.<family>.<secret>" kept in the session tier only as
// SHA-256 hashes, in families bound to a session and a device fingerprint. [Refresh] issues,
// rotates (RFC 6749 §10.4, with a short grace window for two tabs that refresh together and
// revocation of the whole family on any other reuse), and revokes them. Every decision is one
// conditional store.Atomic transaction, so it holds on memkv, Redis and Redis Cluster alike.
//
// The package is core logic: it must not speak HTTP, touch SQL (keys come through KeySource,
// state through the small store interfaces) or decide whether a session is still alive — the
// caller checks the sid claim and the family's session against the session store.
package token
