package e2e

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"golang.org/x/oauth2"

	"github.com/gatehouse/gatehouse/internal/domain"
)

// TestOIDCGrafanaSettings plays Grafana's generic_oauth client with exactly the settings of
// docs/integration-oidc.md (Grafana itself cannot run here): the scopes, use_pkce, both
// auth_style values, api_url as the userinfo endpoint, the attribute paths and the role
// mapping over the roles claim, and signout_redirect_url.
func TestOIDCGrafanaSettings(t *testing.T) {
	e := newOIDCEnv(t, backends[0], nil)
	ctx := context.Background()
	grafana := "https://grafana.example.com"
	// gatehouse system create grafana --name Grafana --protocols oidc \
	//   --redirect-uri https://grafana.example.com/login/generic_oauth \
	//   --post-logout-redirect-uri https://grafana.example.com/login
	secret := e.addClient(t, &domain.System{ID: "grafana", Name: "Grafana", Protocols: []string{domain.ProtocolOIDC},
		RedirectURIs: []string{grafana + "/login/generic_oauth"},
		OIDC:         domain.OIDCClient{PostLogoutRedirectURIs: []string{grafana + "/login"}}})
	ctxAdmin := context.Background()
	if err := e.srv.Identity.CreateRole(ctxAdmin, cliActor, &domain.Role{SystemID: "grafana", Name: "EDITOR"}); err != nil {
		t.Fatal(err)
	}
	if err := e.srv.Identity.GrantRole(ctxAdmin, cliActor, e.userID, roleRef("grafana", "EDITOR")); err != nil {
		t.Fatal(err)
	}

	// [auth.generic_oauth] as documented.
	settings := map[string]string{
		"scopes":               "openid profile email roles offline_access",
		"auth_url":             e.base + "/oidc/authorize",
		"token_url":            e.base + "/oidc/token",
		"api_url":              e.base + "/oidc/userinfo",
		"signout_redirect_url": e.base + "/oidc/end_session?client_id=grafana&post_logout_redirect_uri=" + url.QueryEscape(grafana+"/login"),
	}
	for _, style := range []struct {
		name string
		s    oauth2.AuthStyle
	}{{"InParams", oauth2.AuthStyleInParams}, {"InHeader", oauth2.AuthStyleInHeader}} {
		t.Run("auth_style="+style.name, func(t *testing.T) {
			conf := oauth2.Config{ClientID: "grafana", ClientSecret: secret, RedirectURL: grafana + "/login/generic_oauth",
				Scopes:   strings.Fields(settings["scopes"]),
				Endpoint: oauth2.Endpoint{AuthURL: settings["auth_url"], TokenURL: settings["token_url"], AuthStyle: style.s}}
			br := e.browser()
			br.signIn("olivia", oliviaPassword)
			v := oauth2.GenerateVerifier() // use_pkce = true
			q := br.authorize(conf.AuthCodeURL("grafana-state", oauth2.S256ChallengeOption(v)), conf.RedirectURL)
			tok, err := conf.Exchange(ctx, q.Get("code"), oauth2.VerifierOption(v))
			if err != nil {
				t.Fatal(err)
			}
			if tok.RefreshToken == "" { // use_refresh_token = true
				t.Fatal("no refresh token")
			}
			// Grafana reads the ID token's payload and the api_url answer.
			raw := tok.Extra("id_token").(string)
			parts := strings.Split(raw, ".")
			payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
			var fromID map[string]any
			_ = json.Unmarshal(payload, &fromID)
			req, _ := http.NewRequest(http.MethodGet, settings["api_url"], nil)
			req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			var fromAPI map[string]any
			_ = json.NewDecoder(resp.Body).Decode(&fromAPI)
			resp.Body.Close()
			for _, doc := range []map[string]any{fromID, fromAPI} {
				// login_attribute_path, name_attribute_path, email_attribute_path
				if doc["preferred_username"] != "olivia" || doc["name"] != "Olivia Oidc" || doc["email"] != "olivia@example.com" {
					t.Fatalf("attributes: %v", doc)
				}
				// role_attribute_path: contains(roles[*], 'ADMIN') && 'Admin' || contains(roles[*], 'EDITOR') && 'Editor' || 'Viewer'
				if grafanaRole(doc) != "Editor" {
					t.Fatalf("role mapping of %v: %s", doc["roles"], grafanaRole(doc))
				}
			}
			// signout_redirect_url: back to Grafana's login page, the session ended.
			status, loc, _ := br.open(settings["signout_redirect_url"])
			if status != http.StatusFound || loc.String() != grafana+"/login" || br.sessionID() != "" {
				t.Fatalf("sign-out: %d %v", status, loc)
			}
		})
	}
}

// grafanaRole evaluates the documented role_attribute_path over a claims document.
func grafanaRole(doc map[string]any) string {
	var roles []string
	if list, ok := doc["roles"].([]any); ok {
		for _, r := range list {
			if s, ok := r.(string); ok {
				roles = append(roles, s)
			}
		}
	}
	switch {
	case slices.Contains(roles, "ADMIN"):
		return "Admin"
	case slices.Contains(roles, "EDITOR"):
		return "Editor"
	}
	return "Viewer"
}
