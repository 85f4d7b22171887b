package config

import (
	"time"

	"github.com/gatehouse/gatehouse/internal/domain"
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

// Gateway configures forward-auth and the authenticating reverse proxy.
type Gateway struct {
	CookieDomain string `koanf:"cookie_domain"` // "" → host-only session cookie
}

func defaultGateway() Gateway { return Gateway{} }

func (g Gateway) check(p *domain.Problems) {}
