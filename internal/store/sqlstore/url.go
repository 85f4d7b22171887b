package sqlstore

import (
	"strings"

	"github.com/gatehouse/gatehouse/internal/domain"
)

// The dialects, as Dialect reports them.
const (
	SQLite   = "sqlite"
	Postgres = "postgres"
)

// target is a parsed database URL: the dialect and what its driver opens (a file path for
// SQLite, the URL itself for PostgreSQL).
type target struct {
	dialect string
	dsn     string
}

// DialectOf reports which dialect a database URL selects, without opening anything, so that
// configuration can be checked up front.
func DialectOf(databaseURL string) (string, error) {
	t, err := parseURL(databaseURL)
	return t.dialect, err
}

// parseURL accepts postgres:// and postgresql:// URLs, and for SQLite sqlite:PATH,
// sqlite://PATH, file:PATH or a plain path (":memory:" for a private in-memory database).
// Errors never repeat the URL, which may hold a password.
func parseURL(raw string) (target, error) {
	raw = strings.TrimSpace(raw)
	lower := strings.ToLower(raw)
	switch {
	case raw == "":
		return target{}, domain.Errorf(domain.CodeInvalidInput, "the database URL is empty")
	case strings.HasPrefix(lower, "postgres://"), strings.HasPrefix(lower, "postgresql://"):
		return target{dialect: Postgres, dsn: raw}, nil
	}
	path := raw
	for _, prefix := range []string{"sqlite://", "sqlite:", "file://", "file:"} {
		if strings.HasPrefix(lower, prefix) {
			path = raw[len(prefix):]
			break
		}
	}
	if path == raw {
		if scheme, _, ok := strings.Cut(raw, "://"); ok {
			return target{}, domain.Errorf(domain.CodeInvalidInput,
				"database URL scheme %q is not supported: use postgres://, sqlite: or a file path", scheme)
		}
	}
	switch {
	case path == "":
		return target{}, domain.Errorf(domain.CodeInvalidInput, "the SQLite database path is empty")
	case strings.ContainsRune(path, '?'):
		return target{}, domain.Errorf(domain.CodeInvalidInput,
			"the SQLite database path must not hold '?': options are set by Gatehouse")
	}
	return target{dialect: SQLite, dsn: path}, nil
}
