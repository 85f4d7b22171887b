package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"runtime"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
	_ "modernc.org/sqlite"             // the "sqlite" database/sql driver, pure Go

	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/store"
)

// Compile-time checks: DB is every SQL-tier store.
var (
	_ store.Users       = (*DB)(nil)
	_ store.Systems     = (*DB)(nil)
	_ store.Roles       = (*DB)(nil)
	_ store.Grants      = (*DB)(nil)
	_ store.Audit       = (*DB)(nil)
	_ store.SigningKeys = (*DB)(nil)
	_ store.Pinger      = (*DB)(nil)
)

// Options tune a DB. The zero value is usable.
type Options struct {
	// Now is the clock for the times the store sets itself (UpdatedAt, and CreatedAt or At
	// when the caller left them zero). Default time.Now.
	Now func() time.Time
	// Logger receives migration progress. Default: discard.
	Logger *slog.Logger
}

// DB is the SQL store, on SQLite or PostgreSQL. It is safe for concurrent use.
type DB struct {
	dialect string
	w       *sql.DB // writes and migrations; for SQLite a single connection
	r       *sql.DB // reads; for PostgreSQL (and SQLite in memory) the same pool as w
	now     func() time.Time
	log     *slog.Logger
}

// SQLite connection settings. The busy timeout only matters when another process (such as
// "gatehouse migrate") writes to the same file: within one DB all writes share one connection.
const (
	sqliteWriteOptions = "?_busy_timeout=10000&_foreign_keys=1&_journal_mode=WAL&_synchronous=NORMAL&_txlock=immediate"
	sqliteReadOptions  = "?_busy_timeout=10000&_foreign_keys=1&_query_only=1"
	postgresMaxConns   = 25
)

// Open connects to the database that databaseURL names (see DialectOf for the forms it
// takes) and checks that it answers. It does not migrate: call Migrate for that.
func Open(ctx context.Context, databaseURL string, opts Options) (*DB, error) {
	t, err := parseURL(databaseURL)
	if err != nil {
		return nil, err
	}
	d := &DB{dialect: t.dialect, now: opts.Now, log: opts.Logger}
	if d.now == nil {
		d.now = time.Now
	}
	if d.log == nil {
		d.log = slog.New(slog.DiscardHandler)
	}
	switch t.dialect {
	case Postgres:
		err = d.openPostgres(ctx, t.dsn)
	default:
		err = d.openSQLite(ctx, t.dsn)
	}
	if err != nil {
		return nil, errors.Join(err, d.Close())
	}
	return d, nil
}

func (d *DB) openPostgres(ctx context.Context, dsn string) error {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return domain.Wrap(domain.CodeInvalidInput, err, "the PostgreSQL URL is not valid")
	}
	db.SetMaxOpenConns(postgresMaxConns)
	db.SetMaxIdleConns(postgresMaxConns)
	db.SetConnMaxIdleTime(5 * time.Minute)
	d.w, d.r = db, db
	if err := db.PingContext(ctx); err != nil {
		return failure("connect to PostgreSQL", err)
	}
	return nil
}

func (d *DB) openSQLite(ctx context.Context, path string) error {
	w, err := sql.Open("sqlite", path+sqliteWriteOptions)
	if err != nil {
		return failure("open SQLite", err)
	}
	// One writer: SQLite serialises writers anyway, and queueing them on one connection in
	// Go is cheaper and fairer than letting them spin on SQLITE_BUSY.
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	d.w, d.r = w, w
	// The first connection switches the file to WAL before any reader opens it.
	if err := w.PingContext(ctx); err != nil {
		return failure("open SQLite", err)
	}
	if path == ":memory:" {
		return nil // a private in-memory database lives on its one connection
	}
	r, err := sql.Open("sqlite", path+sqliteReadOptions)
	if err != nil {
		return failure("open SQLite", err)
	}
	n := max(4, runtime.GOMAXPROCS(0))
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	d.r = r
	if err := r.PingContext(ctx); err != nil {
		return failure("open SQLite", err)
	}
	return nil
}

// Dialect returns "sqlite" or "postgres".
func (d *DB) Dialect() string { return d.dialect }

// Ping checks that the database answers, for readiness probes. On SQLite it uses the read
// pool, so that a long write does not make the node look dead.
func (d *DB) Ping(ctx context.Context) error {
	if err := d.r.PingContext(ctx); err != nil {
		return failure("ping", err)
	}
	return nil
}

// Close closes every connection.
func (d *DB) Close() error {
	var errs []error
	if d.r != nil && d.r != d.w {
		errs = append(errs, d.r.Close())
	}
	if d.w != nil {
		errs = append(errs, d.w.Close())
	}
	return errors.Join(errs...)
}

// clock returns the current time as the store keeps it.
func (d *DB) clock() time.Time { return normTime(d.now()) }

// write runs fn in a transaction on the write connection and commits it. A transaction that
// PostgreSQL aborted for a deadlock or a serialization failure is run again, so fn must not
// have effects outside tx. Errors that are not already *domain.Error become internal or
// unavailable ones.
func (d *DB) write(ctx context.Context, op string, fn func(tx *sql.Tx) error) error {
	for attempt := 1; ; attempt++ {
		err := d.tryWrite(ctx, fn)
		if err == nil {
			return nil
		}
		if attempt < 3 && retryable(err) {
			d.log.DebugContext(ctx, "retrying transaction", "op", op, "attempt", attempt, "err", err)
			continue
		}
		return failure(op, err)
	}
}

func (d *DB) tryWrite(ctx context.Context, fn func(tx *sql.Tx) error) (err error) {
	tx, err := d.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// rowScanner is *sql.Row or *sql.Rows.
type rowScanner interface {
	Scan(dest ...any) error
}

// affected returns the number of rows a statement changed.
func affected(res sql.Result, err error) (int64, error) {
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
