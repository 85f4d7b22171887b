package domain

import (
	"regexp"
	"time"
)

// Role is a named bundle of permission codes inside one system. A user holds roles per system.
// The codes of a role are in its system's namespace (their first segment is the system id);
// only roles of the center system may hold codes of other systems, "*" or "*:…".
type Role struct {
	ID          string
	SystemID    string
	Name        string // e.g. "ADMIN"; unique within its system
	Description string
	Permissions []string // permission codes, each valid per ParsePermission
	CreatedAt   time.Time
}

// SuperAdminRole is the role of the center system that holds "*": every permission everywhere.
const SuperAdminRole = "super-admin"

var roleNamePattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_.-]{0,63}$`)

// Validate checks every field of r and reports all problems at once.
func (r *Role) Validate() error {
	var p Problems
	if !ValidSystemID(r.SystemID) {
		p.Add("system", "is not a valid system id")
	}
	if !roleNamePattern.MatchString(r.Name) {
		p.Add("name", "must be letters, digits, _ . or -, starting with a letter, at most 64 characters")
	}
	if len(r.Description) > 512 {
		p.Add("description", "is longer than 512 bytes")
	}
	for _, c := range r.Permissions {
		segs, err := ParsePermission(c)
		if err != nil {
			p.Add("permissions", "%q: %s", c, ErrorMessage(err))
		} else if r.SystemID != CenterSystemID && segs[0] != r.SystemID {
			// Only the center's roles reach other systems; "*" and "*:…" are theirs alone.
			p.Add("permissions", "%q must start with the role's system %q", c, r.SystemID)
		}
	}
	return p.Err()
}

// Grant says that a user holds a role; the role carries its system and permissions.
type Grant struct {
	UserID string
	Role   Role
}
