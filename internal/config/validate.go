package config

import (
	"encoding/base64"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gatehouse/gatehouse/internal/domain"
)

// Limits that Validate enforces.
const (
	minSecretKeyBytes = 32
	minArgon2Memory   = 8 * 1024        // KiB: 8 MiB
	maxArgon2Memory   = 4 * 1024 * 1024 // KiB: 4 GiB
	minPasswordLength = 8
	maxPasswordLength = 4096 // bytes
	minAccessTTL      = time.Minute
	maxAccessTTL      = 24 * time.Hour
)

// Validate checks the whole configuration and returns nil, or an error listing every problem,
// one per line as "key: problem"; errors.As finds in it a *domain.Error of code invalid_input
// whose Fields hold the same list. Load already validates; Validate is for a Config built in
// code. It reads no file and opens no connection.
func (c Config) Validate() error {
	return newError(c.problems())
}

func (c Config) problems() domain.Problems {
	var p domain.Problems
	checkAddr(&p, "addr", c.Addr)
	checkBaseURL(&p, "public_url", c.PublicURL)
	if strings.TrimSpace(c.DataDir) == "" {
		p.Add("data_dir", "must not be empty")
	}
	checkDatabaseURL(&p, "database_url", c.DatabaseURL)
	checkRedisURL(&p, "redis_url", c.RedisURL)
	if strings.ContainsAny(c.RedisKeyPrefix, "{} \t\r\n") {
		p.Add("redis_key_prefix", "must not contain braces (they would change Redis Cluster hash slots) or white space")
	}
	if c.SecretKey != "" {
		checkSecretKey(&p, "secret_key", c.SecretKey)
	}
	if pw, pol := c.BootstrapAdminPassword, c.Password.Policy; pw != "" {
		if n := utf8.RuneCountInString(pw); n < pol.MinLength {
			p.Add("bootstrap_admin_password", "must be at least %d characters (password.policy.min_length), not %d", pol.MinLength, n)
		}
		if len(pw) > pol.MaxLength {
			p.Add("bootstrap_admin_password", "must be at most %d bytes (password.policy.max_length)", pol.MaxLength)
		}
	}
	oneOf(&p, "log.level", c.Log.Level, "debug", "info", "warn", "error")
	oneOf(&p, "log.format", c.Log.Format, "text", "json")
	c.HTTP.check(&p)
	if (c.TLS.CertFile == "") != (c.TLS.KeyFile == "") {
		if c.TLS.CertFile == "" {
			p.Add("tls.cert_file", "must be set when tls.key_file is (both or neither)")
		} else {
			p.Add("tls.key_file", "must be set when tls.cert_file is (both or neither)")
		}
	}
	c.Password.check(&p)
	c.Tokens.check(&p)
	c.Session.check(&p)
	c.Captcha.check(&p)
	c.Login.check(&p)
	c.SSO.check(&p)
	c.Logout.check(&p)
	c.Gateway.check(&p)
	c.OIDC.check(&p)
	return p
}

func (h HTTP) check(p *domain.Problems) {
	for _, t := range []struct {
		key string
		d   time.Duration
	}{
		{"http.read_header_timeout", h.ReadHeaderTimeout},
		{"http.read_timeout", h.ReadTimeout},
		{"http.write_timeout", h.WriteTimeout},
		{"http.idle_timeout", h.IdleTimeout},
		{"http.shutdown_timeout", h.ShutdownTimeout},
	} {
		if t.d <= 0 {
			p.Add(t.key, "must be positive")
		}
	}
	if h.ReadTimeout > 0 && h.ReadHeaderTimeout > h.ReadTimeout {
		p.Add("http.read_header_timeout", "must not exceed http.read_timeout (%v)", h.ReadTimeout)
	}
	if h.MaxBodyBytes <= 0 {
		p.Add("http.max_body_bytes", "must be positive")
	}
	for i, s := range h.TrustedProxies {
		if _, err := netip.ParsePrefix(s); err == nil {
			continue
		}
		if _, err := netip.ParseAddr(s); err != nil {
			p.Add(fmt.Sprintf("http.trusted_proxies[%d]", i), "%q is neither an IP address nor a CIDR", s)
		}
	}
}

