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
	"github.com/gatehouse/gatehouse/internal/token"
)

// accessRecord is what an opaque access token stands for. The token itself is op's sealed
// "id:subject"; the record is looked up by id at userinfo and introspection, and the session
// it names (if any) must still be alive.
type accessRecord struct {
	Subject  string   `json:"sub"`
	Client   string   `json:"client"`
	SID      string   `json:"sid,omitempty"` // "" for client credentials
	Scopes   []string `json:"scopes"`
	Issued   int64    `json:"iat"`
	Expires  int64    `json:"exp"`
	AuthTime int64    `json:"auth_time,omitempty"`
}

func accessKey(id string) string { return "oidc:at:{" + id + "}" }

// grantRecord is what a refresh family was granted: kept beside the family for as long as it
// may live.
type grantRecord struct {
	Client   string   `json:"client"`
	Scopes   []string `json:"scopes"`
	AuthTime int64    `json:"auth_time"`
}

func grantKey(sid, family string) string { return "oidc:g:{" + sid + "}:" + family }

// newAccess stores a record and returns its id and expiry.
func (s *Storage) newAccess(ctx context.Context, rec accessRecord) (string, time.Time, error) {
	id, err := s.newID()
	if err != nil {
		return "", time.Time{}, err
	}
	now := s.now()
	exp := now.Add(s.AccessTTL)
	rec.Issued, rec.Expires = now.Unix(), exp.Unix()
	raw, err := json.Marshal(rec)
	if err != nil {
		return "", time.Time{}, err
	}
	if err := s.KV.Set(ctx, accessKey(id), raw, s.AccessTTL); err != nil {
		return "", time.Time{}, err
	}
	return id, exp, nil
}

// CreateAccessToken issues an access token without a refresh token: a code redeemed without
// offline_access, or client credentials.
func (s *Storage) CreateAccessToken(ctx context.Context, req op.TokenRequest) (string, time.Time, error) {
	switch r := req.(type) {
	case *authRequest:
		id, exp, err := s.newAccess(ctx, accessRecord{Subject: r.r.UserID, Client: r.r.ClientID, SID: r.r.SID,
			Scopes: r.r.Scopes, AuthTime: r.r.AuthTime})
		if err != nil {
			return "", time.Time{}, err
		}
		if err := s.redeem(ctx, r, id, ""); err != nil {
			_ = s.KV.Delete(ctx, accessKey(id))
			return "", time.Time{}, err
		}
		return id, exp, nil
	case *machineRequest:
		return s.newAccess(ctx, accessRecord{Subject: r.client, Client: r.client, Scopes: r.scopes})
	}
	return "", time.Time{}, oidc.ErrServerError().WithDescription("unexpected token request")
}

// CreateAccessAndRefreshTokens issues an access token and a refresh token: a new family for a
// code redeemed with offline_access, the rotation of the family for the refresh grant.
func (s *Storage) CreateAccessAndRefreshTokens(ctx context.Context, req op.TokenRequest, current string) (string, string, time.Time, error) {
	switch r := req.(type) {
	case *authRequest:
		return s.firstTokens(ctx, r)
	case *refreshRequest:
		return s.rotate(ctx, r, current)
	}
	return "", "", time.Time{}, oidc.ErrServerError().WithDescription("unexpected token request")
}

func (s *Storage) firstTokens(ctx context.Context, r *authRequest) (string, string, time.Time, error) {
	rt, fam, err := s.Refresh.Issue(ctx, token.Binding{SessionID: r.r.SID, UserID: r.r.UserID, System: r.r.ClientID})
	if err != nil {
		return "", "", time.Time{}, err
	}
	g, _ := json.Marshal(grantRecord{Client: r.r.ClientID, Scopes: r.r.Scopes, AuthTime: r.r.AuthTime})
	err = s.KV.Set(ctx, grantKey(r.r.SID, fam.ID), g, time.Until(fam.ExpiresAt)+time.Minute)
	var id string
	var exp time.Time
	if err == nil {
		id, exp, err = s.newAccess(ctx, accessRecord{Subject: r.r.UserID, Client: r.r.ClientID, SID: r.r.SID,
			Scopes: r.r.Scopes, AuthTime: r.r.AuthTime})
	}
	if err == nil {
		err = s.redeem(ctx, r, id, fam.ID)
	}
	if err != nil {
		_ = s.Refresh.RevokeFamily(ctx, r.r.SID, fam.ID)
		if id != "" {
			_ = s.KV.Delete(ctx, accessKey(id))
		}
		return "", "", time.Time{}, err
	}
	return id, rt, exp, nil
}

