package oidc

import (
	"context"
	"errors"
	"net/url"
	"slices"
	"sync"
	"time"

	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"

	"github.com/gatehouse/gatehouse/internal/domain"
)

// Scopes Gatehouse knows beyond the standard ones. ScopeRoles gates the custom claims "roles"
// and "permissions": the user's role names and permission codes in the client's system.
const (
	ScopeRoles = "roles"
	// ClaimRoles and ClaimPermissions are the custom claims ScopeRoles releases.
	ClaimRoles       = "roles"
	ClaimPermissions = "permissions"
)

// KnownScopes are the scopes the provider advertises and honours.
var KnownScopes = []string{oidc.ScopeOpenID, oidc.ScopeProfile, oidc.ScopeEmail, oidc.ScopeOfflineAccess, ScopeRoles}

// client is a system seen as an OpenID Connect client.
type client struct {
	sys       *domain.System
	loginURL  string
	idTTL     time.Duration
	clockSkew time.Duration
}

var _ op.Client = (*client)(nil)

func (c *client) GetID() string                    { return c.sys.ID }
func (c *client) RedirectURIs() []string           { return c.sys.RedirectURIs }
func (c *client) PostLogoutRedirectURIs() []string { return c.sys.OIDC.PostLogoutRedirectURIs }

// ApplicationType: a public client is a user agent (single-page) app, so that op does not
// apply the native-app rule that accepts any port on a loopback redirect URI: every redirect
// URI is matched exactly.
func (c *client) ApplicationType() op.ApplicationType {
	if c.sys.OIDC.Public {
		return op.ApplicationTypeUserAgent
	}
	return op.ApplicationTypeWeb
}

// AuthMethod: public clients do not authenticate (PKCE S256 is then required by op);
// confidential ones send their secret with HTTP Basic or in the form (client_secret_post).
func (c *client) AuthMethod() oidc.AuthMethod {
	if c.sys.OIDC.Public {
		return oidc.AuthMethodNone
	}
	return oidc.AuthMethodPost
}

func (c *client) ResponseTypes() []oidc.ResponseType {
	return []oidc.ResponseType{oidc.ResponseTypeCode}
}

func (c *client) GrantTypes() []oidc.GrantType {
	var out []oidc.GrantType
	for _, g := range c.sys.OIDC.AllowedGrantTypes() {
		if c.sys.OIDC.AllowsGrant(g) {
			out = append(out, oidc.GrantType(g))
		}
	}
	return out
}

func (c *client) LoginURL(id string) string { return c.loginURL + "?id=" + url.QueryEscape(id) }

// AccessTokenType: access tokens are opaque (sealed ids); resource servers ask the
// introspection or userinfo endpoint, which checks the session behind the token every time.
func (c *client) AccessTokenType() op.AccessTokenType { return op.AccessTokenTypeBearer }
func (c *client) IDTokenLifetime() time.Duration      { return c.idTTL }

// DevMode lets op accept http:// redirect URIs: which URIs are acceptable is decided when the
// system is registered (domain.ValidateRedirectURI), and every one is still matched exactly.
func (c *client) DevMode() bool { return true }

func (c *client) RestrictAdditionalIdTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}

func (c *client) RestrictAdditionalAccessTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}

// IsScopeAllowed decides the scopes beyond op's standard ones (openid, profile, email, phone,
// address, offline_access), which op always lets through; allowedScopes filters those.
func (c *client) IsScopeAllowed(scope string) bool {
	return slices.Contains(KnownScopes, scope) && c.sys.OIDC.AllowsScope(scope)
}

// IDTokenUserinfoClaimsAssertion: the ID token carries the profile and email claims too, so
// that a client need not call userinfo (Grafana reads them from the ID token).
func (c *client) IDTokenUserinfoClaimsAssertion() bool { return true }
func (c *client) ClockSkew() time.Duration             { return 0 }

// allowedScopes keeps the requested scopes that the client may have and Gatehouse knows.
func allowedScopes(sys *domain.System, scopes []string) []string {
	out := make([]string, 0, len(scopes))
	for _, s := range scopes {
		if slices.Contains(KnownScopes, s) && sys.OIDC.AllowsScope(s) && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// errUnknownClient is what an unknown system, or one that may not use OpenID Connect, is.
var errUnknownClient = errors.New("unknown client")

// system returns an OIDC-enabled system through a two-second cache.
func (s *Storage) system(ctx context.Context, id string) (*domain.System, error) {
	if !domain.ValidSystemID(id) {
		return nil, errUnknownClient
	}
	sys, err := s.systems.Get(ctx, s.Systems, id, s.now())
	if errors.Is(err, domain.ErrNotFound) {
		return nil, errUnknownClient
	}
	if err != nil {
		return nil, oidc.ErrServerError().WithParent(err)
	}
	if !sys.AllowsProtocol(domain.ProtocolOIDC) {
		return nil, errUnknownClient
	}
	return sys, nil
}

func (s *Storage) client(sys *domain.System) *client {
	return &client{sys: sys, loginURL: s.BasePath + "/oidc/login", idTTL: s.IDTokenTTL}
}

// GetClientByClientID loads the client and remembers it for the request (its ID-token
// algorithm decides the signing key).
func (s *Storage) GetClientByClientID(ctx context.Context, clientID string) (op.Client, error) {
	s.init()
	sys, err := s.system(ctx, clientID)
	if err != nil {
		return nil, err
	}
	if st := stateOf(ctx); st != nil {
		st.setClient(sys)
	}
	return s.client(sys), nil
}

// AuthorizeClientIDSecret checks a confidential client's secret. A public client has none to
// check and is refused here (it never authenticates with a secret).
func (s *Storage) AuthorizeClientIDSecret(ctx context.Context, clientID, clientSecret string) error {
	if !domain.ValidSystemID(clientID) {
		return errUnknownClient
	}
	sys, err := s.Secrets.AuthenticateSystem(ctx, clientID, clientSecret)
	if err != nil {
		if domain.ErrorCode(err) == domain.CodeUnauthenticated {
			return errors.New("unknown client or wrong secret")
		}
		return oidc.ErrServerError().WithParent(err)
	}
	if !sys.AllowsProtocol(domain.ProtocolOIDC) || sys.OIDC.Public {
		return errUnknownClient
	}
	if st := stateOf(ctx); st != nil {
		st.setClient(sys)
	}
	return nil
}

// requestState is what one HTTP request learns on its way through op: the client it spoke for
// and the browser's session (at end session). WithRequestState puts one in the context.
type requestState struct {
	mu     sync.Mutex
	sys    *domain.System
	cookie string // the browser's session id at end session; "" for none
	ended  []string
}

type stateKey struct{}

// WithRequestState returns ctx with a fresh per-request state; the HTTP face calls it once per
// request before handing it to the provider. browserSID is the session of the request's cookie
// ("" for none), which end session ends.
func WithRequestState(ctx context.Context, browserSID string) context.Context {
	return context.WithValue(ctx, stateKey{}, &requestState{cookie: browserSID})
}

func stateOf(ctx context.Context) *requestState {
	st, _ := ctx.Value(stateKey{}).(*requestState)
	return st
}

func (st *requestState) setClient(sys *domain.System) {
	st.mu.Lock()
	st.sys = sys
	st.mu.Unlock()
}

func (st *requestState) client() *domain.System {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.sys
}

// EndedSessions returns the sessions that end session ended in this request.
func EndedSessions(ctx context.Context) []string {
	st := stateOf(ctx)
	if st == nil {
		return nil
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	return slices.Clone(st.ended)
}
