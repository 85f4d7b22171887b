package oidc

import (
	"net/http"
	"strings"

	"github.com/rs/cors"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// Paths of the provider, relative to the public base URL. Discovery is at the issuer's
// /.well-known/openid-configuration; the JWK Set is the one at /.well-known/jwks.json that
// verifies every Gatehouse token.
const (
	PathPrefix     = "/oidc/"
	PathAuthorize  = "/oidc/authorize"
	PathCallback   = "/oidc/authorize/callback"
	PathLogin      = "/oidc/login"
	PathToken      = "/oidc/token"
	PathUserinfo   = "/oidc/userinfo"
	PathIntrospect = "/oidc/introspect"
	PathRevoke     = "/oidc/revoke"
	PathEndSession = "/oidc/end_session"
	PathDiscovery  = oidc.DiscoveryEndpoint
	PathJWKS       = "/.well-known/jwks.json"
)

// SupportedClaims are advertised as claims_supported.
var SupportedClaims = []string{
	"iss", "sub", "aud", "exp", "iat", "auth_time", "nonce", "amr", "azp", "at_hash", "c_hash", ClaimSID,
	"name", "preferred_username", "updated_at", "email", "email_verified", ClaimRoles, ClaimPermissions,
}

// NewProvider builds the op provider over s for issuer (the public base URL, which is also
// every endpoint's base). The provider is an http.Handler for PathPrefix and PathDiscovery.
func NewProvider(issuer string, s *Storage) (*op.Provider, error) {
	s.init()
	issuer = strings.TrimSuffix(issuer, "/")
	conf := &op.Config{
		CodeMethodS256:                    true,
		AuthMethodPost:                    true,
		GrantTypeRefreshToken:             true,
		RequestObjectSupported:            false, // request objects (alg none or not) are refused
		SupportedScopes:                   KnownScopes,
		SupportedClaims:                   SupportedClaims,
		BackChannelLogoutSupported:        true,
		BackChannelLogoutSessionSupported: true,
		DefaultLogoutRedirectURI:          s.BasePath + "/sso/logout",
	}
	opts := []op.Option{
		op.WithCrypto(s.Crypto),
		op.WithCustomAuthEndpoint(op.NewEndpoint(PathAuthorize)),
		op.WithCustomTokenEndpoint(op.NewEndpoint(PathToken)),
		op.WithCustomUserinfoEndpoint(op.NewEndpoint(PathUserinfo)),
		op.WithCustomIntrospectionEndpoint(op.NewEndpoint(PathIntrospect)),
		op.WithCustomRevocationEndpoint(op.NewEndpoint(PathRevoke)),
		op.WithCustomEndSessionEndpoint(op.NewEndpoint(PathEndSession)),
		op.WithCustomKeysEndpoint(op.NewEndpointWithURL("/oidc/keys", issuer+PathJWKS)),
		// An id_token_hint (at authorization and end session) is one of our ID tokens, of any of
		// the algorithms a client may choose; op's default would accept RS256 only.
		op.WithIDTokenHintVerifierOpts(op.WithSupportedIDTokenHintSigningAlgorithms(Algorithms...)),
		op.WithAccessTokenVerifierOpts(op.WithSupportedAccessTokenSigningAlgorithms(Algorithms...)),
		// Browser apps on any origin may call the token, userinfo, introspection and revocation
		// endpoints, but never with the center's cookies: those authenticate with a bearer token
		// or client credentials, and the pages that read the session cookie are not for scripts.
		op.WithCORSOptions(&cors.Options{
			AllowOriginFunc:  func(string) bool { return true },
			AllowedMethods:   []string{http.MethodGet, http.MethodHead, http.MethodPost},
			AllowedHeaders:   []string{"Accept", "Accept-Language", "Authorization", "Content-Type"},
			AllowCredentials: false,
		}),
	}
	if strings.HasPrefix(issuer, "http://") {
		opts = append(opts, op.WithAllowInsecure())
	}
	return op.NewOpenIDProvider(issuer, conf, s, opts...)
}
