// Package keys manages the token-signing keys: it generates them (Ed25519 by default, ECDSA
// P-256, or RSA-2048 for clients that only speak RS256), seals their private halves with the
// server secret before they reach SQL, rotates them, and hands out the current key set —
// the one signing key and every public key that must still verify.
//
// Every node reads the same keys from SQL, so a rotation on one node reaches all others at
// their next reload. It knows nothing of JWTs or HTTP; the token code builds on KeySet.
package keys
