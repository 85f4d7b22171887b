package app

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/gatehouse/gatehouse/internal/config"
	"github.com/gatehouse/gatehouse/internal/identity"
	"github.com/gatehouse/gatehouse/internal/keys"
	"github.com/gatehouse/gatehouse/internal/password"
	"github.com/gatehouse/gatehouse/internal/secret"
	"github.com/gatehouse/gatehouse/internal/store/sqlstore"
)

// Options are the parts of the environment the App takes from its caller, so tests can
// replace them.
type Options struct {
	Logger *slog.Logger
	Out    io.Writer // where the bootstrap password and notices are printed; default os.Stdout
	Now    func() time.Time
	Rand   io.Reader
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
}

// Core is the durable half of Gatehouse: the SQL store and the services over it. The command
// line works on a Core; the server adds the session store and HTTP.
type Core struct {
	Config   config.Config
	Log      *slog.Logger
	SQL      *sqlstore.DB
	Secrets  *secret.Keys
	Identity *identity.Service
	Keys     *keys.Manager
	Hasher   *password.Hasher
}

// OpenCore opens (creating when needed) the data directory and the SQL database, applies
// pending migrations and builds the services. The caller closes it.
func OpenCore(ctx context.Context, cfg config.Config, opts Options) (*Core, error) {
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
	db, err := sqlstore.Open(ctx, cfg.ResolvedDatabaseURL(), sqlstore.Options{Now: opts.Now, Logger: opts.Logger})
	if err != nil {
		return nil, fmt.Errorf("database: %w", err)
	}
	if _, _, err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("database migration: %w", err)
	}
	pc := cfg.Password
	hasher := password.New(password.Params{
		MemoryKiB: pc.Argon2.MemoryKiB, Iterations: pc.Argon2.Iterations, Parallelism: pc.Argon2.Parallelism,
		SaltLen: 16, KeyLen: 32,
	}, pc.MaxConcurrentHashes, opts.Rand)
	policy := password.Policy{MinLength: pc.Policy.MinLength, MaxLength: pc.Policy.MaxLength,
		ForbidUsername: pc.Policy.ForbidUsername, ForbidCommon: pc.Policy.ForbidCommon}
	c := &Core{
		Config: cfg, Log: opts.Logger, SQL: db, Secrets: secrets, Hasher: hasher,
		Identity: &identity.Service{
			Users: db, Systems: db, Roles: db, Grants: db, Audit: db,
			Hasher: hasher, Policy: policy, Secrets: secrets,
			Now: opts.Now, Rand: opts.Rand, Log: opts.Logger,
		},
		Keys: &keys.Manager{
			Store: db, Sealer: secrets, Now: opts.Now, Rand: opts.Rand,
			VerifyFor: cfg.Tokens.RefreshTTL, ReloadEvery: 30 * time.Second,
		},
	}
	return c, nil
}

// Close releases the database.
func (c *Core) Close() error { return c.SQL.Close() }
