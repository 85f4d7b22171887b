package store

import (
	"context"
	"time"

	"github.com/gatehouse/gatehouse/internal/domain"
)

// Users keeps accounts.
type Users interface {
	// CreateUser inserts u (whose ID the caller chose) and grants it the given roles, all in
	// one transaction: either the user exists with every grant, or nothing was written.
	// A taken username is domain.ErrConflict; an unknown role id is domain.ErrNotFound.
	CreateUser(ctx context.Context, u *domain.User, roleIDs ...string) error
	UserByID(ctx context.Context, id string) (*domain.User, error)
	// UserByUsername looks up a normalised username.
	UserByUsername(ctx context.Context, username string) (*domain.User, error)
	// UpdateUser writes display name, e-mail, status, password hash and password-changed
	// time; it sets UpdatedAt and increments Version (both written back into u).
	UpdateUser(ctx context.Context, u *domain.User) error
	// ListUsers returns one page, ordered by username, and the total number matching.
	ListUsers(ctx context.Context, f domain.UserFilter) ([]*domain.User, int, error)
}

// Systems keeps the registered sub-systems.
type Systems interface {
	CreateSystem(ctx context.Context, s *domain.System) error
	SystemByID(ctx context.Context, id string) (*domain.System, error)
	// UpdateSystem writes every field but ID and CreatedAt, and sets UpdatedAt.
	UpdateSystem(ctx context.Context, s *domain.System) error
	ListSystems(ctx context.Context) ([]*domain.System, error)
	// DeleteSystem removes the system, its roles and every grant of them.
	DeleteSystem(ctx context.Context, id string) error
}

// Roles keeps roles and their permission codes. Any change to a role increments the Version
// of every user who holds it, so that cached permissions can tell they are stale.
type Roles interface {
	// CreateRole inserts r with its permissions (r.ID chosen by the caller); a taken
	// (system, name) pair is domain.ErrConflict; an unknown system domain.ErrNotFound.
	CreateRole(ctx context.Context, r *domain.Role) error
	RoleByID(ctx context.Context, id string) (*domain.Role, error)
	RoleByName(ctx context.Context, systemID, name string) (*domain.Role, error)
	// ListRoles lists the roles of one system ("" for every system), ordered by system, name.
	ListRoles(ctx context.Context, systemID string) ([]*domain.Role, error)
	// AddPermission and RemovePermission are idempotent.
	AddPermission(ctx context.Context, roleID, code string) error
	RemovePermission(ctx context.Context, roleID, code string) error
	// UpdateRole writes r's description and replaces its permission set (duplicates dropped)
	// in one transaction; holders get a new Version only when the set changed. An unknown
	// role is domain.ErrNotFound. Name, system and creation time are never changed.
	UpdateRole(ctx context.Context, r *domain.Role) error
	DeleteRole(ctx context.Context, id string) error
}

// Grants keeps which user holds which role. Granting and revoking increment the user's Version.
type Grants interface {
	// GrantRole is idempotent; an unknown user or role is domain.ErrNotFound.
	GrantRole(ctx context.Context, userID, roleID string) error
	// RevokeRole is idempotent.
	RevokeRole(ctx context.Context, userID, roleID string) error
	// GrantsOfUser returns every role the user holds, in every system, with its permissions.
	GrantsOfUser(ctx context.Context, userID string) ([]domain.Grant, error)
}

// Audit keeps the audit log. Events are never changed or removed by Gatehouse.
type Audit interface {
	// AppendAudit inserts e and sets its ID.
	AppendAudit(ctx context.Context, e *domain.AuditEvent) error
	// ListAudit returns matching events, newest first.
	ListAudit(ctx context.Context, f domain.AuditFilter) ([]domain.AuditEvent, error)
}

// AuditReports answers questions about the audit log as a whole: totals for paging, counts
// over time for the dashboard, and who signed in lately (candidates for live sessions).
type AuditReports interface {
	// CountAudit returns how many events f selects (its Offset and Limit ignored).
	CountAudit(ctx context.Context, f domain.AuditFilter) (int, error)
	// AuditCounts counts the events of the given types at or after since, per type and per
	// bucket of the given length. Buckets are aligned to the Unix epoch (hours and days fall on
	// UTC boundaries); only non-empty buckets are returned, ordered by start, then type.
	AuditCounts(ctx context.Context, types []string, since time.Time, bucket time.Duration) ([]AuditCount, error)
	// AuditSubjects returns the distinct non-empty subject ids of events of type typ at or
	// after since, in byte order.
	AuditSubjects(ctx context.Context, typ string, since time.Time) ([]string, error)
}

// AuditCount is the number of events of one type in one bucket of time.
type AuditCount struct {
	Start time.Time // UTC
	Type  string
	Count int
}

// SigningKeys keeps token-signing keys, private halves sealed.
type SigningKeys interface {
	AddSigningKey(ctx context.Context, k *domain.SigningKey) error
	// ListSigningKeys returns every key, newest first.
	ListSigningKeys(ctx context.Context) ([]*domain.SigningKey, error)
	// RetireSigningKey marks the key as no longer signing from at; unknown id is ErrNotFound.
	RetireSigningKey(ctx context.Context, id string, at time.Time) error
}

// Pinger reports whether a backend is reachable, for readiness checks.
type Pinger interface {
	Ping(ctx context.Context) error
}
