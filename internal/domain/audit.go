package domain

import "time"

// AuditEvent is one entry of the audit log: who did what to whom, from where, and how it ended.
type AuditEvent struct {
	ID        int64
	At        time.Time
	Type      string // e.g. "login.success", "user.create"; see the Audit* constants
	ActorID   string // the user who acted; "" for anonymous or the system itself
	SubjectID string // the user, system or role acted upon
	SystemID  string
	SessionID string
	IP        string
	UserAgent string
	Outcome   string            // "success" or "failure"
	Reason    string            // why it failed, never a secret
	Details   map[string]string // small, non-secret facts
}

// Audit event types written so far; later faces add their own.
const (
	AuditUserCreate      = "user.create"
	AuditUserUpdate      = "user.update"
	AuditUserPassword    = "user.password"
	AuditUserStatus      = "user.status"
	AuditUserImport      = "user.import"
	AuditRoleCreate      = "role.create"
	AuditRoleGrant       = "role.grant"
	AuditRoleRevoke      = "role.revoke"
	AuditPermissionGrant = "permission.grant"
	AuditSystemCreate    = "system.create"
	AuditSystemSecret    = "system.rotate_secret"
	AuditKeyRotate       = "key.rotate"
	AuditBootstrap       = "bootstrap.admin"
)

// AuditFilter selects audit events, newest first.
type AuditFilter struct {
	UserID string // matches ActorID or SubjectID
	Type   string // exact type, or a prefix ending in '.' such as "login."
	Since  time.Time
	Until  time.Time
	Offset int
	Limit  int
}
