package sso

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/token"
)

// UserInfo is what a system's access token says about its user right now.
type UserInfo struct {
	SystemID  string
	User      domain.User
	Effective domain.Effective
	SessionID string
	ExpiresAt time.Time // of the global session
}

var errNotSystemToken = domain.Errorf(domain.CodeTokenInvalid, "access token: not a token of a sub-system")

// UserInfo answers a sub-system's access token with the user's details and what they may do in
// that system. The token must be valid for exactly one audience, a registered system other than
// the center itself (a center token is not a sub-system's), and its session must be alive and
// its user active. It does not renew the session: a sub-system asking about its user is not
// the user being active (Touch is).
func (s *Service) UserInfo(ctx context.Context, accessToken string) (*UserInfo, error) {
	aud, ok := soleAudience(accessToken)
	if !ok {
		return nil, errNotSystemToken
	}
	claims, err := s.Access.Verify(ctx, accessToken, aud)
	if err != nil {
		return nil, err
	}
	if len(claims.Audience) != 1 || claims.Audience[0] != aud {
		return nil, errNotSystemToken
	}
	if _, err := s.system(ctx, aud); err != nil {
		if errors.Is(err, domain.ErrNotFound) {
			return nil, errNotSystemToken
		}
		return nil, err
	}
	sess, id, err := s.liveSession(ctx, claims.SessionID, claims.Subject)
	if err != nil {
		return nil, err
	}
	return &UserInfo{SystemID: aud, User: id.User, Effective: id.Effective(aud), SessionID: sess.ID,
		ExpiresAt: sess.ExpiresAt()}, nil
}

// soleAudience reads the "aud" of a JWT without verifying it, to learn which audience to verify
// it for: exactly one, a valid system id, not the center. Verify then checks the signature and
// the claims, the audience included, so a forged "aud" gains nothing.
func soleAudience(tok string) (string, bool) {
	if len(tok) > token.MaxTokenSize {
		return "", false
	}
	_, rest, ok := strings.Cut(tok, ".")
	if !ok {
		return "", false
	}
	payload, _, ok := strings.Cut(rest, ".")
	if !ok {
		return "", false
	}
	raw, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil {
		return "", false
	}
	var c struct {
		Aud json.RawMessage `json:"aud"`
	}
	if err := json.Unmarshal(raw, &c); err != nil {
		return "", false
	}
	var aud []string
	a := bytes.TrimSpace(c.Aud)
	if len(a) > 0 && a[0] == '"' {
		var one string
		if json.Unmarshal(a, &one) != nil {
			return "", false
		}
		aud = []string{one}
	} else if json.Unmarshal(a, &aud) != nil {
		return "", false
	}
	if len(aud) != 1 || !domain.ValidSystemID(aud[0]) || aud[0] == domain.CenterSystemID {
		return "", false
	}
	return aud[0], true
}

// Touch renews the global session sid for activity in systemID (throttled by the session
// manager's TouchEvery) and reports whether it is alive and until when. A session that ended,
// that belongs to an inactive user, or that systemID never joined is reported not alive, never
// as an error: a system may keep alive only the sessions it was given.
func (s *Service) Touch(ctx context.Context, systemID, sid string) (bool, time.Time, error) {
	sess, err := s.Sessions.Get(ctx, sid)
	if domain.ErrorCode(err) == domain.CodeSessionExpired {
		return false, time.Time{}, nil
	}
	if err != nil {
		return false, time.Time{}, err
	}
	if !slices.Contains(sess.Systems, systemID) {
		return false, time.Time{}, nil
	}
	if _, _, err := s.liveSession(ctx, sess.ID, sess.UserID); err != nil {
		if domain.ErrorCode(err) == domain.CodeSessionExpired {
			return false, time.Time{}, nil
		}
		return false, time.Time{}, err
	}
	if _, err := s.Sessions.Touch(ctx, sess); err != nil {
		if domain.ErrorCode(err) == domain.CodeSessionExpired {
			return false, time.Time{}, nil
		}
		return false, time.Time{}, err
	}
	return true, sess.ExpiresAt(), nil
}

// User returns a user's details for a sub-system's server-to-server check (never the password
// hash). An unknown id is not_found.
func (s *Service) User(ctx context.Context, systemID, userID string) (*domain.User, error) {
	if userID == "" || len(userID) > maxUserIDLength {
		return nil, domain.Errorf(domain.CodeNotFound, "no such user")
	}
	u, err := s.Users.UserByID(ctx, userID)
	if errors.Is(err, domain.ErrNotFound) {
		return nil, domain.Errorf(domain.CodeNotFound, "no such user")
	}
	if err != nil {
		return nil, err
	}
	c := *u
	c.PasswordHash = ""
	return &c, nil
}
