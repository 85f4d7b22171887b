package auth

import (
	"context"
	"log/slog"
	"time"

	"github.com/gatehouse/gatehouse/internal/captcha"
	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/password"
	"github.com/gatehouse/gatehouse/internal/session"
	"github.com/gatehouse/gatehouse/internal/store"
	"github.com/gatehouse/gatehouse/internal/throttle"
	"github.com/gatehouse/gatehouse/internal/token"
)

// Service signs people in and recognises them afterwards.
type Service struct {
	Users    store.Users
	Audit    store.Audit
	Hasher   *password.Hasher
	Policy   password.Policy
	Sessions *session.Manager
	Access   *token.Access
	Refresh  *token.Refresh
	Captcha  *captcha.Captcha
	// CaptchaPolicy is always, after_failures or never.
	CaptchaPolicy captcha.Policy
	Throttle      *throttle.Throttle
	Authz         *AuthzCache
	Now           func() time.Time
	Log           *slog.Logger
	// Sleep waits d or until ctx ends (the progressive delay); injected so tests need not wait.
	Sleep func(ctx context.Context, d time.Duration) error

	pad padding
}

// Audience is the audience of tokens meant for Gatehouse's own API.
const Audience = domain.CenterSystemID

// Client describes where a request comes from.
type Client struct {
	IP        string
	UserAgent string
	DeviceID  string // from the device cookie; "" when the client has none
}

// SleepContext waits d or until ctx is done; the default Sleep.
func SleepContext(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return domain.Wrap(domain.CodeUnavailable, ctx.Err(), "request abandoned")
	}
}

// audit writes an audit event; a failure is logged, never returned (the act happened).
func (s *Service) audit(ctx context.Context, e domain.AuditEvent) {
	if e.At.IsZero() {
		e.At = s.Now()
	}
	if e.Outcome == "" {
		e.Outcome = "success"
	}
	if err := s.Audit.AppendAudit(ctx, &e); err != nil {
		s.Log.ErrorContext(ctx, "audit write failed", "type", e.Type, "err", err)
	}
}

// AuthzChanged drops cached permissions everywhere (identity.ChangeListener).
func (s *Service) AuthzChanged(ctx context.Context) {
	if err := s.Authz.Invalidate(ctx); err != nil {
		s.Log.ErrorContext(ctx, "permission cache invalidation failed", "err", err)
	}
}

// UserDeactivated ends every session of a disabled or locked user (identity.ChangeListener).
func (s *Service) UserDeactivated(ctx context.Context, userID string) {
	s.endAll(ctx, userID, "account_disabled")
}

// PasswordReset ends every session of a user whose password an operator set.
func (s *Service) PasswordReset(ctx context.Context, userID string) {
	s.endAll(ctx, userID, "password_reset")
}

func (s *Service) endAll(ctx context.Context, userID, reason string) {
	if _, err := s.Sessions.EndUser(ctx, userID, "", reason); err != nil {
		s.Log.ErrorContext(ctx, "ending sessions failed", "user", userID, "reason", reason, "err", err)
	}
	s.AuthzChanged(ctx)
}
