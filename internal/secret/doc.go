// Package secret holds the server's secret key and what is derived from it: the keyed hash
// that stores sub-system secrets (HMAC-SHA-256, fast on the validation hot path, useless to
// whoever steals the database without the key) and the sealing of signing keys at rest
// (AES-256-GCM). Each use has its own sub-key derived with HKDF, so no two purposes share a key.
//
// It must not log, print or persist anything but the key file it is asked to create.
package secret