func (pw Password) check(p *domain.Problems) {
	a := pw.Argon2
	if a.MemoryKiB < minArgon2Memory || a.MemoryKiB > maxArgon2Memory {
		p.Add("password.argon2.memory_kib", "must be from %d (8 MiB) to %d (4 GiB)", minArgon2Memory, maxArgon2Memory)
	}
	if a.Iterations < 1 {
		p.Add("password.argon2.iterations", "must be at least 1")
	}
	if a.Parallelism < 1 {
		p.Add("password.argon2.parallelism", "must be at least 1")
	}
	if pw.MaxConcurrentHashes < 0 {
		p.Add("password.max_concurrent_hashes", "must not be negative (0 means the number of CPUs)")
	}
	pol := pw.Policy
	if pol.MinLength < minPasswordLength {
		p.Add("password.policy.min_length", "must be at least %d", minPasswordLength)
	}
	switch {
	case pol.MaxLength < pol.MinLength:
		p.Add("password.policy.max_length", "must be at least password.policy.min_length (%d)", pol.MinLength)
	case pol.MaxLength > maxPasswordLength:
		p.Add("password.policy.max_length", "must be at most %d", maxPasswordLength)
	}
}

func (t Tokens) check(p *domain.Problems) {
	oneOf(p, "tokens.signing_algorithm", t.SigningAlgorithm, "EdDSA", "ES256")
	checkBaseURL(p, "tokens.issuer", t.Issuer)
	if t.AccessTTL <= minAccessTTL || t.AccessTTL > maxAccessTTL {
		p.Add("tokens.access_ttl", "must be more than %v and at most %v", minAccessTTL, maxAccessTTL)
	}
	if t.RefreshTTL < t.AccessTTL {
		p.Add("tokens.refresh_ttl", "must be at least tokens.access_ttl (%v)", t.AccessTTL)
	}
	between(p, "tokens.refresh_grace", t.RefreshGrace, 0, time.Minute)
	between(p, "tokens.clock_skew", t.ClockSkew, 0, 5*time.Minute)
}

// between wants lo ≤ d ≤ hi.
func between(p *domain.Problems, key string, d, lo, hi time.Duration) {
	if d < lo || d > hi {
		p.Add(key, "must be from %v to %v", lo, hi)
	}
}

// positive wants n ≥ 1.
func positive(p *domain.Problems, key string, n int) {
	if n < 1 {
		p.Add(key, "must be at least 1")
	}
}

func (s Session) check(p *domain.Problems) {
	between(p, "session.idle_ttl", s.IdleTTL, time.Minute, 30*24*time.Hour)
	between(p, "session.absolute_ttl", s.AbsoluteTTL, s.IdleTTL, 365*24*time.Hour)
	between(p, "session.remember_idle_ttl", s.RememberIdleTTL, s.IdleTTL, 365*24*time.Hour)
	between(p, "session.remember_absolute_ttl", s.RememberAbsoluteTTL, s.RememberIdleTTL, 365*24*time.Hour)
	between(p, "session.touch_every", s.TouchEvery, 0, s.IdleTTL/2)
	if !cookieNamePattern.MatchString(s.CookieName) {
		p.Add("session.cookie_name", "must be 1 to 64 letters, digits, - or _")
	}
}

var cookieNamePattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

func (c Captcha) check(p *domain.Problems) {
	oneOf(p, "captcha.policy", c.Policy, "always", "after_failures", "never")
	between(p, "captcha.ttl", c.TTL, 10*time.Second, 30*time.Minute)
	if c.Length < 4 || c.Length > 8 {
		p.Add("captcha.length", "must be from 4 to 8")
	}
}

func (l Login) check(p *domain.Problems) {
	between(p, "login.window", l.Window, time.Minute, 24*time.Hour)
	between(p, "login.delay_step", l.DelayStep, 0, 10*time.Second)
	between(p, "login.max_delay", l.MaxDelay, l.DelayStep, time.Minute)
	between(p, "login.lock_for", l.LockFor, time.Minute, 24*time.Hour)
	positive(p, "login.pair_captcha_after", l.PairCaptchaAfter)
	positive(p, "login.user_captcha_after", l.UserCaptchaAfter)
	positive(p, "login.ip_captcha_after", l.IPCaptchaAfter)
	if l.PairDelayAfter < l.PairCaptchaAfter {
		p.Add("login.pair_delay_after", "must be at least login.pair_captcha_after (%d)", l.PairCaptchaAfter)
	}
	if l.PairLockAfter < l.PairDelayAfter {
		p.Add("login.pair_lock_after", "must be at least login.pair_delay_after (%d)", l.PairDelayAfter)
	}
	if l.IPLockAfter < l.IPCaptchaAfter {
		p.Add("login.ip_lock_after", "must be at least login.ip_captcha_after (%d)", l.IPCaptchaAfter)
	}
}

func oneOf(p *domain.Problems, key, value string, allowed ...string) {
	if !slices.Contains(allowed, value) {
		p.Add(key, "must be one of %s, not %q", strings.Join(allowed, ", "), value)
	}
}

