package domain

import "time"

// SigningKey is a token-signing key pair as kept in SQL: the private key sealed (encrypted with
// the server's secret key) and the public key in the clear.
type SigningKey struct {
	ID            string // the JWS "kid"
	Algorithm     string // "EdDSA" or "ES256" (or "RS256" for clients that need it)
	PrivateSealed []byte // encrypted PKCS #8 DER; only the key package opens it
	PublicDER     []byte // PKIX DER
	CreatedAt     time.Time
	// RetiredAt is when the key stopped signing; it keeps verifying until every token it signed
	// has expired. Zero while it is the active key.
	RetiredAt time.Time
}
