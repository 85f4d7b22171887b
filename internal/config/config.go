package config

import (
	"log/slog"
	"net"
	"net/url"
	"path/filepath"
	"strings"
	"time"
)

// Config is the whole configuration of a Gatehouse node. The koanf tag of each field is its
// key in YAML; docs/configuration.md describes every one.
type Config struct {
	Addr                   string   `koanf:"addr"`                     // listen address, host:port
	PublicURL              string   `koanf:"public_url"`               // external base URL; "" → derived from addr
	DataDir                string   `koanf:"data_dir"`                 // directory of the SQLite file and secret.key
	DatabaseURL            string   `koanf:"database_url"`             // as configured; see ResolvedDatabaseURL
	RedisURL               string   `koanf:"redis_url"`                // "" → in-process session store
	RedisKeyPrefix         string   `koanf:"redis_key_prefix"`         // prefix of every Redis key
	SecretKey              string   `koanf:"secret_key"`               // base64 of ≥ 32 bytes; "" → <data_dir>/secret.key
	BootstrapAdminPassword string   `koanf:"bootstrap_admin_password"` // "" → random, printed once
	Demo                   bool     `koanf:"demo"`                     // seed the demo system and users
	Log                    Log      `koanf:"log"`
	HTTP                   HTTP     `koanf:"http"`
	TLS                    TLS      `koanf:"tls"`
	Password               Password `koanf:"password"`
	Tokens                 Tokens   `koanf:"tokens"`
	Session                Session  `koanf:"session"`
	Captcha                Captcha  `koanf:"captcha"`
	Login                  Login    `koanf:"login"`
	SSO                    SSO      `koanf:"sso"`
	Logout                 Logout   `koanf:"logout"`
	Gateway                Gateway  `koanf:"gateway"`
	OIDC                   OIDC     `koanf:"oidc"`
}

// Log configures the process logger.
type Log struct {
	Level  string `koanf:"level"`  // debug, info, warn or error
	Format string `koanf:"format"` // text or json
}

// HTTP configures the HTTP server.
type HTTP struct {
	ReadHeaderTimeout time.Duration `koanf:"read_header_timeout"`
	ReadTimeout       time.Duration `koanf:"read_timeout"`
	WriteTimeout      time.Duration `koanf:"write_timeout"`
	IdleTimeout       time.Duration `koanf:"idle_timeout"`
	ShutdownTimeout   time.Duration `koanf:"shutdown_timeout"` // bound of the graceful shutdown
	MaxBodyBytes      int64         `koanf:"max_body_bytes"`
	TrustedProxies    []string      `koanf:"trusted_proxies"` // IPs or CIDRs whose X-Forwarded-For is believed
}

// TLS names the certificate and key the server answers HTTPS with; both or neither.
type TLS struct {
	CertFile string `koanf:"cert_file"`
	KeyFile  string `koanf:"key_file"`
}

// Password configures password hashing and the password policy.
type Password struct {
	Argon2              Argon2         `koanf:"argon2"`
	MaxConcurrentHashes int            `koanf:"max_concurrent_hashes"` // 0 → number of CPUs
	Policy              PasswordPolicy `koanf:"policy"`
}

// Argon2 holds the argon2id cost parameters of new password hashes.
type Argon2 struct {
	MemoryKiB   uint32 `koanf:"memory_kib"`
	Iterations  uint32 `koanf:"iterations"`
	Parallelism uint8  `koanf:"parallelism"`
}

// PasswordPolicy is what a new password must satisfy.
type PasswordPolicy struct {
	MinLength      int  `koanf:"min_length"` // characters (code points)
	MaxLength      int  `koanf:"max_length"` // bytes of UTF-8
	ForbidUsername bool `koanf:"forbid_username"`
	ForbidCommon   bool `koanf:"forbid_common"`
}

// Tokens configures the tokens Gatehouse signs.
type Tokens struct {
	SigningAlgorithm string        `koanf:"signing_algorithm"` // EdDSA or ES256
	Issuer           string        `koanf:"issuer"`            // "" → the base URL
	AccessTTL        time.Duration `koanf:"access_ttl"`
	RefreshTTL       time.Duration `koanf:"refresh_ttl"`
	RefreshGrace     time.Duration `koanf:"refresh_grace"`   // a retry of the previous refresh token within this returns the same successor
	RefreshInBody    bool          `koanf:"refresh_in_body"` // also return the refresh token in the JSON body (non-browser clients)
	BindIP           bool          `koanf:"bind_ip"`         // bind refresh tokens to the client IP too (the User-Agent always)
	ClockSkew        time.Duration `koanf:"clock_skew"`      // tolerated clock difference when checking exp, nbf and iat
}

// Session configures the global sign-in session and its cookie.
type Session struct {
	IdleTTL             time.Duration `koanf:"idle_ttl"`              // sliding limit, renewed by activity
	AbsoluteTTL         time.Duration `koanf:"absolute_ttl"`          // hard limit from sign-in
	RememberIdleTTL     time.Duration `koanf:"remember_idle_ttl"`     // the same with remember_me
	RememberAbsoluteTTL time.Duration `koanf:"remember_absolute_ttl"` //
	TouchEvery          time.Duration `koanf:"touch_every"`           // renew at most this often
	CookieName          string        `koanf:"cookie_name"`           // "__Host-" is prepended over HTTPS
}

// Captcha configures the image captcha of the sign-in page.
type Captcha struct {
	Policy string        `koanf:"policy"` // always, after_failures or never
	TTL    time.Duration `koanf:"ttl"`
	Length int           `koanf:"length"`
}

