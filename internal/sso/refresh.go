package sso

import (
	"context"
	"strings"
	"time"

	"github.com/gatehouse/gatehouse/internal/auth"
	"github.com/gatehouse/gatehouse/internal/domain"
)

var errBadRefresh = domain.Errorf(domain.CodeTokenInvalid, "refresh token: unknown, revoked, expired or not this system's")

// Refreshed is the answer to a system's refresh: new tokens and what the user may do there now.
type Refreshed struct {
	User      domain.User
	Effective domain.Effective
	SessionID string
	Tokens    auth.Tokens
}

// RefreshTokens rotates a refresh token that validation gave systemID and signs a new access
// token for that system alone (RFC 6749 §6; rotation as OAuth 2.0 Security BCP, RFC 9700
// §4.14.2). The family must belong to systemID — checked before the rotation, so that a token
// presented by another system changes nothing — and its session must be alive and its user
// active. Reuse and device rules are token.Refresh's.
func (s *Service) RefreshTokens(ctx context.Context, systemID, refreshToken string, c auth.Client) (*Refreshed, error) {
	sid, rest, ok := strings.Cut(refreshToken, ".")
	family, _, ok2 := strings.Cut(rest, ".")
	if !ok || !ok2 || len(refreshToken) > 512 {
		return nil, errBadRefresh
	}
	fams, err := s.Refresh.Families(ctx, sid)
	if domain.ErrorCode(err) == domain.CodeInvalidInput {
		return nil, errBadRefresh
	}
	if err != nil {
		return nil, err
	}
	mine := false
	for _, f := range fams {
		mine = mine || f.ID == family && f.System == systemID
	}
	if !mine {
		return nil, errBadRefresh
	}
	next, fam, err := s.Refresh.Rotate(ctx, refreshToken, c.UserAgent, c.IP)
	if err != nil {
		return nil, err
	}
	sess, id, err := s.liveSession(ctx, fam.SessionID, fam.UserID)
	if err != nil {
		_ = s.Refresh.RevokeSession(ctx, fam.SessionID)
		return nil, err
	}
	eff := id.Effective(systemID)
	aud := []string{systemID}
	at, claims, err := s.Access.Issue(ctx, id.User.ID, id.User.Username, sess.ID, aud, eff.Roles)
	if err != nil {
		return nil, err
	}
	return &Refreshed{User: id.User, Effective: eff, SessionID: sess.ID, Tokens: auth.Tokens{
		AccessToken: at, AccessExpiresAt: time.Unix(claims.Expiry, 0).UTC(), RefreshToken: next, Audience: aud, Roles: eff.Roles,
	}}, nil
}
