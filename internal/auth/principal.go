package auth

import (
	"context"
	"errors"

	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/session"
	"github.com/gatehouse/gatehouse/internal/token"
)

// Principal is the signed-in user behind a request.
type Principal struct {
	Session  *session.Session
	Claims   *token.Claims // nil when the request was authenticated by the session cookie
	Identity *Identity
}

// UserID is the principal's user id.
func (p *Principal) UserID() string { return p.Identity.User.ID }

// Effective is what the principal may do in a system.
func (p *Principal) Effective(systemID string) domain.Effective {
	return p.Identity.Effective(systemID)
}

var errSessionEnded = domain.Errorf(domain.CodeSessionExpired, "the session has ended; sign in again")

// AuthenticateBearer recognises a request by its access token: a valid signature and claims,
// and a session that is still alive (logout anywhere ends every token of the session).
func (s *Service) AuthenticateBearer(ctx context.Context, accessToken string) (*Principal, error) {
	claims, err := s.Access.Verify(ctx, accessToken, Audience)
	if err != nil {
		return nil, err
	}
	sess, err := s.Sessions.Get(ctx, claims.SessionID)
	if err != nil {
		return nil, err
	}
	if sess.UserID != claims.Subject {
		return nil, domain.Errorf(domain.CodeTokenInvalid, "the token does not belong to its session")
	}
	return s.principal(ctx, sess, claims)
}

// AuthenticateCookie recognises a request by its session cookie.
func (s *Service) AuthenticateCookie(ctx context.Context, cookie string) (*Principal, error) {
	sess, err := s.Sessions.Authenticate(ctx, cookie)
	if err != nil {
		return nil, err
	}
	return s.principal(ctx, sess, nil)
}

// principal completes the check: the account must still be active, and activity renews the
// session (throttled by the session manager).
func (s *Service) principal(ctx context.Context, sess *session.Session, claims *token.Claims) (*Principal, error) {
	id, err := s.Authz.Get(ctx, sess.UserID)
	if errors.Is(err, domain.ErrNotFound) || err == nil && id.User.Status != domain.UserActive {
		_ = s.Sessions.End(ctx, sess.ID, "account_inactive")
		return nil, errSessionEnded
	}
	if err != nil {
		return nil, err
	}
	if _, err := s.Sessions.Touch(ctx, sess); err != nil {
		s.Log.WarnContext(ctx, "session touch failed", "err", err)
	}
	return &Principal{Session: sess, Claims: claims, Identity: id}, nil
}
