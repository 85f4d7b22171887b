package config

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"
)

func TestDefaultIsValid(t *testing.T) {
	if err := Default().Validate(); err != nil {
		t.Fatalf("Default().Validate() = %v", err)
	}
}

func key(n int) string { return base64.StdEncoding.EncodeToString(make([]byte, n)) }

func TestValidateAccepts(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Config)
	}{
		{"every interface", func(c *Config) { c.Addr = ":8080" }},
		{"IPv6 listen address", func(c *Config) { c.Addr = "[::1]:0" }},
		{"public URL with a path", func(c *Config) { c.PublicURL = "https://example.com/sso/" }},
		{"plain http public URL", func(c *Config) { c.PublicURL = "http://localhost:8080" }},
		{"sqlite:PATH", func(c *Config) { c.DatabaseURL = "sqlite:/var/lib/gatehouse/gh.db" }},
		{"sqlite://PATH", func(c *Config) { c.DatabaseURL = "sqlite://gh.db" }},
		{"file:PATH", func(c *Config) { c.DatabaseURL = "file:gh.db" }},
		{"plain path", func(c *Config) { c.DatabaseURL = "/tmp/gh.db" }},
		{"postgres", func(c *Config) { c.DatabaseURL = "postgres://gh:pw@db:5432/gh?sslmode=verify-full" }},
		{"postgresql", func(c *Config) { c.DatabaseURL = "postgresql://db/gh" }},
		{"redis", func(c *Config) { c.RedisURL = "redis://localhost:6379" }},
		{"redis with credentials and db", func(c *Config) { c.RedisURL = "redis://user:p%40ss@localhost:6379/2" }},
		{"redis without port", func(c *Config) { c.RedisURL = "redis://localhost" }},
		{"redis IPv6", func(c *Config) { c.RedisURL = "redis://[::1]:6379/0" }},
		{"rediss", func(c *Config) { c.RedisURL = "rediss://:pw@cache.example.com:6380/1" }},
		{"sentinel", func(c *Config) { c.RedisURL = "redis-sentinel://s1:26379,s2:26379,s3:26379/mymaster" }},
		{"sentinel with credentials and db", func(c *Config) { c.RedisURL = "redis-sentinel://u:pw@s1:26379,s2:26379/mymaster?db=3" }},
		{"cluster", func(c *Config) { c.RedisURL = "redis-cluster://n1:7000,n2:7001,n3:7002" }},
		{"cluster with credentials", func(c *Config) { c.RedisURL = "redis-cluster://u:pw@n1:7000" }},
		{"empty key prefix", func(c *Config) { c.RedisKeyPrefix = "" }},
		{"secret key, standard base64", func(c *Config) { c.SecretKey = key(32) }},
		{"secret key, URL base64 without padding", func(c *Config) {
			c.SecretKey = base64.RawURLEncoding.EncodeToString([]byte(strings.Repeat("\xff", 40)))
		}},
		{"bootstrap password at the minimum", func(c *Config) { c.BootstrapAdminPassword = "ééééèèèè" }},
		{"trusted proxies", func(c *Config) { c.HTTP.TrustedProxies = []string{"10.0.0.0/8", "127.0.0.1", "::1", "fd00::/8"} }},
		{"TLS", func(c *Config) { c.TLS = TLS{CertFile: "c.pem", KeyFile: "k.pem"} }},
		{"strong argon2", func(c *Config) { c.Password.Argon2 = Argon2{MemoryKiB: 65536, Iterations: 3, Parallelism: 4} }},
		{"argon2 at its minimum", func(c *Config) { c.Password.Argon2.MemoryKiB = 8192 }},
		{"max length equals min length", func(c *Config) { c.Password.Policy.MaxLength = 8 }},
		{"ES256 and an issuer", func(c *Config) { c.Tokens.SigningAlgorithm = "ES256"; c.Tokens.Issuer = "https://id.example.com" }},
		{"access TTL at its maximum", func(c *Config) { c.Tokens.AccessTTL = 24 * time.Hour; c.Tokens.RefreshTTL = 24 * time.Hour }},
		{"access TTL just above one minute", func(c *Config) { c.Tokens.AccessTTL = time.Minute + time.Second }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Default()
			tt.edit(&c)
			if err := c.Validate(); err != nil {
				t.Errorf("Validate() = %v", err)
			}
		})
	}
}

