package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"net"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/gatehouse/gatehouse/internal/domain"
)

// failure turns an unexpected database error into a *domain.Error: unavailable when the
// database cannot be reached, is busy or the context ended, internal otherwise. The cause is
// kept (with op) for logs; the message is safe to show. A *domain.Error passes unchanged.
func failure(op string, err error) error {
	if err == nil {
		return nil
	}
	var de *domain.Error
	if errors.As(err, &de) {
		return err
	}
	cause := fmt.Errorf("sqlstore: %s: %w", op, err)
	if unavailable(err) {
		return domain.Wrap(domain.CodeUnavailable, cause, "the database is unavailable")
	}
	return domain.Wrap(domain.CodeInternal, cause, "the database failed")
}

// unavailable reports whether err says the database could not be used right now, rather
// than that the statement was wrong.
func unavailable(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, driver.ErrBadConn) || errors.Is(err, sql.ErrConnDone) {
		return true
	}
	var netErr net.Error
	var connErr *pgconn.ConnectError
	if errors.As(err, &netErr) || errors.As(err, &connErr) || pgconn.Timeout(err) {
		return true
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		// Class 08: connection exception; 53: insufficient resources; 57P0x: shutting down.
		return strings.HasPrefix(pe.Code, "08") || strings.HasPrefix(pe.Code, "53") ||
			strings.HasPrefix(pe.Code, "57P0")
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		primary := se.Code() & 0xff
		return primary == sqlite3.SQLITE_BUSY || primary == sqlite3.SQLITE_LOCKED
	}
	return false
}

// retryable reports a PostgreSQL transaction aborted by a serialization failure or a
// deadlock, which succeeds when run again.
func retryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40001" || pe.Code == "40P01")
}

// uniqueViolation reports whether err is a unique or primary-key violation, and names the
// constraint: PostgreSQL's constraint name ("users_username_key", "users_pkey") or SQLite's
// column list ("users.username", "users.id"). Both carry the column names that callers look
// for with strings.Contains.
func uniqueViolation(err error) (string, bool) {
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "23505" {
		return pe.ConstraintName, true
	}
	var se *sqlite.Error
	if errors.As(err, &se) &&
		(se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY) {
		msg := se.Error()
		if _, cols, ok := strings.Cut(msg, "constraint failed: "); ok {
			return cols, true
		}
		return msg, true
	}
	return "", false
}

// foreignKeyViolation reports whether err is a foreign-key violation: a row refers to an id
// that does not exist.
func foreignKeyViolation(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "23503"
	}
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code() == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY
}

// conflict is a domain.ErrConflict with a caller-safe message and the driver error as cause.
func conflict(cause error, format string, args ...any) error {
	return domain.Wrap(domain.CodeConflict, cause, fmt.Sprintf(format, args...))
}

// notFound is a domain.ErrNotFound with a caller-safe message.
func notFound(format string, args ...any) error {
	return domain.Errorf(domain.CodeNotFound, format, args...)
}