// refreshRequest is a refresh grant: the family of the presented token and what it was
// granted. The token is rotated only once op has checked everything else.
type refreshRequest struct {
	fam    *token.Family
	grant  grantRecord
	scopes []string
}

var _ op.RefreshTokenRequest = (*refreshRequest)(nil)

func (r *refreshRequest) GetAMR() []string            { return []string{"pwd"} }
func (r *refreshRequest) GetAudience() []string       { return []string{r.grant.Client} }
func (r *refreshRequest) GetAuthTime() time.Time      { return time.Unix(r.grant.AuthTime, 0) }
func (r *refreshRequest) GetClientID() string         { return r.grant.Client }
func (r *refreshRequest) GetScopes() []string         { return r.scopes }
func (r *refreshRequest) GetSubject() string          { return r.fam.UserID }
func (r *refreshRequest) SetCurrentScopes(s []string) { r.scopes = s }

// SID is the session of the family.
func (r *refreshRequest) SID() string { return r.fam.SessionID }

// TokenRequestByRefreshToken finds what a refresh token was granted, after op authenticated
// the client. It changes nothing: a token of another client, or of a family that is gone, is
// invalid_grant; whether the token is the family's current one is decided at rotation.
func (s *Storage) TokenRequestByRefreshToken(ctx context.Context, rt string) (op.RefreshTokenRequest, error) {
	fam, err := s.Refresh.FamilyOf(ctx, rt)
	if err != nil {
		return nil, err
	}
	st := stateOf(ctx)
	if st == nil || st.client() == nil || fam.System != st.client().ID || fam.Center {
		return nil, errors.New("the refresh token was not issued to this client")
	}
	raw, err := s.KV.Get(ctx, grantKey(fam.SessionID, fam.ID))
	if err != nil {
		return nil, errors.New("the grant of the refresh token is gone")
	}
	var g grantRecord
	if err := json.Unmarshal(raw, &g); err != nil || g.Client != fam.System {
		return nil, errors.New("the grant of the refresh token is unreadable")
	}
	if _, err := s.Sessions.Get(ctx, fam.SessionID); err != nil {
		return nil, errors.New("the session of the refresh token has ended")
	}
	return &refreshRequest{fam: fam, grant: g, scopes: slices.Clone(g.Scopes)}, nil
}

// rotate rotates the family (token.Refresh: rotation, grace window, reuse detection) and
// issues an access token for the new generation.
func (s *Storage) rotate(ctx context.Context, r *refreshRequest, current string) (string, string, time.Time, error) {
	client := r.grant.Client
	next, fam, err := s.Refresh.RotateIf(ctx, current, "", "", func(f *token.Family) bool {
		return f.System == client && !f.Center && f.ID == r.fam.ID
	})
	if err != nil {
		if errors.Is(err, token.ErrReuse) {
			s.audit(ctx, domain.AuditEvent{Type: "token.reuse_detected", SubjectID: r.fam.UserID, SystemID: client,
				SessionID: r.fam.SessionID, Outcome: "failure", Reason: "OpenID Connect refresh token reused; family revoked"})
		}
		if domain.ErrorCode(err) == domain.CodeTokenInvalid {
			return "", "", time.Time{}, oidc.ErrInvalidGrant().WithDescription("%s", domain.ErrorMessage(err)).WithParent(err)
		}
		return "", "", time.Time{}, err
	}
	id, exp, err := s.newAccess(ctx, accessRecord{Subject: fam.UserID, Client: client, SID: fam.SessionID,
		Scopes: r.scopes, AuthTime: r.grant.AuthTime})
	if err != nil {
		return "", "", time.Time{}, err
	}
	return id, next, exp, nil
}