func TestValidateRefuses(t *testing.T) {
	tests := []struct {
		edit func(*Config)
		want string // the start of the one problem
	}{
		{func(c *Config) { c.Addr = "localhost" }, "addr: must be host:port"},
		{func(c *Config) { c.Addr = "" }, "addr: must be host:port"},
		{func(c *Config) { c.Addr = ":http" }, "addr: the port must be a number"},
		{func(c *Config) { c.Addr = ":70000" }, "addr: the port must be a number"},
		{func(c *Config) { c.PublicURL = "sso.example.com" }, "public_url: must be an absolute http:// or https:// URL"},
		{func(c *Config) { c.PublicURL = "ftp://sso.example.com" }, "public_url: must be an absolute"},
		{func(c *Config) { c.PublicURL = "https://" }, "public_url: must be an absolute"},
		{func(c *Config) { c.PublicURL = "https://sso.example.com/?a=1" }, "public_url: must not have a query or a fragment"},
		{func(c *Config) { c.PublicURL = "https://sso.example.com/?" }, "public_url: must not have a query or a fragment"},
		{func(c *Config) { c.PublicURL = "https://sso.example.com/#top" }, "public_url: must not have a query or a fragment"},
		{func(c *Config) { c.PublicURL = "https://u:p@sso.example.com" }, "public_url: must not hold a user name or password"},
		{func(c *Config) { c.DataDir = " " }, "data_dir: must not be empty"},
		{func(c *Config) { c.DatabaseURL = "mysql://u:p@db/gh" }, "database_url: must be empty, sqlite:PATH or a postgres:// URL"},
		{func(c *Config) { c.DatabaseURL = "sqlite:" }, "database_url: the SQLite path is empty"},
		{func(c *Config) { c.DatabaseURL = "sqlite:gh.db?mode=ro" }, "database_url: the SQLite path must not hold '?'"},
		{func(c *Config) { c.DatabaseURL = "postgres://db:port/gh" }, "database_url: is not a valid postgres:// URL"},
		{func(c *Config) { c.RedisURL = "http://cache:6379" }, "redis_url: must start with redis://"},
		{func(c *Config) { c.RedisURL = "cache:6379" }, "redis_url: must start with redis://"},
		{func(c *Config) { c.RedisURL = "redis://cache:port" }, "redis_url: is not a valid URL"},
		{func(c *Config) { c.RedisURL = "redis://a:6379,b:6379" }, "redis_url: names one server"},
		{func(c *Config) { c.RedisURL = "redis://cache:6379/zero" }, "redis_url: the database after the host must be a number"},
		{func(c *Config) { c.RedisURL = "redis://" }, "redis_url: each host must be host or host:port"},
		{func(c *Config) { c.RedisURL = "redis-sentinel://s1:26379,s2:26379" }, "redis_url: must name the master"},
		{func(c *Config) { c.RedisURL = "redis-sentinel://s1:26379/a/b" }, "redis_url: must name the master"},
		{func(c *Config) { c.RedisURL = "redis-sentinel://s1:26379/m?db=x" }, "redis_url: db must be a number"},
		{func(c *Config) { c.RedisURL = "redis-sentinel://s1:26379,:26379/m" }, "redis_url: each host must be host or host:port"},
		{func(c *Config) { c.RedisURL = "redis-cluster://n1:7000,n2:7001/1" }, "redis_url: a cluster URL has no path"},
		{func(c *Config) { c.RedisURL = "redis-cluster://n1:7000,,n2:7001" }, "redis_url: each host must be host or host:port"},
		{func(c *Config) { c.RedisURL = "redis-cluster://n1:7000,n2:x" }, "redis_url: "},
		{func(c *Config) { c.RedisKeyPrefix = "{gh}:" }, "redis_key_prefix: must not contain braces"},
		{func(c *Config) { c.RedisKeyPrefix = "g h" }, "redis_key_prefix: must not contain braces"},
		{func(c *Config) { c.SecretKey = "not base64!" }, "secret_key: must be base64"},
		{func(c *Config) { c.SecretKey = key(16) }, "secret_key: must decode to at least 32 bytes, not 16"},
		{func(c *Config) { c.BootstrapAdminPassword = "short" }, "bootstrap_admin_password: must be at least 8 characters"},
		{func(c *Config) { c.BootstrapAdminPassword = strings.Repeat("x", 257) }, "bootstrap_admin_password: must be at most 256 bytes"},
		{func(c *Config) { c.Log.Level = "INFO" }, `log.level: must be one of debug, info, warn, error, not "INFO"`},
		{func(c *Config) { c.Log.Format = "xml" }, "log.format: must be one of text, json"},
		{func(c *Config) { c.HTTP.ReadHeaderTimeout = 0 }, "http.read_header_timeout: must be positive"},
		{func(c *Config) { c.HTTP.ReadHeaderTimeout = time.Minute }, "http.read_header_timeout: must not exceed http.read_timeout"},
		{func(c *Config) { c.HTTP.WriteTimeout = -time.Second }, "http.write_timeout: must be positive"},
		{func(c *Config) { c.HTTP.IdleTimeout = 0 }, "http.idle_timeout: must be positive"},
		{func(c *Config) { c.HTTP.ShutdownTimeout = 0 }, "http.shutdown_timeout: must be positive"},
		{func(c *Config) { c.HTTP.MaxBodyBytes = -1 }, "http.max_body_bytes: must be positive"},
		{func(c *Config) { c.HTTP.TrustedProxies = []string{"10.0.0.0/8", "10.0.0.0/33"} }, "http.trusted_proxies[1]: "},
		{func(c *Config) { c.HTTP.TrustedProxies = []string{"proxy.internal"} }, "http.trusted_proxies[0]: "},
		{func(c *Config) { c.TLS.CertFile = "c.pem" }, "tls.key_file: must be set when tls.cert_file is"},
		{func(c *Config) { c.TLS.KeyFile = "k.pem" }, "tls.cert_file: must be set when tls.key_file is"},
		{func(c *Config) { c.Password.Argon2.MemoryKiB = 8191 }, "password.argon2.memory_kib: must be from 8192 (8 MiB)"},
		{func(c *Config) { c.Password.Argon2.MemoryKiB = 5 << 20 }, "password.argon2.memory_kib: must be from 8192 (8 MiB) to 4194304 (4 GiB)"},
		{func(c *Config) { c.Password.Argon2.Iterations = 0 }, "password.argon2.iterations: must be at least 1"},
		{func(c *Config) { c.Password.Argon2.Parallelism = 0 }, "password.argon2.parallelism: must be at least 1"},
		{func(c *Config) { c.Password.MaxConcurrentHashes = -1 }, "password.max_concurrent_hashes: must not be negative"},
		{func(c *Config) { c.Password.Policy.MinLength = 7; c.Password.Policy.MaxLength = 7 }, "password.policy.min_length: must be at least 8"},
		{func(c *Config) { c.Password.Policy.MaxLength = 7 }, "password.policy.max_length: must be at least password.policy.min_length (8)"},
		{func(c *Config) { c.Password.Policy.MaxLength = 4097 }, "password.policy.max_length: must be at most 4096"},
		{func(c *Config) { c.Tokens.SigningAlgorithm = "RS256" }, "tokens.signing_algorithm: must be one of EdDSA, ES256"},
		{func(c *Config) { c.Tokens.Issuer = "id.example.com" }, "tokens.issuer: must be an absolute"},
		{func(c *Config) { c.Tokens.AccessTTL = time.Minute }, "tokens.access_ttl: must be more than 1m0s and at most 24h0m0s"},
		{func(c *Config) { c.Tokens.AccessTTL = 24*time.Hour + time.Second }, "tokens.access_ttl: must be more than 1m0s"},
		{func(c *Config) { c.Tokens.RefreshTTL = 29 * time.Minute }, "tokens.refresh_ttl: must be at least tokens.access_ttl (30m0s)"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			c := Default()
			tt.edit(&c)
			assertProblems(t, c.Validate(), tt.want)
		})
	}
}

