package oidc

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"time"

	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"

	"github.com/gatehouse/gatehouse/internal/domain"
)

// ClaimSID names the global session in ID tokens, userinfo and introspection (OpenID Connect
// Front-/Back-Channel Logout: "sid").
const ClaimSID = "sid"

// sidOf is the session of an ID-token request, "" when it has none.
func sidOf(req op.IDTokenRequest) string {
	switch r := req.(type) {
	case *authRequest:
		return r.SID()
	case *refreshRequest:
		return r.SID()
	}
	return ""
}

// SetUserinfoFromScopes is deprecated in op; SetUserinfoFromRequest does the work.
func (s *Storage) SetUserinfoFromScopes(context.Context, *oidc.UserInfo, string, string, []string) error {
	return nil
}

// SetUserinfoFromRequest fills the claims of an ID token.
func (s *Storage) SetUserinfoFromRequest(ctx context.Context, ui *oidc.UserInfo, req op.IDTokenRequest, scopes []string) error {
	if err := s.fill(ctx, ui, req.GetSubject(), req.GetClientID(), scopes); err != nil {
		return err
	}
	if sid := sidOf(req); sid != "" {
		ui.AppendClaims(ClaimSID, sid)
	}
	return nil
}

// fill sets the claims the scopes release: profile → name, preferred_username; email → email,
// email_verified (addresses are set by operators, never by users); roles → roles and
// permissions of the user in the client's system.
func (s *Storage) fill(ctx context.Context, ui *oidc.UserInfo, userID, clientID string, scopes []string) error {
	id, err := s.Users.Get(ctx, userID)
	if err != nil {
		return err
	}
	u := id.User
	if u.Status != domain.UserActive {
		return errors.New("the account is not active")
	}
	ui.Subject = u.ID
	if slices.Contains(scopes, oidc.ScopeProfile) {
		ui.Name = u.DisplayName
		if ui.Name == "" {
			ui.Name = u.Username
		}
		ui.PreferredUsername = u.Username
		ui.UpdatedAt = oidc.FromTime(u.UpdatedAt)
	}
	if slices.Contains(scopes, oidc.ScopeEmail) && u.Email != "" {
		ui.Email = u.Email
		ui.EmailVerified = oidc.Bool(true)
	}
	if slices.Contains(scopes, ScopeRoles) {
		eff := id.Effective(clientID)
		roles := eff.Roles
		if roles == nil {
			roles = []string{}
		}
		perms := eff.Permissions.Codes()
		if perms == nil {
			perms = []string{}
		}
		ui.AppendClaims(ClaimRoles, roles)
		ui.AppendClaims(ClaimPermissions, perms)
	}
	return nil
}

var errInactive = errors.New("the token is not active")

// active returns the record of a live access token: known, unexpired, of the subject op
// decrypted, and — for a user's token — of a session that is still alive.
func (s *Storage) active(ctx context.Context, tokenID, subject string) (*accessRecord, error) {
	if tokenID == "" || len(tokenID) > 64 {
		return nil, errInactive
	}
	raw, err := s.KV.Get(ctx, accessKey(tokenID))
	if errors.Is(err, domain.ErrNotFound) {
		return nil, errInactive
	}
	if err != nil {
		return nil, err
	}
	var rec accessRecord
	if err := json.Unmarshal(raw, &rec); err != nil {
		return nil, errInactive
	}
	if rec.Subject != subject || s.now().Unix() >= rec.Expires {
		return nil, errInactive
	}
	if rec.SID != "" {
		sess, err := s.Sessions.Get(ctx, rec.SID)
		if err != nil || sess.UserID != rec.Subject {
			return nil, errInactive
		}
	}
	return &rec, nil
}

// SetUserinfoFromToken answers the userinfo endpoint for a live user token.
func (s *Storage) SetUserinfoFromToken(ctx context.Context, ui *oidc.UserInfo, tokenID, subject, _ string) error {
	rec, err := s.active(ctx, tokenID, subject)
	if err != nil {
		return err
	}
	if rec.SID == "" || !slices.Contains(rec.Scopes, oidc.ScopeOpenID) {
		return errors.New("the token is not a user's OpenID Connect token")
	}
	if err := s.fill(ctx, ui, rec.Subject, rec.Client, rec.Scopes); err != nil {
		return err
	}
	ui.AppendClaims(ClaimSID, rec.SID)
	return nil
}

// SetIntrospectionFromToken answers RFC 7662 introspection for any authenticated client: a
// resource server introspects the tokens that clients present to it. An error makes op answer
// {"active": false}.
func (s *Storage) SetIntrospectionFromToken(ctx context.Context, resp *oidc.IntrospectionResponse, tokenID, subject, _ string) error {
	rec, err := s.active(ctx, tokenID, subject)
	if err != nil {
		return err
	}
	resp.Scope = rec.Scopes
	resp.ClientID = rec.Client
	resp.TokenType = oidc.BearerToken
	resp.Expiration = oidc.FromTime(time.Unix(rec.Expires, 0))
	resp.IssuedAt = oidc.FromTime(time.Unix(rec.Issued, 0))
	resp.Subject = rec.Subject
	resp.Audience = []string{rec.Client}
	resp.Issuer = op.IssuerFromContext(ctx)
	resp.JWTID = tokenID
	if rec.SID != "" {
		resp.AuthTime = oidc.FromTime(time.Unix(rec.AuthTime, 0))
		ui := new(oidc.UserInfo)
		if err := s.fill(ctx, ui, rec.Subject, rec.Client, rec.Scopes); err != nil {
			return err
		}
		ui.AppendClaims(ClaimSID, rec.SID)
		resp.SetUserInfo(ui)
	}
	return nil
}

// GetPrivateClaimsFromScopes serves JWT access tokens, which Gatehouse does not issue.
func (s *Storage) GetPrivateClaimsFromScopes(context.Context, string, string, []string) (map[string]any, error) {
	return nil, nil
}