// checkAddr wants host:port with a numeric port; the host may be empty (every interface).
func checkAddr(p *domain.Problems, key, addr string) {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		p.Add(key, "must be host:port, such as 127.0.0.1:8080 or :8080")
		return
	}
	if _, err := strconv.ParseUint(port, 10, 16); err != nil {
		p.Add(key, "the port must be a number from 0 to 65535")
	}
}

// checkBaseURL wants "" or an absolute http(s) URL without user information, query or
// fragment (OpenID Connect Discovery 1.0 §3 says the same of an issuer).
func checkBaseURL(p *domain.Problems, key, raw string) {
	if raw == "" {
		return
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		p.Add(key, "must be an absolute http:// or https:// URL, such as https://sso.example.com")
	case u.User != nil:
		p.Add(key, "must not hold a user name or password")
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
		p.Add(key, "must not have a query or a fragment")
	}
}

// checkDatabaseURL accepts what the SQL store opens: postgres:// or postgresql:// URLs, and
// for SQLite sqlite:PATH, sqlite://PATH, file:PATH or a plain path. Problems never repeat the
// value, which may hold a password.
func checkDatabaseURL(p *domain.Problems, key, raw string) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return
	}
	lower := strings.ToLower(raw)
	if strings.HasPrefix(lower, "postgres://") || strings.HasPrefix(lower, "postgresql://") {
		if _, err := url.Parse(raw); err != nil {
			p.Add(key, "is not a valid postgres:// URL")
		}
		return
	}
	path := raw
	for _, prefix := range []string{"sqlite://", "sqlite:", "file://", "file:"} {
		if strings.HasPrefix(lower, prefix) {
			path = raw[len(prefix):]
			break
		}
	}
	switch {
	case path == raw && strings.Contains(raw, "://"):
		p.Add(key, "must be empty, sqlite:PATH or a postgres:// URL")
	case path == "":
		p.Add(key, "the SQLite path is empty")
	case strings.ContainsRune(path, '?'):
		p.Add(key, "the SQLite path must not hold '?' (Gatehouse sets the options)")
	}
}

// checkRedisURL accepts the four forms of docs/configuration.md. Problems never repeat the
// value, which may hold a password.
func checkRedisURL(p *domain.Problems, key, raw string) {
	if raw == "" {
		return
	}
	u, err := url.Parse(raw)
	if err != nil {
		p.Add(key, "is not a valid URL")
		return
	}
	hosts := strings.Split(u.Host, ",")
	switch u.Scheme {
	case "redis", "rediss":
		if len(hosts) > 1 {
			p.Add(key, "names one server; use redis-sentinel:// or redis-cluster:// for several")
		}
		if db := strings.TrimPrefix(u.Path, "/"); db != "" && !isNumber(db) {
			p.Add(key, "the database after the host must be a number")
		}
	case "redis-sentinel":
		if master := strings.TrimPrefix(u.Path, "/"); master == "" || strings.Contains(master, "/") {
			p.Add(key, "must name the master after the hosts: redis-sentinel://host1:port,host2:port/MASTER")
		}
		if db := u.Query().Get("db"); db != "" && !isNumber(db) {
			p.Add(key, "db must be a number")
		}
	case "redis-cluster":
		if u.Path != "" && u.Path != "/" {
			p.Add(key, "a cluster URL has no path (Redis Cluster has only database 0)")
		}
	default:
		p.Add(key, "must start with redis://, rediss://, redis-sentinel:// or redis-cluster://")
		return
	}
	for _, h := range hosts {
		if !validHost(h) {
			p.Add(key, "each host must be host or host:port")
			return
		}
	}
}

func validHost(h string) bool {
	if host, port, err := net.SplitHostPort(h); err == nil {
		_, perr := strconv.ParseUint(port, 10, 16)
		return host != "" && perr == nil
	}
	return h != "" && (!strings.Contains(h, ":") || strings.HasPrefix(h, "[") && strings.HasSuffix(h, "]"))
}

func isNumber(s string) bool {
	_, err := strconv.ParseUint(s, 10, 32)
	return err == nil
}

// checkSecretKey wants base64 (standard or URL alphabet, padded or not) of at least 32 bytes,
// as internal/secret decodes it.
func checkSecretKey(p *domain.Problems, key, s string) {
	s = strings.TrimRight(strings.TrimSpace(s), "=")
	for _, enc := range []*base64.Encoding{base64.RawStdEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			if len(b) < minSecretKeyBytes {
				p.Add(key, "must decode to at least %d bytes, not %d (generate one with: openssl rand -base64 32)", minSecretKeyBytes, len(b))
			}
			return
		}
	}
	p.Add(key, "must be base64 of at least %d random bytes (generate one with: openssl rand -base64 32)", minSecretKeyBytes)
}
