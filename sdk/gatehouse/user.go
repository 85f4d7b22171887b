package gatehouse

import (
	"context"
	"strings"
)

// User is the signed-in person as the center describes them to this system.
type User struct {
	ID          string   `json:"id"`
	Username    string   `json:"username"`
	DisplayName string   `json:"display_name"`
	Email       string   `json:"email"`
	Status      string   `json:"status"`
	Roles       []string `json:"roles"`       // role names in this system
	Permissions []string `json:"permissions"` // permission codes, wildcards included
	SessionID   string   `json:"sid"`         // the center's global session (sid)
}

// HasRole reports whether the user holds any of the named roles in this system.
func (u *User) HasRole(roles ...string) bool {
	if u == nil {
		return false
	}
	for _, have := range u.Roles {
		for _, want := range roles {
			if have == want {
				return true
			}
		}
	}
	return false
}

// Can reports whether the user's permissions grant code (a concrete code such as
// "cms:article:edit"). A '*' segment of a granted code matches exactly one segment, a trailing
// '*' one or more, and "*" alone everything; a malformed required code is never granted.
func (u *User) Can(code string) bool {
	if u == nil || !validCode(code) {
		return false
	}
	for _, p := range u.Permissions {
		if permissionGrants(p, code) {
			return true
		}
	}
	return false
}

type userKey struct{}

// UserFrom returns the signed-in user of the request context, or nil.
func UserFrom(ctx context.Context) *User {
	u, _ := ctx.Value(userKey{}).(*User)
	return u
}

// WithUser returns a context that carries u (for tests of handlers behind the middleware).
func WithUser(ctx context.Context, u *User) context.Context {
	return context.WithValue(ctx, userKey{}, u)
}

// Limits on permission codes, the same as the center's.
const (
	maxPermissionLen      = 256
	maxPermissionSegments = 8
)

func validSegment(s string) bool {
	if s == "*" {
		return true
	}
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-') {
			return false
		}
	}
	return true
}

// validCode reports whether code is a well-formed permission code.
func validCode(code string) bool {
	if code == "" || len(code) > maxPermissionLen {
		return false
	}
	for segs, rest := 1, code; ; segs++ {
		seg, tail, more := strings.Cut(rest, ":")
		if !validSegment(seg) || segs > maxPermissionSegments {
			return false
		}
		if !more {
			return true
		}
		rest = tail
	}
}

// permissionGrants matches one granted code (a pattern) against a valid required code.
func permissionGrants(pattern, required string) bool {
	if !validCode(pattern) {
		return false
	}
	if pattern == "*" {
		return true
	}
	rest := required
	for {
		ps, ptail, pmore := strings.Cut(pattern, ":")
		seg, tail, more := strings.Cut(rest, ":")
		if ps == "*" && !pmore {
			return true // a trailing wildcard takes this segment and any after it
		}
		if ps != "*" && ps != seg {
			return false
		}
		if !more || !pmore {
			return more == pmore // both end here
		}
		pattern, rest = ptail, tail
	}
}