// Login configures the brute-force defence of sign-in: failures counted per (user, IP) pair,
// per user and per IP in a sliding window; captcha, then delay, then a temporary lock.
type Login struct {
	Window           time.Duration `koanf:"window"`
	PairCaptchaAfter int           `koanf:"pair_captcha_after"`
	PairDelayAfter   int           `koanf:"pair_delay_after"`
	DelayStep        time.Duration `koanf:"delay_step"`
	MaxDelay         time.Duration `koanf:"max_delay"`
	PairLockAfter    int           `koanf:"pair_lock_after"`
	LockFor          time.Duration `koanf:"lock_for"`
	UserCaptchaAfter int           `koanf:"user_captcha_after"`
	IPCaptchaAfter   int           `koanf:"ip_captcha_after"`
	IPLockAfter      int           `koanf:"ip_lock_after"`
}

// Default returns the configuration used where nothing else is set. It is valid as it is:
// `gatehouse serve` works with zero configuration.
func Default() Config {
	return Config{
		Addr:           "127.0.0.1:8080",
		DataDir:        "./gatehouse-data",
		RedisKeyPrefix: "gh:",
		Log:            Log{Level: "info", Format: "text"},
		HTTP: HTTP{
			ReadHeaderTimeout: 10 * time.Second,
			ReadTimeout:       30 * time.Second,
			WriteTimeout:      60 * time.Second,
			IdleTimeout:       120 * time.Second,
			ShutdownTimeout:   15 * time.Second,
			MaxBodyBytes:      1 << 20,
		},
		Password: Password{
			// OWASP's first argon2id recommendation: m=19 MiB, t=2, p=1.
			Argon2: Argon2{MemoryKiB: 19456, Iterations: 2, Parallelism: 1},
			Policy: PasswordPolicy{MinLength: 8, MaxLength: 256, ForbidUsername: true, ForbidCommon: true},
		},
		Tokens: Tokens{
			SigningAlgorithm: "EdDSA",
			AccessTTL:        30 * time.Minute,
			RefreshTTL:       7 * 24 * time.Hour,
			RefreshGrace:     10 * time.Second,
			ClockSkew:        30 * time.Second,
		},
		Session: Session{
			IdleTTL: 30 * time.Minute, AbsoluteTTL: 12 * time.Hour,
			RememberIdleTTL: 7 * 24 * time.Hour, RememberAbsoluteTTL: 30 * 24 * time.Hour,
			TouchEvery: time.Minute, CookieName: "gatehouse_session",
		},
		Captcha: Captcha{Policy: "after_failures", TTL: 2 * time.Minute, Length: 5},
		Login: Login{
			Window: 15 * time.Minute, PairCaptchaAfter: 3, PairDelayAfter: 5,
			DelayStep: 500 * time.Millisecond, MaxDelay: 8 * time.Second,
			PairLockAfter: 10, LockFor: 15 * time.Minute,
			UserCaptchaAfter: 20, IPCaptchaAfter: 30, IPLockAfter: 100,
		},
		SSO:     defaultSSO(),
		Logout:  defaultLogout(),
		Gateway: defaultGateway(),
		OIDC:    defaultOIDC(),
	}
}

// ResolvedDatabaseURL returns the database to open: database_url, or when it is empty the
// SQLite file gatehouse.db in data_dir. (The field DatabaseURL holds what was configured.)
func (c Config) ResolvedDatabaseURL() string {
	if c.DatabaseURL != "" {
		return c.DatabaseURL
	}
	return "sqlite:" + filepath.Join(c.DataDir, "gatehouse.db")
}

// TLSEnabled reports whether the server itself answers HTTPS.
func (c Config) TLSEnabled() bool {
	return c.TLS.CertFile != "" && c.TLS.KeyFile != ""
}

// BaseURL returns the external base URL without a trailing slash: public_url, or when it is
// empty http(s)://addr, with an unspecified host ("", 0.0.0.0, ::) replaced by localhost.
func (c Config) BaseURL() string {
	if c.PublicURL != "" {
		return strings.TrimSuffix(c.PublicURL, "/")
	}
	scheme := "http"
	if c.TLSEnabled() {
		scheme = "https"
	}
	host, port, err := net.SplitHostPort(c.Addr)
	if err != nil {
		return scheme + "://" + c.Addr
	}
	switch host {
	case "", "0.0.0.0", "::":
		host = "localhost"
	}
	return scheme + "://" + net.JoinHostPort(host, port)
}

// Issuer returns the issuer of signed tokens: tokens.issuer, or else the base URL.
func (c Config) Issuer() string {
	if c.Tokens.Issuer != "" {
		return c.Tokens.Issuer
	}
	return c.BaseURL()
}

// LogValue lets the configuration be logged whole: every setting by its key, with secrets
// replaced by "[set]" and passwords in URLs redacted.
func (c Config) LogValue() slog.Value {
	s := newSchema()
	attrs := make([]slog.Attr, 0, len(s.leaves))
	for _, l := range s.leaves {
		v := l.get(c)
		switch l.key {
		case "secret_key", "bootstrap_admin_password":
			if v != "" {
				v = "[set]"
			}
		case "database_url", "redis_url":
			v = redactURL(v.(string))
		}
		attrs = append(attrs, slog.Any(l.key, v))
	}
	return slog.GroupValue(attrs...)
}

// redactURL hides the password of a URL's user information.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		if strings.Contains(raw, "@") {
			return "[unparsable URL]"
		}
		return raw
	}
	return u.Redacted()
}
