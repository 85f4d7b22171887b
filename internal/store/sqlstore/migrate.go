package sqlstore

import (
	"context"
	"embed"
	"io/fs"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

// migrations holds the schema, one directory per dialect.
//
//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrations embed.FS

// provider builds a goose provider for the dialect, on the write connection, with no global
// state. On PostgreSQL an advisory lock keeps nodes that start together from migrating at
// once; on SQLite the single write connection and IMMEDIATE transactions do that.
func (d *DB) provider() (*goose.Provider, error) {
	fsys, err := fs.Sub(migrations, "migrations/"+d.dialect)
	if err != nil {
		return nil, err
	}
	opts := []goose.ProviderOption{
		goose.WithDisableGlobalRegistry(true),
		goose.WithSlog(d.log),
	}
	dialect := goose.DialectSQLite3
	if d.dialect == Postgres {
		dialect = goose.DialectPostgres
		// Nodes that wait for the lock look again every second, for up to ten minutes.
		locker, err := lock.NewPostgresSessionLocker(lock.WithLockTimeout(1, 600))
		if err != nil {
			return nil, err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	return goose.NewProvider(dialect, d.w, fsys, opts...)
}

// Migrate applies every pending migration and reports the schema version before and after.
// It is safe to run again (nothing to do: from == to) and, on PostgreSQL, from several nodes
// at once.
func (d *DB) Migrate(ctx context.Context) (from, to int64, err error) {
	p, err := d.provider()
	if err != nil {
		return 0, 0, failure("migrate", err)
	}
	// Versions are read without the lock; only Up takes it.
	if from, _, err = p.GetVersions(ctx); err != nil {
		return 0, 0, failure("migrate", err)
	}
	// goose logs each applied migration to the logger.
	if _, err := p.Up(ctx); err != nil {
		return from, from, failure("migrate", err)
	}
	if to, _, err = p.GetVersions(ctx); err != nil {
		return from, from, failure("migrate", err)
	}
	return from, to, nil
}

// SchemaVersion returns the version of the applied schema: 0 for an empty database. (goose
// creates its bookkeeping table when it is missing.)
func (d *DB) SchemaVersion(ctx context.Context) (int64, error) {
	p, err := d.provider()
	if err != nil {
		return 0, failure("schema version", err)
	}
	v, _, err := p.GetVersions(ctx)
	if err != nil {
		return 0, failure("schema version", err)
	}
	return v, nil
}
