package identity

import (
	"context"
	"encoding/base32"
	"errors"
	"io"
	"log/slog"
	"time"

	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/password"
	"github.com/gatehouse/gatehouse/internal/store"
)

// Secrets hashes and generates sub-system secrets (secret.Keys does).
type Secrets interface {
	NewSecret() (string, error)
	HashSecret(secret string) []byte
	SecretMatches(secret string, stored []byte) bool
}

// Service manages users, systems, roles and grants.
type Service struct {
	Users   store.Users
	Systems store.Systems
	Roles   store.Roles
	Grants  store.Grants
	Audit   store.Audit
	Hasher  *password.Hasher
	Policy  password.Policy
	Secrets Secrets
	Now     func() time.Time
	Rand    io.Reader
	Log     *slog.Logger
	// Changes hears of every change that affects signed-in users; nil when nobody listens
	// (the sign-in engine listens: it ends sessions and drops cached permissions).
	Changes ChangeListener
	// Epoch reads the shared change counter that Changes.AuthzChanged moves; with it, system
	// credentials are checked against a cache. Nil: every check reads the store.
	Epoch func(ctx context.Context) (int64, error)

	systems systemCache
}

// ChangeListener is told of changes that signed-in users must feel at once.
type ChangeListener interface {
	// AuthzChanged: users, roles, permissions or grants changed.
	AuthzChanged(ctx context.Context)
	// UserDeactivated: the user was disabled or locked; every session of theirs must end.
	UserDeactivated(ctx context.Context, userID string)
	// PasswordReset: an operator set the user's password; every session of theirs must end.
	PasswordReset(ctx context.Context, userID string)
}

func (s *Service) authzChanged(ctx context.Context) {
	if s.Changes != nil {
		s.Changes.AuthzChanged(ctx)
	}
}

// Actor is who asks for a change, for the audit log.
type Actor struct {
	UserID    string // "" for the command line or the system itself
	Via       string // "cli", "api", "bootstrap", "import"
	IP        string
	UserAgent string
}

var idEncoding = base32.NewEncoding("0123456789abcdefghjkmnpqrstvwxyz").WithPadding(base32.NoPadding)

// newID returns a random, URL-safe identifier of 128 bits (26 characters).
func (s *Service) newID() (string, error) {
	b := make([]byte, 16)
	if _, err := io.ReadFull(s.Rand, b); err != nil {
		return "", domain.Wrap(domain.CodeInternal, err, "no randomness")
	}
	return idEncoding.EncodeToString(b), nil
}

// record writes an audit event. The change it describes has happened already, so a failure to
// record is logged loudly rather than returned.
func (s *Service) record(ctx context.Context, a Actor, typ, subject, system string, details map[string]string) {
	if details == nil {
		details = map[string]string{}
	}
	if a.Via != "" {
		details["via"] = a.Via
	}
	e := &domain.AuditEvent{
		At: s.Now(), Type: typ, ActorID: a.UserID, SubjectID: subject, SystemID: system,
		IP: a.IP, UserAgent: a.UserAgent, Outcome: "success", Details: details,
	}
	if err := s.Audit.AppendAudit(ctx, e); err != nil {
		s.Log.ErrorContext(ctx, "audit write failed", "type", typ, "subject", subject, "err", err)
	}
}

// notFound turns a store's not-found into one that names what was missing.
func notFound(err error, format string, args ...any) error {
	if errors.Is(err, domain.ErrNotFound) {
		return domain.Errorf(domain.CodeNotFound, format, args...)
	}
	return err
}
