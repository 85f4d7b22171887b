package oidc

import (
	"slices"
	"testing"

	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"

	"github.com/gatehouse/gatehouse/internal/domain"
)

func TestClientAdapter(t *testing.T) {
	conf := &client{sys: &domain.System{ID: "wiki", RedirectURIs: []string{"https://wiki.example/cb"},
		OIDC: domain.OIDCClient{GrantTypes: []string{"authorization_code", "client_credentials"}, Scopes: []string{"openid", "roles"}}}, loginURL: "/oidc/login"}
	if conf.AuthMethod() != oidc.AuthMethodPost || conf.ApplicationType() != op.ApplicationTypeWeb {
		t.Fatal("a confidential client must authenticate")
	}
	if g := conf.GrantTypes(); !slices.Equal(g, []oidc.GrantType{"authorization_code", "client_credentials"}) {
		t.Fatalf("grants %v", g)
	}
	if !conf.IsScopeAllowed("roles") || conf.IsScopeAllowed("email") || conf.IsScopeAllowed("admin") {
		t.Fatal("scopes not filtered")
	}
	if conf.LoginURL("a b") != "/oidc/login?id=a+b" {
		t.Fatalf("login URL %q", conf.LoginURL("a b"))
	}

	pub := &client{sys: &domain.System{ID: "spa", OIDC: domain.OIDCClient{Public: true,
		GrantTypes: []string{"authorization_code", "client_credentials"}}}}
	if pub.AuthMethod() != oidc.AuthMethodNone || pub.ApplicationType() != op.ApplicationTypeUserAgent {
		t.Fatal("a public client must not authenticate, and must not be native (any loopback port)")
	}
	if slices.Contains(pub.GrantTypes(), oidc.GrantTypeClientCredentials) {
		t.Fatal("a public client got client_credentials")
	}
}

func TestAllowedScopes(t *testing.T) {
	sys := &domain.System{OIDC: domain.OIDCClient{Scopes: []string{"openid", "profile", "roles"}}}
	got := allowedScopes(sys, []string{"openid", "profile", "profile", "email", "phone", "roles", "x"})
	if !slices.Equal(got, []string{"openid", "profile", "roles"}) {
		t.Fatalf("scopes %v", got)
	}
	all := allowedScopes(&domain.System{}, []string{"openid", "email", "offline_access", "address"})
	if !slices.Equal(all, []string{"openid", "email", "offline_access"}) {
		t.Fatalf("scopes %v", all)
	}
}
