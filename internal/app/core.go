package app

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/gatehouse/gatehouse/internal/auth"
	"github.com/gatehouse/gatehouse/internal/captcha"
	"github.com/gatehouse/gatehouse/internal/config"
	"github.com/gatehouse/gatehouse/internal/identity"
	"github.com/gatehouse/gatehouse/internal/keys"
	"github.com/gatehouse/gatehouse/internal/oidc"
	"github.com/gatehouse/gatehouse/internal/password"
	"github.com/gatehouse/gatehouse/internal/secret"
	"github.com/gatehouse/gatehouse/internal/session"
	"github.com/gatehouse/gatehouse/internal/slo"
	"github.com/gatehouse/gatehouse/internal/sso"
	"github.com/gatehouse/gatehouse/internal/sso/castickets"
	"github.com/gatehouse/gatehouse/internal/store"
	"github.com/gatehouse/gatehouse/internal/store/kv/kvmetrics"
	"github.com/gatehouse/gatehouse/internal/store/kv/memkv"
	"github.com/gatehouse/gatehouse/internal/store/kv/rediskv"
	"github.com/gatehouse/gatehouse/internal/store/sqlstore"
	"github.com/gatehouse/gatehouse/internal/telemetry"
	"github.com/gatehouse/gatehouse/internal/throttle"
	"github.com/gatehouse/gatehouse/internal/token"
)

// Options are the parts of the environment the App takes from its caller, so tests can
// replace them.
type Options struct {
	Logger *slog.Logger
	Out    io.Writer // where the bootstrap password and notices are printed; default os.Stdout
	Now    func() time.Time
	Rand   io.Reader
	// Sleep replaces the progressive sign-in delay (tests); default auth.SleepContext.
	Sleep func(ctx context.Context, d time.Duration) error
}

