package gateway

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/gatehouse/gatehouse/internal/domain"
)

// Options are the gateway's settings as configuration holds them.
type Options struct {
	Rules         []string // rule texts (ParseRule), first match wins
	Routes        []string // route texts (ParseRoute); each adds a rule for its prefix after Rules
	Hosts         []string // further protected hosts (return addresses allowed after sign-in)
	DefaultAccess string   // the access of a request no rule matches: deny (default), signed_in or public
	CaseSensitive bool     // match paths case-sensitively; by default "/ADMIN" meets the rule of "/admin"
}

// Gateway holds the compiled rules, routes and protected hosts.
type Gateway struct {
	rules     []Rule
	fallback  Rule
	fold      bool
	routes    []Route
	protected []hostPattern
}

// New compiles the options, reporting every bad rule, route and host at once.
func New(o Options) (*Gateway, error) {
	g := &Gateway{fold: !o.CaseSensitive}
	var errs []error
	for i, t := range o.Rules {
		r, err := ParseRule(t)
		if err != nil {
			errs = append(errs, fmt.Errorf("rules[%d]: %w", i, err))
			continue
		}
		g.rules = append(g.rules, r)
	}
	for i, t := range o.Routes {
		rt, err := ParseRoute(t)
		if err != nil {
			errs = append(errs, fmt.Errorf("routes[%d]: %w", i, err))
			continue
		}
		g.routes = append(g.routes, rt)
	}
	// The rules of routes come after the configured ones, longest prefix first, so that each
	// request meets the rule of the route that serves it.
	byPrefix := slices.Clone(g.routes)
	slices.SortStableFunc(byPrefix, func(a, b Route) int { return len(b.prefix) - len(a.prefix) })
	for _, rt := range byPrefix {
		g.rules = append(g.rules, rt.Rule)
	}
	switch o.DefaultAccess {
	case "", "deny":
		g.fallback = Rule{Access: Deny, Text: "default deny"}
	case "signed_in":
		g.fallback = Rule{Access: SignedIn, Text: "default signed_in"}
	case "public":
		g.fallback = Rule{Access: Public, Text: "default public"}
	default:
		errs = append(errs, fmt.Errorf("default_access %q: want deny, signed_in or public", o.DefaultAccess))
	}
	for i, h := range o.Hosts {
		hp, err := parseHostPattern(h)
		if err != nil || hp.any {
			errs = append(errs, fmt.Errorf("hosts[%d]: %q is not a host name or *.parent", i, h))
			continue
		}
		g.protected = append(g.protected, hp)
	}
	for _, r := range g.rules {
		if !r.host.any {
			g.protected = append(g.protected, r.host)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return g, nil
}

// Match returns the first rule whose host and path match, else the default rule. path is a
// result of NormalizePath, host a result of CleanHost.
func (g *Gateway) Match(host, path string) *Rule {
	for i := range g.rules {
		r := &g.rules[i]
		if r.host.match(host) && matchPath(r.path, path, g.fold) {
			return r
		}
	}
	return &g.fallback
}

// Protected reports whether host is one of the protected hosts: named by a rule, a route or
// the hosts setting ("*" names none). Only these may be return addresses after sign-in.
func (g *Gateway) Protected(host string) bool {
	for _, hp := range g.protected {
		if hp.match(host) {
			return true
		}
	}
	return false
}

// Route returns the route of the longest prefix that matches host and path, or nil.
func (g *Gateway) Route(host, path string) *Route {
	var best *Route
	for i := range g.routes {
		rt := &g.routes[i]
		if rt.Rule.host.match(host) && rt.matchPrefix(path, g.fold) && (best == nil || len(rt.prefix) > len(best.prefix)) {
			best = rt
		}
	}
	return best
}

// HasRoutes reports whether any route is configured.
func (g *Gateway) HasRoutes() bool { return len(g.routes) > 0 }

// Routes returns the configured routes.
func (g *Gateway) Routes() []Route { return g.routes }

// Subject is the signed-in caller as the rules see it.
type Subject struct {
	SessionIP string                               // the address the session signed in from
	Effective func(system string) domain.Effective // roles and permissions in a system
}

// Verdict is the outcome of a rule for a caller.
type Verdict int

// The verdicts.
const (
	Allow     Verdict = iota
	NeedLogin         // anonymous, or a session the rule does not accept from here: sign in (again)
	Forbidden         // signed in, but not allowed
)

// Decide applies the rule to a caller (nil when anonymous) from clientIP, and says why when
// the answer is not Allow.
func (r *Rule) Decide(s *Subject, clientIP string) (Verdict, string) {
	switch {
	case r.Access == Public:
		return Allow, ""
	case r.Access == Deny:
		return Forbidden, "no access rule lets this request pass"
	case s == nil:
		return NeedLogin, "sign in first"
	case r.BindIP && s.SessionIP != clientIP:
		return NeedLogin, "this session signed in from another address; sign in again from here"
	}
	switch r.Access {
	case Role:
		for _, have := range s.Effective(r.System).Roles {
			if have == r.Role {
				return Allow, ""
			}
		}
		return Forbidden, "this needs the role " + r.Role + " in " + r.System
	case Permission:
		if s.Effective(r.System).Permissions.Allows(r.Permission) {
			return Allow, ""
		}
		return Forbidden, "this needs the permission " + r.Permission
	}
	return Allow, "" // SignedIn
}

// Fold reports whether paths match case-insensitively.
func (g *Gateway) Fold() bool { return g.fold }

// joinPrefix is a helper of routes: the rule path of a prefix.
func joinPrefix(prefix string) string {
	return strings.TrimSuffix(prefix, "/") + "/**"
}
