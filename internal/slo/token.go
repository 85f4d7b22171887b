package slo

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/go-jose/go-jose/v4"

	"github.com/gatehouse/gatehouse/internal/keys"
)

// EventBackChannelLogout is the member of the "events" claim that makes a JWT a logout token
// (OpenID Connect Back-Channel Logout 1.0 §2.4).
const EventBackChannelLogout = "http://schemas.openid.net/event/backchannel-logout"

// TokenType is the "typ" header of a logout token (Back-Channel Logout 1.0 §2.4: explicit
// typing, RFC 8725 §3.11), so that it can never be taken for an ID or access token.
const TokenType = "logout+jwt"

// LogoutClaims are the claims of a logout token (Back-Channel Logout 1.0 §2.4): iss, aud, iat,
// exp, jti, events, and both sub and sid. It never holds a "nonce" (§2.4: it MUST NOT), so
// that it cannot pass as an ID token.
type LogoutClaims struct {
	Issuer    string                     `json:"iss"`
	Subject   string                     `json:"sub"`
	Audience  string                     `json:"aud"`
	IssuedAt  int64                      `json:"iat"`
	Expiry    int64                      `json:"exp"`
	ID        string                     `json:"jti"`
	SessionID string                     `json:"sid"`
	Events    map[string]json.RawMessage `json:"events"`
}

var emptyObject = json.RawMessage("{}")

// signerCache keeps a go-jose signer for the active key; a rotation builds a new one.
type signerCache struct {
	mu     sync.Mutex
	kid    string
	signer jose.Signer
}

// Token signs the logout token of notice n, issued now, for the notice's system.
func (s *Service) Token(ctx context.Context, n Notice) (string, error) {
	s.init()
	signer, err := s.signerNow(ctx)
	if err != nil {
		return "", err
	}
	now := s.now()
	c := LogoutClaims{
		Issuer: s.Issuer, Subject: n.Subject, Audience: n.System,
		IssuedAt: now.Unix(), Expiry: now.Add(TokenTTL).Unix(), ID: n.JTI, SessionID: n.SID,
		Events: map[string]json.RawMessage{EventBackChannelLogout: emptyObject},
	}
	payload, err := json.Marshal(c)
	if err != nil {
		return "", fmt.Errorf("logout token: %w", err)
	}
	obj, err := signer.Sign(payload)
	if err != nil {
		return "", fmt.Errorf("logout token: signing: %w", err)
	}
	return obj.CompactSerialize()
}

func (s *Service) signerNow(ctx context.Context) (jose.Signer, error) {
	alg := or(s.Algorithm, keys.EdDSA)
	ks, err := s.Keys.Current(ctx)
	if err != nil {
		return nil, err
	}
	k := ks.Signing[alg]
	if k == nil || k.Signer == nil {
		return nil, fmt.Errorf("logout token: there is no active %s signing key", alg)
	}
	c := &s.signer
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.signer != nil && c.kid == k.ID {
		return c.signer, nil
	}
	// RFC 7515 §4.1.4 "kid" and §4.1.9 "typ" in the protected header.
	sg, err := jose.NewSigner(
		jose.SigningKey{Algorithm: jose.SignatureAlgorithm(alg), Key: jose.JSONWebKey{Key: k.Signer, KeyID: k.ID, Algorithm: alg}},
		(&jose.SignerOptions{}).WithType(TokenType),
	)
	if err != nil {
		return nil, fmt.Errorf("logout token: signing key %s is not usable: %w", k.ID, err)
	}
	c.kid, c.signer = k.ID, sg
	return sg, nil
}
