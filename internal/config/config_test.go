package config

import (
	"log/slog"
	"strings"
	"testing"
)

func TestHelpers(t *testing.T) {
	tests := []struct {
		name                   string
		edit                   func(*Config)
		database, base, issuer string
		tls                    bool
	}{
		{"defaults", func(*Config) {},
			"sqlite:gatehouse-data/gatehouse.db", "http://127.0.0.1:8080", "http://127.0.0.1:8080", false},
		{"every interface", func(c *Config) { c.Addr = ":9000"; c.DataDir = "/var/lib/gh" },
			"sqlite:/var/lib/gh/gatehouse.db", "http://localhost:9000", "http://localhost:9000", false},
		{"unspecified IPv6 and TLS", func(c *Config) { c.Addr = "[::]:8443"; c.TLS = TLS{CertFile: "c.pem", KeyFile: "k.pem"} },
			"sqlite:gatehouse-data/gatehouse.db", "https://localhost:8443", "https://localhost:8443", true},
		{"IPv6 host", func(c *Config) { c.Addr = "[::1]:8080" },
			"sqlite:gatehouse-data/gatehouse.db", "http://[::1]:8080", "http://[::1]:8080", false},
		{"public URL and database URL", func(c *Config) {
			c.PublicURL = "https://sso.example.com/"
			c.DatabaseURL = "postgres://db/gh"
		}, "postgres://db/gh", "https://sso.example.com", "https://sso.example.com", false},
		{"issuer set", func(c *Config) { c.Tokens.Issuer = "https://id.example.com" },
			"sqlite:gatehouse-data/gatehouse.db", "http://127.0.0.1:8080", "https://id.example.com", false},
		{"one TLS file is not TLS", func(c *Config) { c.TLS.CertFile = "c.pem" },
			"sqlite:gatehouse-data/gatehouse.db", "http://127.0.0.1:8080", "http://127.0.0.1:8080", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Default()
			tt.edit(&c)
			if got := c.ResolvedDatabaseURL(); got != tt.database {
				t.Errorf("ResolvedDatabaseURL() = %q, want %q", got, tt.database)
			}
			if got := c.BaseURL(); got != tt.base {
				t.Errorf("BaseURL() = %q, want %q", got, tt.base)
			}
			if got := c.Issuer(); got != tt.issuer {
				t.Errorf("Issuer() = %q, want %q", got, tt.issuer)
			}
			if got := c.TLSEnabled(); got != tt.tls {
				t.Errorf("TLSEnabled() = %v, want %v", got, tt.tls)
			}
		})
	}
}

func TestLogValueHidesSecrets(t *testing.T) {
	c := Default()
	c.SecretKey = "c2VjcmV0LWtleS1zZWNyZXQta2V5LXNlY3JldC1rZXktMQ"
	c.BootstrapAdminPassword = "hunter2-hunter2"
	c.DatabaseURL = "postgres://gh:db-password@db/gh"
	c.RedisURL = "redis-sentinel://:redis-password@s1:26379,s2:26379/master"
	var b strings.Builder
	slog.New(slog.NewTextHandler(&b, nil)).Info("config", "config", c)
	out := b.String()
	for _, secret := range []string{c.SecretKey, c.BootstrapAdminPassword, "db-password", "redis-password"} {
		if strings.Contains(out, secret) {
			t.Errorf("log shows %q:\n%s", secret, out)
		}
	}
	for _, want := range []string{"config.addr=127.0.0.1:8080", "config.secret_key=[set]", "config.http.shutdown_timeout=15s", "db/gh"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
}
