package auth

import (
	"context"
	"errors"

	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/session"
	"github.com/gatehouse/gatehouse/internal/token"
)

func tokenBinding(sess *session.Session, system string, c Client) token.Binding {
	return token.Binding{SessionID: sess.ID, UserID: sess.UserID, System: system, Center: true, UserAgent: c.UserAgent, IP: c.IP}
}

// RefreshTokens rotates a refresh token and signs a new access token. The old refresh token
// dies at once; a replay after the grace window revokes its family and is audited as theft.
func (s *Service) RefreshTokens(ctx context.Context, refreshToken string, c Client) (Tokens, error) {
	if refreshToken == "" || len(refreshToken) > 512 {
		return Tokens{}, domain.Errorf(domain.CodeTokenInvalid, "no usable refresh token")
	}
	// A sub-system's family (SSO ticket validation) must never mint center tokens; RotateIf
	// refuses it without changing anything.
	next, fam, err := s.Refresh.RotateIf(ctx, refreshToken, c.UserAgent, c.IP, func(f *token.Family) bool { return f.Center })
	if errors.Is(err, token.ErrReuse) {
		s.audit(ctx, domain.AuditEvent{Type: AuditRefreshReuse, Outcome: "failure", IP: c.IP, UserAgent: c.UserAgent,
			Reason:    "a rotated refresh token was presented again; its family was revoked",
			SessionID: sessionOf(refreshToken)})
	}
	if err != nil {
		return Tokens{}, err
	}
	sess, err := s.Sessions.Get(ctx, fam.SessionID)
	if err != nil {
		_ = s.Refresh.RevokeSession(ctx, fam.SessionID)
		return Tokens{}, err
	}
	p, err := s.principal(ctx, sess, nil)
	if err != nil {
		return Tokens{}, err
	}
	aud := []string{Audience}
	var roles []string
	if fam.System != "" && fam.System != Audience {
		aud = append(aud, fam.System)
		roles = p.Effective(fam.System).Roles
	}
	at, claims, err := s.Access.Issue(ctx, sess.UserID, sess.Username, sess.ID, aud, roles)
	if err != nil {
		return Tokens{}, err
	}
	s.audit(ctx, domain.AuditEvent{Type: AuditRefresh, ActorID: sess.UserID, SubjectID: sess.UserID,
		SystemID: fam.System, SessionID: sess.ID, IP: c.IP, UserAgent: c.UserAgent})
	return Tokens{AccessToken: at, AccessExpiresAt: unix(claims.Expiry), RefreshToken: next, Audience: aud, Roles: roles}, nil
}

// sessionOf reads the session id out of a refresh token, for the audit log; "" when garbled.
func sessionOf(refreshToken string) string {
	for i := 0; i < len(refreshToken) && i < 64; i++ {
		if refreshToken[i] == '.' {
			return refreshToken[:i]
		}
	}
	return ""
}

// Logout ends the principal's session and everything under it.
func (s *Service) Logout(ctx context.Context, p *Principal, c Client) error {
	if err := s.Sessions.End(ctx, p.Session.ID, "logout"); err != nil {
		return err
	}
	s.audit(ctx, domain.AuditEvent{Type: AuditLogout, ActorID: p.UserID(), SubjectID: p.UserID(),
		SessionID: p.Session.ID, IP: c.IP, UserAgent: c.UserAgent})
	return nil
}
