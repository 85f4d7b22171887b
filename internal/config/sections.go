package config

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/gateway"
)

// Sections of later faces. Each has one owner file: sso.go, logout.go, gateway.go hold the
// struct's fields, defaults and checks.

// SSO configures browser single sign-on (tickets, /sso/*, CAS).
type SSO struct {
	TicketTTL time.Duration `koanf:"ticket_ttl"` // lifetime of a one-time ticket
}

func defaultSSO() SSO { return SSO{TicketTTL: 60 * time.Second} }

func (s SSO) check(p *domain.Problems) {
	between(p, "sso.ticket_ttl", s.TicketTTL, time.Second, time.Minute)
}

// Logout configures the delivery of single logout to sub-systems.
type Logout struct {
	RetryFor    time.Duration `koanf:"retry_for"`   // how long a delivery is retried before it is dead-lettered
	Timeout     time.Duration `koanf:"timeout"`     // of one POST of a logout token
	Concurrency int           `koanf:"concurrency"` // deliveries in flight at once on one node
}

func defaultLogout() Logout {
	return Logout{RetryFor: 48 * time.Hour, Timeout: 10 * time.Second, Concurrency: 16}
}

func (l Logout) check(p *domain.Problems) {
	between(p, "logout.retry_for", l.RetryFor, 24*time.Hour, 30*24*time.Hour)
	between(p, "logout.timeout", l.Timeout, time.Second, time.Minute)
	if l.Concurrency < 1 || l.Concurrency > 1024 {
		p.Add("logout.concurrency", "must be from 1 to 1024")
	}
}

// Gateway configures forward-auth and the authenticating reverse proxy. Rules and routes are
// written in the text forms of gateway.ParseRule and gateway.ParseRoute.
type Gateway struct {
	CookieDomain       string   `koanf:"cookie_domain"`        // "" → host-only session cookie
	Rules              []string `koanf:"rules"`                // access rules, first match wins
	Routes             []string `koanf:"routes"`               // reverse-proxy routes
	Hosts              []string `koanf:"hosts"`                // further protected hosts
	DefaultAccess      string   `koanf:"default_access"`       // when no rule matches
	CaseSensitivePaths bool     `koanf:"case_sensitive_paths"` // false → "/ADMIN" meets "/admin"'s rule
	LoginURL           string   `koanf:"login_url"`            // "" → public_url + "/login"
}

func defaultGateway() Gateway { return Gateway{DefaultAccess: "deny"} }

func (g Gateway) check(p *domain.Problems) {
	if d := g.CookieDomain; d != "" {
		if _, ok := gateway.CleanHost(d); !ok || strings.ContainsAny(d, ":[]") || !strings.Contains(strings.Trim(d, "."), ".") {
			p.Add("gateway.cookie_domain", "must be a parent domain such as example.com")
		}
	}
	for i, r := range g.Rules {
		if _, err := gateway.ParseRule(r); err != nil {
			p.Add(fmt.Sprintf("gateway.rules[%d]", i), "%v", err)
		}
	}
	for i, r := range g.Routes {
		if _, err := gateway.ParseRoute(r); err != nil {
			p.Add(fmt.Sprintf("gateway.routes[%d]", i), "%v", err)
		}
	}
	for i, h := range g.Hosts {
		if _, err := gateway.New(gateway.Options{Hosts: []string{h}}); err != nil {
			p.Add(fmt.Sprintf("gateway.hosts[%d]", i), "must be a host name or *.parent, not %q", h)
		}
	}
	oneOf(p, "gateway.default_access", g.DefaultAccess, "deny", "signed_in", "public")
	if g.LoginURL != "" {
		if u, err := url.Parse(g.LoginURL); err != nil || u.Scheme != "http" && u.Scheme != "https" || u.Host == "" || u.Fragment != "" {
			p.Add("gateway.login_url", "must be an absolute http(s) URL without a fragment")
		}
	}
}
