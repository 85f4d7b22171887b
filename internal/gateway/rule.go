package gateway

import (
	"fmt"
	"strings"

	"github.com/gatehouse/gatehouse/internal/domain"
)

// Access is what a rule asks of the caller.
type Access int

// The kinds of access.
const (
	Deny       Access = iota // nobody passes
	Public                   // everybody passes; identity headers when signed in
	SignedIn                 // any signed-in user
	Role                     // a role in the rule's system
	Permission               // a permission code, wildcards of the user's grants applying
)

var accessNames = map[Access]string{Deny: "deny", Public: "public", SignedIn: "signed_in", Role: "role", Permission: "permission"}

func (a Access) String() string { return accessNames[a] }

// Rule says who may reach the paths of a host. Its text form, as configuration writes it:
//
//	HOST PATH ACCESS [system=ID] [bind_ip]
//
// HOST is a name ("app.example.com", with ":port" to match one port only), "*.example.com"
// (any sub-domain) or "*" (any host). PATH is a pattern of segments: "/admin" (that path, with
// or without a trailing slash), "/users/*/edit" ('*' is any one segment), "/admin/**" (the
// path and everything below it; "**" only last). ACCESS is deny, public, signed_in,
// role=SYSTEM:ROLE or permission=SYSTEM:RESOURCE:ACTION. system=ID names the system whose
// roles and permissions the identity headers carry (for role= and permission= it is theirs).
// bind_ip refuses a session used from another address than the one it signed in from.
type Rule struct {
	Host       string
	Path       string
	Access     Access
	System     string
	Role       string // for Role
	Permission string // for Permission
	BindIP     bool
	Text       string // as configured, for logs and metrics

	host hostPattern
	path []string // pattern segments; "**" only last
}

// ParseRule reads the text form of a rule.
func ParseRule(text string) (Rule, error) {
	f := strings.Fields(text)
	if len(f) < 3 {
		return Rule{}, fmt.Errorf("want HOST PATH ACCESS [system=ID] [bind_ip], got %q", text)
	}
	r := Rule{Text: strings.Join(f, " ")}
	if err := r.setHostPath(f[0], f[1]); err != nil {
		return Rule{}, err
	}
	if err := r.setAccess(f[2], f[3:]); err != nil {
		return Rule{}, err
	}
	return r, nil
}

func (r *Rule) setHostPath(host, path string) error {
	hp, err := parseHostPattern(host)
	if err != nil {
		return err
	}
	segs, err := parsePathPattern(path)
	if err != nil {
		return err
	}
	r.Host, r.host, r.Path, r.path = hp.text, hp, path, segs
	return nil
}

// setAccess reads ACCESS and the options after it.
func (r *Rule) setAccess(access string, opts []string) error {
	kind, arg, _ := strings.Cut(access, "=")
	switch kind {
	case "deny":
		r.Access = Deny
	case "public":
		r.Access = Public
	case "signed_in":
		r.Access = SignedIn
	case "role":
		sys, role, ok := strings.Cut(arg, ":")
		if !ok || !validSystem(sys) || role == "" || strings.ContainsAny(role, ": ") {
			return fmt.Errorf("role=%s: want role=SYSTEM:ROLE", arg)
		}
		r.Access, r.System, r.Role = Role, sys, role
	case "permission":
		if _, err := domain.ParsePermission(arg); err != nil || !strings.Contains(arg, ":") {
			return fmt.Errorf("permission=%s: want a permission code SYSTEM:RESOURCE:ACTION", arg)
		}
		r.Access, r.Permission = Permission, arg
		r.System, _, _ = strings.Cut(arg, ":")
	default:
		return fmt.Errorf("access %q: want deny, public, signed_in, role=SYSTEM:ROLE or permission=CODE", access)
	}
	if (kind == "deny" || kind == "public" || kind == "signed_in") && arg != "" {
		return fmt.Errorf("access %q takes no value", access)
	}
	for _, o := range opts {
		name, val, _ := strings.Cut(o, "=")
		switch name {
		case "bind_ip":
			if val != "" {
				return fmt.Errorf("bind_ip takes no value")
			}
			r.BindIP = true
		case "system":
			if !validSystem(val) || r.System != "" && r.System != val {
				return fmt.Errorf("system=%s: want the id of a system (the same as the rule's role or permission)", val)
			}
			r.System = val
		default:
			return fmt.Errorf("unknown option %q (want system=ID or bind_ip)", o)
		}
	}
	return nil
}

func validSystem(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

// parsePathPattern checks a path pattern and splits it into segments.
func parsePathPattern(p string) ([]string, error) {
	if !strings.HasPrefix(p, "/") {
		return nil, fmt.Errorf("path %q must start with /", p)
	}
	norm, err := NormalizePath(p)
	if err != nil || strings.Contains(p, "%") || strings.Contains(p, ";") {
		return nil, fmt.Errorf("path %q must be plain: no escapes, no ';', no backslash", p)
	}
	if norm != strings.TrimSuffix(p, "/") && norm != p {
		return nil, fmt.Errorf("path %q must be in its normal form (%s): no '//', '.' or '..'", p, norm)
	}
	segs := splitPath(norm)
	for i, s := range segs {
		if s == "**" && i != len(segs)-1 {
			return nil, fmt.Errorf("path %q: ** may only be the last segment", p)
		}
		if s != "*" && s != "**" && strings.Contains(s, "*") {
			return nil, fmt.Errorf("path %q: * must be a whole segment", p)
		}
	}
	return segs, nil
}

// splitPath splits a normal path into its segments, ignoring a trailing slash.
func splitPath(p string) []string {
	p = strings.Trim(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}

// matchPath reports whether the segments of a normal path match the pattern's.
func matchPath(pat []string, path string, fold bool) bool {
	rest := strings.Trim(path, "/")
	for i, want := range pat {
		if want == "**" {
			return true
		}
		if rest == "" {
			return false
		}
		seg, tail, _ := strings.Cut(rest, "/")
		if want != "*" && !(seg == want || fold && strings.EqualFold(seg, want)) {
			return false
		}
		rest = tail
		if i == len(pat)-1 {
			return rest == ""
		}
	}
	return rest == ""
}
