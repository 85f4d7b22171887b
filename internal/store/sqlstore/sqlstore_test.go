package sqlstore

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/store/storetest"
	"github.com/gatehouse/gatehouse/internal/testenv"
)

// openSQLite returns a migrated store on a new file in a temporary directory.
func openSQLite(t testing.TB) *DB {
	t.Helper()
	return openMigrated(t, "sqlite:"+filepath.Join(t.TempDir(), "gatehouse.db"), Options{})
}

// openPostgres returns a migrated store on a fresh PostgreSQL database.
func openPostgres(t testing.TB) *DB {
	t.Helper()
	return openMigrated(t, testenv.PostgresURL(t), Options{})
}

func openMigrated(t testing.TB, url string, opts Options) *DB {
	t.Helper()
	d := openDB(t, url, opts)
	if _, _, err := d.Migrate(context.Background()); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	return d
}

func openDB(t testing.TB, url string, opts Options) *DB {
	t.Helper()
	d, err := Open(context.Background(), url, opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := d.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return d
}

func TestSQLite(t *testing.T) {
	storetest.RunSQL(t, func(t *testing.T) storetest.SQLStore { return openSQLite(t) })
}

func TestPostgres(t *testing.T) {
	storetest.RunSQL(t, func(t *testing.T) storetest.SQLStore { return openPostgres(t) })
}

// eachDialect runs fn against a fresh store of each dialect.
func eachDialect(t *testing.T, fn func(t *testing.T, d *DB)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, openSQLite(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, openPostgres(t)) })
}

func TestDialect(t *testing.T) {
	if got := openSQLite(t).Dialect(); got != SQLite {
		t.Errorf("SQLite store: Dialect() = %q", got)
	}
	if got := openPostgres(t).Dialect(); got != Postgres {
		t.Errorf("PostgreSQL store: Dialect() = %q", got)
	}
}

// TestClock checks what the store sets from its clock, which the suite cannot see.
func TestClock(t *testing.T) {
	now := time.Date(2031, 1, 2, 3, 4, 5, 678901234, time.FixedZone("X", -7*3600))
	stored := now.UTC().Truncate(time.Microsecond)
	open := map[string]func(t *testing.T) *DB{
		SQLite: func(t *testing.T) *DB {
			return openMigrated(t, filepath.Join(t.TempDir(), "g.db"), Options{Now: func() time.Time { return now }})
		},
		Postgres: func(t *testing.T) *DB {
			return openMigrated(t, testenv.PostgresURL(t), Options{Now: func() time.Time { return now }})
		},
	}
	for name, open := range open {
		t.Run(name, func(t *testing.T) {
			d, ctx := open(t), t.Context()
			u := &domain.User{ID: "u1", Username: "alice", Status: domain.UserActive}
			if err := d.CreateUser(ctx, u); err != nil {
				t.Fatal(err)
			}
			if !u.CreatedAt.Equal(stored) || u.UpdatedAt != u.CreatedAt || u.Version != 1 {
				t.Errorf("defaults written back: created %v, updated %v, version %d", u.CreatedAt, u.UpdatedAt, u.Version)
			}
			got, err := d.UserByID(ctx, "u1")
			if err != nil || got.CreatedAt != stored || got.UpdatedAt != stored || got.Version != 1 {
				t.Errorf("stored defaults: %+v, %v", got, err)
			}
			got.CreatedAt = time.Time{}
			if err := d.UpdateUser(ctx, got); err != nil || got.UpdatedAt != stored {
				t.Errorf("UpdateUser: UpdatedAt %v, %v", got.UpdatedAt, err)
			}

			sys := &domain.System{ID: "demo", Name: "Demo"}
			role := &domain.Role{ID: "r1", SystemID: "demo", Name: "R"}
			e := &domain.AuditEvent{Type: "x"}
			k := &domain.SigningKey{ID: "k1", Algorithm: "EdDSA"}
			for _, err := range []error{d.CreateSystem(ctx, sys), d.CreateRole(ctx, role),
				d.AppendAudit(ctx, e), d.AddSigningKey(ctx, k), d.RetireSigningKey(ctx, "k1", time.Time{})} {
				if err != nil {
					t.Fatal(err)
				}
			}
			if sys.CreatedAt != stored || sys.UpdatedAt != stored || role.CreatedAt != stored ||
				e.At != stored || k.CreatedAt != stored {
				t.Errorf("defaults: system %v/%v, role %v, event %v, key %v",
					sys.CreatedAt, sys.UpdatedAt, role.CreatedAt, e.At, k.CreatedAt)
			}
			keys, err := d.ListSigningKeys(ctx)
			if err != nil || len(keys) != 1 || keys[0].RetiredAt != stored {
				t.Errorf("retired now: %+v, %v", keys, err)
			}
		})
	}
}

// TestErrors checks that failures of the database itself are *domain.Error values that keep
// their cause.
func TestErrors(t *testing.T) {
	eachDialect(t, func(t *testing.T, d *DB) {
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		_, err := d.UserByID(ctx, "u1")
		if domain.ErrorCode(err) != domain.CodeUnavailable || !errors.Is(err, context.Canceled) {
			t.Errorf("canceled read: code %q, %v", domain.ErrorCode(err), err)
		}
		err = d.CreateUser(ctx, &domain.User{ID: "u1", Username: "alice", Status: domain.UserActive})
		if domain.ErrorCode(err) != domain.CodeUnavailable || !errors.Is(err, context.Canceled) {
			t.Errorf("canceled write: code %q, %v", domain.ErrorCode(err), err)
		}
		if err := d.Ping(t.Context()); err != nil {
			t.Errorf("Ping: %v", err)
		}
		if err := d.Close(); err != nil {
			t.Fatal(err)
		}
		if err := d.Ping(t.Context()); domain.ErrorCode(err) == "" {
			t.Errorf("Ping after Close: no error")
		}
	})
}

func TestOpenUnreachable(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	_, err := Open(ctx, "postgres://nobody:secret@127.0.0.1:1/none?sslmode=disable&connect_timeout=2", Options{})
	if domain.ErrorCode(err) != domain.CodeUnavailable {
		t.Errorf("unreachable PostgreSQL: code %q, %v", domain.ErrorCode(err), err)
	}
	_, err = Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "missing", "dir", "g.db"), Options{})
	if err == nil {
		t.Errorf("SQLite in a missing directory: no error")
	}
}