// machineRequest is a client-credentials grant: the system acts for itself.
type machineRequest struct {
	client string
	scopes []string
}

func (m *machineRequest) GetSubject() string    { return m.client }
func (m *machineRequest) GetAudience() []string { return []string{m.client} }
func (m *machineRequest) GetScopes() []string   { return m.scopes }

// ClientCredentials authenticates a confidential client; op then checks that it is allowed the
// client_credentials grant.
func (s *Storage) ClientCredentials(ctx context.Context, clientID, clientSecret string) (op.Client, error) {
	if err := s.AuthorizeClientIDSecret(ctx, clientID, clientSecret); err != nil {
		return nil, err
	}
	sys, err := s.system(ctx, clientID)
	if err != nil {
		return nil, err
	}
	return s.client(sys), nil // op refuses it (unauthorized_client) unless GrantTypes has the grant
}

// ClientCredentialsTokenRequest keeps the scopes that make sense without a user: none of the
// OpenID ones.
func (s *Storage) ClientCredentialsTokenRequest(ctx context.Context, clientID string, scopes []string) (op.TokenRequest, error) {
	sys, err := s.system(ctx, clientID)
	if err != nil {
		return nil, err
	}
	var keep []string
	for _, sc := range allowedScopes(sys, scopes) {
		if sc != oidc.ScopeOpenID && sc != oidc.ScopeOfflineAccess && sc != oidc.ScopeProfile && sc != oidc.ScopeEmail {
			keep = append(keep, sc)
		}
	}
	return &machineRequest{client: clientID, scopes: keep}, nil
}

// GetRefreshTokenInfo tells op's revocation whether a token is one of our refresh tokens. It
// answers no user id, so that RevokeToken receives the token itself with an empty userID.
func (s *Storage) GetRefreshTokenInfo(ctx context.Context, _ string, tok string) (string, string, error) {
	if _, err := s.Refresh.FamilyOf(ctx, tok); err != nil {
		if domain.ErrorCode(err) == domain.CodeTokenInvalid {
			return "", "", op.ErrInvalidRefreshToken
		}
		return "", "", err
	}
	return "", tok, nil
}

// RevokeToken revokes an access token (by id, userID set) or a refresh token (the token
// itself, userID empty) of the requesting client (RFC 7009 §2.1). A token that is unknown or
// gone already is not an error (§2.2); a token of another client is unauthorized_client.
func (s *Storage) RevokeToken(ctx context.Context, tokenOrID, userID, clientID string) *oidc.Error {
	if userID != "" {
		raw, err := s.KV.Get(ctx, accessKey(tokenOrID))
		if errors.Is(err, domain.ErrNotFound) {
			return nil
		}
		if err != nil {
			return oidc.ErrServerError().WithParent(err)
		}
		var rec accessRecord
		if json.Unmarshal(raw, &rec) != nil {
			return nil
		}
		if rec.Client != clientID {
			return oidc.ErrUnauthorizedClient().WithDescription("the token was not issued to this client")
		}
		if err := s.KV.Delete(ctx, accessKey(tokenOrID)); err != nil {
			return oidc.ErrServerError().WithParent(err)
		}
		return nil
	}
	fam, err := s.Refresh.FamilyOf(ctx, tokenOrID)
	if err != nil {
		if domain.ErrorCode(err) == domain.CodeTokenInvalid {
			return nil
		}
		return oidc.ErrServerError().WithParent(err)
	}
	if fam.System != clientID || fam.Center {
		return oidc.ErrUnauthorizedClient().WithDescription("the token was not issued to this client")
	}
	if err := s.Refresh.Revoke(ctx, tokenOrID); err != nil && domain.ErrorCode(err) != domain.CodeTokenInvalid {
		return oidc.ErrServerError().WithParent(err)
	}
	return nil
}
