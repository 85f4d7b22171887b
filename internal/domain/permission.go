package domain

import (
	"sort"
	"strings"
)

// Permission codes have the form system:resource:action, any number of segments from one to
// eight. A segment is lower-case letters, digits, '_', '.' or '-', or the wildcard '*':
//
//	"*"                  everything, in every system (the super-admin)
//	"demo:*"             everything in system demo, at any depth
//	"demo:article:*"     every action on articles of demo
//	"demo:*:read"        read on every resource of demo
//
// A '*' in the middle matches exactly one segment; a '*' at the end matches one or more.

// Limits on permission codes.
const (
	MaxPermissionLen      = 256
	MaxPermissionSegments = 8
)

// ParsePermission validates code and returns its segments.
func ParsePermission(code string) ([]string, error) {
	if code == "" || len(code) > MaxPermissionLen {
		return nil, Errorf(CodeInvalidInput, "a permission code has 1 to %d bytes", MaxPermissionLen)
	}
	segs := strings.Split(code, ":")
	if len(segs) > MaxPermissionSegments {
		return nil, Errorf(CodeInvalidInput, "a permission code has at most %d segments", MaxPermissionSegments)
	}
	for _, s := range segs {
		if !validSegment(s) {
			return nil, Errorf(CodeInvalidInput, "segment %q must be '*' or lower-case letters, digits, _ . -", s)
		}
	}
	return segs, nil
}

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

// Permissions is a set of permission codes compiled for fast matching. The zero value allows
// nothing.
type Permissions struct {
	codes    []string
	patterns [][]string
	all      bool
}

// NewPermissions compiles codes, dropping invalid ones and duplicates; Codes returns them sorted.
func NewPermissions(codes []string) Permissions {
	uniq := make(map[string]struct{}, len(codes))
	var p Permissions
	for _, c := range codes {
		if _, dup := uniq[c]; dup {
			continue
		}
		segs, err := ParsePermission(c)
		if err != nil {
			continue
		}
		uniq[c] = struct{}{}
		p.codes = append(p.codes, c)
		p.patterns = append(p.patterns, segs)
		if c == "*" {
			p.all = true
		}
	}
	sort.Strings(p.codes)
	return p
}

// Codes returns the codes of the set, sorted.
func (p Permissions) Codes() []string { return append([]string(nil), p.codes...) }

// Allows reports whether any code of the set grants required (a concrete code such as
// "cms:article:edit"). A required code that ParsePermission would refuse is never allowed, not
// even by "*". A '*' in required is a literal segment: only a '*' or a wildcard grants it. It
// does not allocate.
func (p Permissions) Allows(required string) bool {
	if !validCode(required) {
		return false
	}
	if p.all {
		return true
	}
	for _, pat := range p.patterns {
		if matchSegments(pat, required) {
			return true
		}
	}
	return false
}

// validCode reports whether ParsePermission would accept code, without allocating.
func validCode(code string) bool {
	if code == "" || len(code) > MaxPermissionLen {
		return false
	}
	segs := 1
	for rest := code; ; segs++ {
		seg, tail, more := strings.Cut(rest, ":")
		if !validSegment(seg) || segs > MaxPermissionSegments {
			return false
		}
		if !more {
			return true
		}
		rest = tail
	}
}

// matchSegments matches one compiled pattern against a required code that validCode accepted,
// walking it with strings.Cut so that nothing is allocated.
func matchSegments(pat []string, required string) bool {
	rest := required
	for i, ps := range pat {
		if rest == "" && i > 0 {
			return false // the required code is shorter than the pattern
		}
		seg, tail, more := strings.Cut(rest, ":")
		if seg == "" {
			return false // empty segment: malformed required code
		}
		if ps == "*" && i == len(pat)-1 {
			return true // a trailing wildcard takes this segment and any after it
		}
		if ps != "*" && ps != seg {
			return false
		}
		if !more {
			return i == len(pat)-1
		}
		rest = tail
		if rest == "" {
			return false // trailing ':' in the required code
		}
	}
	return false // the required code is longer than the pattern
}

// AppliesTo reports whether a code can grant anything in the given system: its first segment
// is the system id or '*'.
func AppliesTo(code, systemID string) bool {
	first, _, _ := strings.Cut(code, ":")
	return first == "*" || first == systemID
}

// Effective is what a user may do in one system: role names and permission codes.
type Effective struct {
	SystemID    string
	Roles       []string // role names in the system, sorted; super-admin roles of the center included
	Permissions Permissions
}

// EffectivePermissions computes what the grants give a user in systemID. Roles of that system
// count with all their codes; roles of the center system count with those of their codes that
// apply to systemID (so the super-admin's "*" reaches every system). Codes that name another
// system are ignored. The function is pure: same grants, same answer.
func EffectivePermissions(grants []Grant, systemID string) Effective {
	roles := map[string]struct{}{}
	var codes []string
	for _, g := range grants {
		r := g.Role
		switch r.SystemID {
		case systemID:
			roles[r.Name] = struct{}{}
			for _, c := range r.Permissions {
				if AppliesTo(c, systemID) {
					codes = append(codes, c)
				}
			}
		case CenterSystemID:
			applied := false
			for _, c := range r.Permissions {
				if AppliesTo(c, systemID) {
					codes = append(codes, c)
					applied = true
				}
			}
			if applied {
				roles[r.Name] = struct{}{}
			}
		}
	}
	names := make([]string, 0, len(roles))
	for n := range roles {
		names = append(names, n)
	}
	sort.Strings(names)
	return Effective{SystemID: systemID, Roles: names, Permissions: NewPermissions(codes)}
}
