package auth

import (
	"context"
	"strconv"
	"time"

	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/session"
)

// Audit event types of sign-in.
const (
	AuditLoginSuccess   = "login.success"
	AuditLoginFailure   = "login.failure"
	AuditLoginLocked    = "login.locked"
	AuditLogout         = "logout"
	AuditRefresh        = "token.refresh"
	AuditRefreshReuse   = "token.reuse_detected"
	AuditPasswordChange = "password.change"
	AuditSessionRevoke  = "session.revoke"
)

func unix(sec int64) time.Time { return time.Unix(sec, 0).UTC() }

// ChangePassword changes the principal's own password: the old one must be right and the new
// one must pass the policy. Every other session of the user ends; this one stays.
func (s *Service) ChangePassword(ctx context.Context, p *Principal, oldPassword, newPassword string, c Client) error {
	var probs domain.Problems
	if oldPassword == "" || len(oldPassword) > maxPasswordBytes {
		probs.Add("old_password", "is required")
	}
	if newPassword == "" {
		probs.Add("new_password", "is required")
	}
	if err := probs.Err(); err != nil {
		return err
	}
	u, err := s.Users.UserByID(ctx, p.UserID())
	if err != nil {
		return err
	}
	ok, _, err := s.Hasher.Verify(ctx, oldPassword, u.PasswordHash)
	if err != nil && domain.ErrorCode(err) == domain.CodeUnavailable {
		return err
	}
	if !ok {
		s.audit(ctx, domain.AuditEvent{Type: AuditPasswordChange, Outcome: "failure", Reason: "wrong_old_password",
			ActorID: u.ID, SubjectID: u.ID, SessionID: p.Session.ID, IP: c.IP, UserAgent: c.UserAgent})
		return &domain.Error{Code: domain.CodeInvalidCredentials, Message: "the current password is wrong",
			Fields: []domain.FieldError{{Field: "old_password", Problem: "is wrong"}}}
	}
	if err := s.Policy.Check(newPassword, u.Username); err != nil {
		return err
	}
	if newPassword == oldPassword {
		return &domain.Error{Code: domain.CodeWeakPassword, Message: "the new password is the old one",
			Fields: []domain.FieldError{{Field: "new_password", Problem: "must differ from the current password"}}}
	}
	h, err := s.Hasher.Hash(ctx, newPassword)
	if err != nil {
		return err
	}
	u.PasswordHash, u.PasswordChangedAt = h, s.Now()
	if err := s.Users.UpdateUser(ctx, u); err != nil {
		return err
	}
	ended, err := s.Sessions.EndUser(ctx, u.ID, p.Session.ID, "password_changed")
	if err != nil {
		return err
	}
	s.audit(ctx, domain.AuditEvent{Type: AuditPasswordChange, ActorID: u.ID, SubjectID: u.ID, SessionID: p.Session.ID,
		IP: c.IP, UserAgent: c.UserAgent, Details: map[string]string{"other_sessions_ended": strconv.Itoa(ended)}})
	return nil
}

// MySessions lists the principal's live sessions, newest first.
func (s *Service) MySessions(ctx context.Context, p *Principal) ([]*session.Session, error) {
	return s.Sessions.List(ctx, p.UserID())
}

// RevokeMySession ends one of the principal's own sessions. A session of another user is
// answered as not found, so ids cannot be probed.
func (s *Service) RevokeMySession(ctx context.Context, p *Principal, sid string, c Client) error {
	target, err := s.Sessions.Get(ctx, sid)
	if err != nil || target.UserID != p.UserID() {
		return domain.Errorf(domain.CodeNotFound, "no such session")
	}
	if err := s.Sessions.End(ctx, sid, "revoked_by_user"); err != nil {
		return err
	}
	s.audit(ctx, domain.AuditEvent{Type: AuditSessionRevoke, ActorID: p.UserID(), SubjectID: p.UserID(),
		SessionID: sid, IP: c.IP, UserAgent: c.UserAgent})
	return nil
}

// RevokeMyOtherSessions ends every session of the principal but the current one.
func (s *Service) RevokeMyOtherSessions(ctx context.Context, p *Principal, c Client) (int, error) {
	n, err := s.Sessions.EndUser(ctx, p.UserID(), p.Session.ID, "revoked_by_user")
	if err != nil {
		return 0, err
	}
	s.audit(ctx, domain.AuditEvent{Type: AuditSessionRevoke, ActorID: p.UserID(), SubjectID: p.UserID(),
		SessionID: p.Session.ID, IP: c.IP, UserAgent: c.UserAgent, Details: map[string]string{"ended": strconv.Itoa(n), "scope": "others"}})
	return n, nil
}
