package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/gatehouse/gatehouse/internal/domain"
)

// Page sizes of ListUsers.
const (
	DefaultUserPage = 50
	MaxUserPage     = 500
)

const userColumns = `id, username, display_name, email, status, password_hash,
	password_changed_at, created_at, updated_at, version`

func scanUser(row rowScanner) (*domain.User, error) {
	var u domain.User
	var status string
	err := row.Scan(&u.ID, &u.Username, &u.DisplayName, &u.Email, &status, &u.PasswordHash,
		timeDest{&u.PasswordChangedAt}, timeDest{&u.CreatedAt}, timeDest{&u.UpdatedAt}, &u.Version)
	if err != nil {
		return nil, err
	}
	u.Status = domain.UserStatus(status)
	return &u, nil
}

// CreateUser inserts u and grants it roleIDs in one transaction. A zero CreatedAt becomes
// now, a zero UpdatedAt becomes CreatedAt and a Version below 1 becomes 1; the stored values
// (times in UTC, to the microsecond) are written back into u.
func (d *DB) CreateUser(ctx context.Context, u *domain.User, roleIDs ...string) error {
	created := normTime(u.CreatedAt)
	if created.IsZero() {
		created = d.clock()
	}
	updated := normTime(u.UpdatedAt)
	if updated.IsZero() {
		updated = created
	}
	version := max(u.Version, 1)
	err := d.write(ctx, "create user", func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO users (id, username, display_name, email,
			status, password_hash, password_changed_at, created_at, updated_at, version,
			display_name_fold, email_fold)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
			u.ID, u.Username, u.DisplayName, u.Email, string(u.Status), u.PasswordHash,
			d.nullTimeArg(u.PasswordChangedAt), d.timeArg(created), d.timeArg(updated), version,
			fold(u.DisplayName), fold(u.Email))
		if c, ok := uniqueViolation(err); ok {
			if strings.Contains(c, "username") {
				return conflict(err, "username %q is taken", u.Username)
			}
			return conflict(err, "user id %q is taken", u.ID)
		}
		if err != nil {
			return err
		}
		seen := make(map[string]bool, len(roleIDs))
		for _, roleID := range roleIDs {
			if seen[roleID] {
				continue
			}
			seen[roleID] = true
			n, err := affected(tx.ExecContext(ctx, `INSERT INTO user_roles (user_id, role_id)
				SELECT $1, id FROM roles WHERE id = $2`, u.ID, roleID))
			if err != nil {
				return err
			}
			if n == 0 {
				return notFound("role %q does not exist", roleID)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	u.CreatedAt, u.UpdatedAt, u.Version = created, updated, version
	u.PasswordChangedAt = normTime(u.PasswordChangedAt)
	return nil
}

// UserByID returns the user with the given id.
func (d *DB) UserByID(ctx context.Context, id string) (*domain.User, error) {
	return d.userWhere(ctx, "id", id)
}

// UserByUsername returns the user with the given (already normalised) username.
func (d *DB) UserByUsername(ctx context.Context, username string) (*domain.User, error) {
	return d.userWhere(ctx, "username", username)
}

// userWhere reads the one user whose column (id or username, both unique) equals value.
func (d *DB) userWhere(ctx context.Context, column, value string) (*domain.User, error) {
	u, err := scanUser(d.r.QueryRowContext(ctx,
		`SELECT `+userColumns+` FROM users WHERE `+column+` = $1`, value))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("user not found")
	}
	if err != nil {
		return nil, failure("read user", err)
	}
	return u, nil
}

// UpdateUser writes display name, e-mail, status, password hash and password-changed time,
// sets UpdatedAt to now and increments Version, and writes both back into u. Username, ID and
// CreatedAt are never changed. An unknown id is domain.ErrNotFound.
func (d *DB) UpdateUser(ctx context.Context, u *domain.User) error {
	now := d.clock()
	var version int64
	err := d.w.QueryRowContext(ctx, `UPDATE users SET display_name = $2, email = $3, status = $4,
		password_hash = $5, password_changed_at = $6, updated_at = $7, version = version + 1,
		display_name_fold = $8, email_fold = $9
		WHERE id = $1 RETURNING version`,
		u.ID, u.DisplayName, u.Email, string(u.Status), u.PasswordHash,
		d.nullTimeArg(u.PasswordChangedAt), d.timeArg(now), fold(u.DisplayName), fold(u.Email),
	).Scan(&version)
	if errors.Is(err, sql.ErrNoRows) {
		return notFound("user %q does not exist", u.ID)
	}
	if err != nil {
		return failure("update user", err)
	}
	u.UpdatedAt, u.Version = now, version
	u.PasswordChangedAt = normTime(u.PasswordChangedAt)
	return nil
}

// ListUsers returns one page of the users matching f, ordered by username, and how many match
// in all. Query matches a substring of username, display name or e-mail, case-insensitively
// (LIKE wildcards in it match only themselves). Limit defaults to DefaultUserPage and is
// capped at MaxUserPage.
func (d *DB) ListUsers(ctx context.Context, f domain.UserFilter) ([]*domain.User, int, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = DefaultUserPage
	}
	limit = min(limit, MaxUserPage)
	offset := max(f.Offset, 0)

	var a args
	var conds []string
	if f.Query != "" {
		p := a.add(likePattern(fold(f.Query)))
		conds = append(conds, `(username LIKE `+p+` ESCAPE '\' OR display_name_fold LIKE `+p+
			` ESCAPE '\' OR email_fold LIKE `+p+` ESCAPE '\')`)
	}
	if f.Status != "" {
		conds = append(conds, `status = `+a.add(string(f.Status)))
	}
	where := ""
	if len(conds) > 0 {
		where = ` WHERE ` + strings.Join(conds, ` AND `)
	}
	filter := append(args(nil), a...)
	query := `SELECT ` + userColumns + ` FROM users` + where +
		` ORDER BY username LIMIT ` + a.add(limit) + ` OFFSET ` + a.add(offset)

	rows, err := d.r.QueryContext(ctx, query, a...)
	if err != nil {
		return nil, 0, failure("list users", err)
	}
	defer rows.Close()
	var users []*domain.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, 0, failure("list users", err)
		}
		users = append(users, u)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, failure("list users", err)
	}
	// A short, non-empty page (or a short first page) tells the total without counting.
	if len(users) < limit && (len(users) > 0 || offset == 0) {
		return users, offset + len(users), nil
	}
	var total int
	if err := d.r.QueryRowContext(ctx, `SELECT count(*) FROM users`+where, filter...).Scan(&total); err != nil {
		return nil, 0, failure("count users", err)
	}
	return users, total, nil
}