// Every problem is listed, in one error; none stops the others.
func TestValidateListsEveryProblem(t *testing.T) {
	c := Default()
	c.Addr = "nowhere"
	c.PublicURL = "sso.example.com"
	c.SecretKey = "short"
	c.Log.Level = "loud"
	c.HTTP.MaxBodyBytes = -5
	c.HTTP.TrustedProxies = []string{"10.0.0.0/8", "not-an-ip", "also-not"}
	c.TLS.KeyFile = "k.pem"
	c.Password.Argon2 = Argon2{MemoryKiB: 1024, Iterations: 0, Parallelism: 0}
	c.Password.Policy.MinLength = 4
	c.Tokens.AccessTTL = 48 * time.Hour
	c.Tokens.RefreshTTL = time.Hour
	assertProblems(t, c.Validate(),
		"addr: ",
		"public_url: ",
		"secret_key: ",
		"log.level: ",
		"http.max_body_bytes: ",
		"http.trusted_proxies[1]: ",
		"http.trusted_proxies[2]: ",
		"tls.cert_file: ",
		"password.argon2.memory_kib: ",
		"password.argon2.iterations: ",
		"password.argon2.parallelism: ",
		"password.policy.min_length: ",
		"tokens.access_ttl: ",
		"tokens.refresh_ttl: ",
	)
}