func (o *Options) defaults() {
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	if o.Out == nil {
		o.Out = os.Stdout
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Rand == nil {
		o.Rand = rand.Reader
	}
	if o.Sleep == nil {
		o.Sleep = auth.SleepContext
	}
}

// Core is Gatehouse without HTTP: both stores and the services over them. The command line
// works on a Core; the server adds the HTTP faces.
type Core struct {
	Config   config.Config
	Log      *slog.Logger
	SQL      *sqlstore.DB
	KV       store.KV
	Registry *prometheus.Registry
	Secrets  *secret.Keys
	Hasher   *password.Hasher
	Keys     *keys.Manager
	Identity *identity.Service
	Auth     *auth.Service
	Captcha  *captcha.Captcha
	// Tickets is the one-time ticket engine of the SSO and CAS faces.
	Tickets *sso.Service
	// CASTickets remembers CAS tickets per session for CAS single logout.
	CASTickets *castickets.Log
	// SingleLogout queues and delivers back-channel logouts when sessions end.
	SingleLogout *slo.Service
	// OIDC is the OpenID Connect provider's storage over the stores above.
	OIDC *oidc.Storage
}

// OpenCore opens (creating when needed) the data directory, the SQL database (applying pending
// migrations) and the session store, and builds the services. The caller closes it.
func OpenCore(ctx context.Context, cfg config.Config, opts Options) (c *Core, err error) {
	opts.defaults()
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	master, err := secret.LoadOrCreate(cfg.SecretKey, filepath.Join(cfg.DataDir, "secret.key"), opts.Rand)
	if err != nil {
		return nil, err
	}
	secrets, err := secret.New(master, opts.Rand)
	if err != nil {
		return nil, err
	}
	c = &Core{Config: cfg, Log: opts.Logger, Secrets: secrets, Registry: telemetry.NewRegistry()}
	defer func() {
		if err != nil {
			c.Close()
		}
	}()
	if c.SQL, err = sqlstore.Open(ctx, cfg.ResolvedDatabaseURL(), sqlstore.Options{Now: opts.Now, Logger: opts.Logger}); err != nil {
		return nil, fmt.Errorf("database: %w", err)
	}
	if _, _, err = c.SQL.Migrate(ctx); err != nil {
		return nil, fmt.Errorf("database migration: %w", err)
	}
	if c.KV, err = openKV(ctx, cfg, opts, c.Registry); err != nil {
		return nil, fmt.Errorf("session store: %w", err)
	}
	c.build(opts)
	return c, nil
}

func openKV(ctx context.Context, cfg config.Config, opts Options, reg prometheus.Registerer) (store.KV, error) {
	if cfg.RedisURL == "" {
		return kvmetrics.Wrap(memkv.New(memkv.Options{Now: opts.Now, Rand: opts.Rand}), "memory", reg), nil
	}
	r, err := rediskv.Open(ctx, cfg.RedisURL, rediskv.Options{Prefix: cfg.RedisKeyPrefix, Now: opts.Now})
	if err != nil {
		return nil, err
	}
	return kvmetrics.Wrap(r, "redis", reg), nil
}

// build assembles the services over the open stores.
func (c *Core) build(opts Options) {
	cfg := c.Config
	pc := cfg.Password
	c.Hasher = password.New(password.Params{
		MemoryKiB: pc.Argon2.MemoryKiB, Iterations: pc.Argon2.Iterations, Parallelism: pc.Argon2.Parallelism,
		SaltLen: 16, KeyLen: 32,
	}, pc.MaxConcurrentHashes, opts.Rand)
	policy := password.Policy{MinLength: pc.Policy.MinLength, MaxLength: pc.Policy.MaxLength,
		ForbidUsername: pc.Policy.ForbidUsername, ForbidCommon: pc.Policy.ForbidCommon}
	c.Keys = &keys.Manager{
		Store: c.SQL, Sealer: c.Secrets, Now: opts.Now, Rand: opts.Rand,
		VerifyFor: cfg.Tokens.AccessTTL + cfg.Tokens.ClockSkew, ReloadEvery: 30 * time.Second,
	}
	sc := cfg.Session
	sessions := &session.Manager{KV: c.KV, Now: opts.Now, Rand: opts.Rand, Policy: session.Policy{
		IdleTTL: sc.IdleTTL, AbsoluteTTL: sc.AbsoluteTTL, RememberIdleTTL: sc.RememberIdleTTL,
		RememberAbsoluteTTL: sc.RememberAbsoluteTTL, TouchEvery: sc.TouchEvery,
	}}
	grace := cfg.Tokens.RefreshGrace
	if grace == 0 {
		grace = -1 // configured 0: no grace at all (token.Refresh reads 0 as its default)
	}
	refresh := &token.Refresh{KV: c.KV, Sealer: c.Secrets, Now: opts.Now, Rand: opts.Rand,
		TTL: cfg.Tokens.RefreshTTL, Grace: grace, BindIP: cfg.Tokens.BindIP}
	sessions.OnEnd = append(sessions.OnEnd, func(ctx context.Context, s *session.Session, _ string) error {
		return refresh.RevokeSession(ctx, s.ID)
	})
	skew := cfg.Tokens.ClockSkew
	if skew == 0 {
		skew = -1 // configured 0: no tolerance (token.Access reads 0 as its default)
	}
	c.Captcha = &captcha.Captcha{KV: c.KV, TTL: cfg.Captcha.TTL, Length: cfg.Captcha.Length, Now: opts.Now, Rand: opts.Rand}
	lc := cfg.Login
	thr := &throttle.Throttle{KV: c.KV, Now: opts.Now, Limits: throttle.Limits{
		Window: lc.Window, PairCaptchaAfter: lc.PairCaptchaAfter, PairDelayAfter: lc.PairDelayAfter,
		DelayStep: lc.DelayStep, MaxDelay: lc.MaxDelay, PairLockAfter: lc.PairLockAfter, LockFor: lc.LockFor,
		UserCaptchaAfter: lc.UserCaptchaAfter, IPCaptchaAfter: lc.IPCaptchaAfter, IPLockAfter: lc.IPLockAfter,
	}}
	thr.Metrics = throttle.NewMetrics(c.Registry)
	c.Auth = &auth.Service{
		Users: c.SQL, Audit: c.SQL, Hasher: c.Hasher, Policy: policy,
		Sessions: sessions, Refresh: refresh, Captcha: c.Captcha, CaptchaPolicy: captcha.Policy(cfg.Captcha.Policy),
		Throttle: thr, Now: opts.Now, Log: opts.Logger, Sleep: opts.Sleep,
		Access: &token.Access{Keys: c.Keys, Issuer: cfg.Issuer(), Algorithm: cfg.Tokens.SigningAlgorithm,
			TTL: cfg.Tokens.AccessTTL, Skew: skew, Now: opts.Now, Rand: opts.Rand},
		Authz: &auth.AuthzCache{Store: c.SQL, KV: c.KV, Now: opts.Now},
	}
	c.Identity = &identity.Service{
		Users: c.SQL, Systems: c.SQL, Roles: c.SQL, Grants: c.SQL, Audit: c.SQL,
		Hasher: c.Hasher, Policy: policy, Secrets: c.Secrets,
		Now: opts.Now, Rand: opts.Rand, Log: opts.Logger, Changes: c.Auth, Epoch: c.Auth.Authz.Epoch,
	}
	c.buildSSO(opts)
	c.buildCAS(opts)
	c.buildSLO(opts)
	c.buildGateway(opts)
	c.buildOIDC(opts)
}

// Close releases the session store and the database.
func (c *Core) Close() error {
	var errs []error
	if c.KV != nil {
		errs = append(errs, c.KV.Close())
	}
	if c.SQL != nil {
		errs = append(errs, c.SQL.Close())
	}
	return errors.Join(errs...)
}
