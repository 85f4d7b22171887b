package oidc

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/zitadel/oidc/v3/pkg/op"

	"github.com/gatehouse/gatehouse/internal/auth"
	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/keys"
	"github.com/gatehouse/gatehouse/internal/session"
	"github.com/gatehouse/gatehouse/internal/store"
	"github.com/gatehouse/gatehouse/internal/syscache"
	"github.com/gatehouse/gatehouse/internal/token"
)

// Defaults of Storage.
const (
	DefaultCodeTTL     = 60 * time.Second
	DefaultAccessTTL   = 15 * time.Minute
	DefaultIDTokenTTL  = time.Hour
	DefaultRequestTTL  = 15 * time.Minute // an authorization request waiting for the sign-in
	usedCodeRemembered = 10 * time.Minute // how long a redeemed code is kept to detect replays
)

// SystemReader reads systems (the SQL store does).
type SystemReader interface {
	SystemByID(ctx context.Context, id string) (*domain.System, error)
}

// SystemAuthenticator checks a system's credentials (identity.Service does).
type SystemAuthenticator interface {
	AuthenticateSystem(ctx context.Context, systemID, secret string) (*domain.System, error)
}

// Identities reads a user with grants (auth.AuthzCache does).
type Identities interface {
	Get(ctx context.Context, userID string) (*auth.Identity, error)
}

// KeySource gives the signing and verifying keys (keys.Manager does).
type KeySource interface {
	Current(ctx context.Context) (*keys.KeySet, error)
}

// Storage implements op.Storage over Gatehouse's stores. Set the fields before first use; the
// zero values of the optional ones take the defaults. It is safe for concurrent use.
type Storage struct {
	KV       store.KV
	Systems  SystemReader
	Secrets  SystemAuthenticator
	Users    Identities
	Sessions *session.Manager
	Refresh  *token.Refresh
	Keys     KeySource
	// Ensure creates an active key of alg when there is none (keys.Manager.Ensure).
	Ensure func(ctx context.Context, alg string) error
	// Crypto seals codes and access tokens; the provider hands the same one to op.
	Crypto op.Crypto
	Audit  store.Audit // nil records nothing
	Log    *slog.Logger
	Now    func() time.Time
	Rand   io.Reader
	// BasePath is the path of the public URL ("" at the root): the login glue lives at
	// BasePath+"/oidc/login".
	BasePath   string
	CodeTTL    time.Duration
	AccessTTL  time.Duration
	IDTokenTTL time.Duration

	once    sync.Once
	randMu  sync.Mutex
	systems syscache.Cache
}

var (
	_ op.Storage                        = (*Storage)(nil)
	_ op.ClientCredentialsStorage       = (*Storage)(nil)
	_ op.CanSetUserinfoFromRequest      = (*Storage)(nil)
	_ op.CanTerminateSessionFromRequest = (*Storage)(nil)
)

func (s *Storage) init() {
	s.once.Do(func() {
		if s.Log == nil {
			s.Log = slog.New(slog.DiscardHandler)
		}
		if s.Now == nil {
			s.Now = time.Now
		}
		if s.CodeTTL <= 0 {
			s.CodeTTL = DefaultCodeTTL
		}
		if s.AccessTTL <= 0 {
			s.AccessTTL = DefaultAccessTTL
		}
		if s.IDTokenTTL <= 0 {
			s.IDTokenTTL = DefaultIDTokenTTL
		}
	})
}

func (s *Storage) now() time.Time {
	s.init()
	return s.Now()
}

// newID returns 128 random bits, base64url.
func (s *Storage) newID() (string, error) {
	var b [16]byte
	var err error
	if s.Rand == nil {
		_, err = rand.Read(b[:])
	} else {
		s.randMu.Lock()
		_, err = io.ReadFull(s.Rand, b[:])
		s.randMu.Unlock()
	}
	if err != nil {
		return "", domain.Wrap(domain.CodeInternal, err, "oidc: no entropy")
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}

func hashOf(s string) string {
	sum := sha256.Sum256([]byte(s))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// Health reports whether the session store answers.
func (s *Storage) Health(ctx context.Context) error { return s.KV.Ping(ctx) }

// audit records e; a failure is logged, never returned.
func (s *Storage) audit(ctx context.Context, e domain.AuditEvent) {
	if s.Audit == nil {
		return
	}
	if e.At.IsZero() {
		e.At = s.now()
	}
	if err := s.Audit.AppendAudit(ctx, &e); err != nil {
		s.Log.WarnContext(ctx, "oidc: audit failed", "type", e.Type, "err", err)
	}
}
