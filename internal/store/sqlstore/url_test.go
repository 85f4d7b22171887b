package sqlstore

import (
	"strings"
	"testing"

	"github.com/gatehouse/gatehouse/internal/domain"
)

func TestParseURL(t *testing.T) {
	for _, c := range []struct {
		in      string
		dialect string
		dsn     string
		err     string // a part of the message; "" for success
	}{
		{in: "postgres://u:p@db:5432/gh?sslmode=disable", dialect: Postgres, dsn: "postgres://u:p@db:5432/gh?sslmode=disable"},
		{in: "postgresql://db/gh", dialect: Postgres, dsn: "postgresql://db/gh"},
		{in: "POSTGRES://db/gh", dialect: Postgres, dsn: "POSTGRES://db/gh"},
		{in: "  postgres://db/gh  ", dialect: Postgres, dsn: "postgres://db/gh"},
		{in: "sqlite:data/gatehouse.db", dialect: SQLite, dsn: "data/gatehouse.db"},
		{in: "sqlite:/var/lib/gatehouse/gh.db", dialect: SQLite, dsn: "/var/lib/gatehouse/gh.db"},
		{in: "sqlite://data/gatehouse.db", dialect: SQLite, dsn: "data/gatehouse.db"},
		{in: "sqlite:///var/lib/gh.db", dialect: SQLite, dsn: "/var/lib/gh.db"},
		{in: "file:gh.db", dialect: SQLite, dsn: "gh.db"},
		{in: "file:///tmp/gh.db", dialect: SQLite, dsn: "/tmp/gh.db"},
		{in: "gatehouse.db", dialect: SQLite, dsn: "gatehouse.db"},
		{in: "/abs/path with space/gh.db", dialect: SQLite, dsn: "/abs/path with space/gh.db"},
		{in: "./rel/gh.db", dialect: SQLite, dsn: "./rel/gh.db"},
		{in: "sqlite::memory:", dialect: SQLite, dsn: ":memory:"},
		{in: ":memory:", dialect: SQLite, dsn: ":memory:"},
		{in: "", err: "empty"},
		{in: "   ", err: "empty"},
		{in: "sqlite:", err: "path is empty"},
		{in: "sqlite://", err: "path is empty"},
		{in: "file:gh.db?mode=ro", err: "'?'"},
		{in: "mysql://root:secret@db/gh", err: `"mysql"`},
		{in: "redis://localhost:6379", err: `"redis"`},
	} {
		got, err := parseURL(c.in)
		if c.err != "" {
			if !errorsIsInvalid(err) || !strings.Contains(err.Error(), c.err) {
				t.Errorf("parseURL(%q) error = %v, want invalid input mentioning %s", c.in, err, c.err)
			}
			if strings.Contains(c.in, "secret") && strings.Contains(err.Error(), "secret") {
				t.Errorf("parseURL(%q) error repeats the password: %v", c.in, err)
			}
			continue
		}
		if err != nil || got.dialect != c.dialect || got.dsn != c.dsn {
			t.Errorf("parseURL(%q) = %+v, %v; want %s %q", c.in, got, err, c.dialect, c.dsn)
		}
		if d, err := DialectOf(c.in); d != c.dialect || err != nil {
			t.Errorf("DialectOf(%q) = %q, %v", c.in, d, err)
		}
	}
}

func errorsIsInvalid(err error) bool { return domain.ErrorCode(err) == domain.CodeInvalidInput }

// TestMemory checks the private in-memory database: one connection for reads and writes.
func TestMemory(t *testing.T) {
	d := openMigrated(t, "sqlite::memory:", Options{})
	ctx := t.Context()
	if err := d.CreateUser(ctx, &domain.User{ID: "u1", Username: "alice", Status: domain.UserActive}); err != nil {
		t.Fatal(err)
	}
	if _, err := d.UserByUsername(ctx, "alice"); err != nil {
		t.Fatal(err)
	}
}
