package domain

import "slices"

// OIDCClient holds what a system needs beyond the common fields to act as an OpenID Connect
// client. The zero value is a confidential client allowed the authorization-code and refresh
// grants, every scope, and EdDSA ID tokens.
type OIDCClient struct {
	// Public marks a client that cannot keep a secret (a single-page or native app): it never
	// authenticates at the token endpoint and must use PKCE S256.
	Public bool `json:"public,omitempty"`
	// GrantTypes the client may use; empty means authorization_code and refresh_token.
	GrantTypes []string `json:"grant_types,omitempty"`
	// Scopes the client may ask for; empty means every scope Gatehouse knows.
	Scopes []string `json:"scopes,omitempty"`
	// IDTokenAlg signs the client's ID tokens: EdDSA (default), ES256 or RS256.
	IDTokenAlg string `json:"id_token_alg,omitempty"`
	// PostLogoutRedirectURIs are the exact URLs RP-initiated logout may return to.
	PostLogoutRedirectURIs []string `json:"post_logout_redirect_uris,omitempty"`
}

// OAuth grant types a system may be allowed.
const (
	GrantAuthorizationCode = "authorization_code"
	GrantRefreshToken      = "refresh_token"
	GrantClientCredentials = "client_credentials"
)

// ID-token signing algorithms a client may choose.
const (
	AlgEdDSA = "EdDSA"
	AlgES256 = "ES256"
	AlgRS256 = "RS256"
)

// DefaultGrantTypes are allowed when a client names none.
var DefaultGrantTypes = []string{GrantAuthorizationCode, GrantRefreshToken}

// AllowedGrantTypes returns the grant types the client may use.
func (c OIDCClient) AllowedGrantTypes() []string {
	if len(c.GrantTypes) == 0 {
		return DefaultGrantTypes
	}
	return c.GrantTypes
}

// AllowsGrant reports whether the client may use grant type g. A public client never gets
// client_credentials, whatever is stored.
func (c OIDCClient) AllowsGrant(g string) bool {
	if c.Public && g == GrantClientCredentials {
		return false
	}
	return slices.Contains(c.AllowedGrantTypes(), g)
}

// AllowsScope reports whether the client may ask for scope s.
func (c OIDCClient) AllowsScope(s string) bool {
	return len(c.Scopes) == 0 || slices.Contains(c.Scopes, s)
}

// Alg returns the ID-token signing algorithm, EdDSA when none is set.
func (c OIDCClient) Alg() string {
	if c.IDTokenAlg == "" {
		return AlgEdDSA
	}
	return c.IDTokenAlg
}

// validate adds every problem of c to p.
func (c OIDCClient) validate(p *Problems) {
	for _, g := range c.GrantTypes {
		if g != GrantAuthorizationCode && g != GrantRefreshToken && g != GrantClientCredentials {
			p.Add("oidc.grant_types", "%q is not one of authorization_code, refresh_token, client_credentials", g)
		}
	}
	if c.Public && slices.Contains(c.GrantTypes, GrantClientCredentials) {
		p.Add("oidc.grant_types", "a public client cannot use client_credentials")
	}
	for _, s := range c.Scopes {
		if s == "" || len(s) > 64 {
			p.Add("oidc.scopes", "a scope must be 1 to 64 bytes")
		}
	}
	switch c.IDTokenAlg {
	case "", AlgEdDSA, AlgES256, AlgRS256:
	default:
		p.Add("oidc.id_token_alg", "%q is not one of EdDSA, ES256, RS256", c.IDTokenAlg)
	}
	for i, u := range c.PostLogoutRedirectURIs {
		if msg := ValidateRedirectURI(u); msg != "" {
			p.Add("oidc.post_logout_redirect_uris", "entry %d %s", i, msg)
		}
	}
}
