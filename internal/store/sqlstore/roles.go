package sqlstore

import (
	"context"
	"database/sql"
	"strings"

	"github.com/gatehouse/gatehouse/internal/domain"
)

// roleSelect reads roles with their permissions in one query: one row per (role, code), a
// NULL code for a role without permissions. The caller appends WHERE (over r, and p) and
// nothing else; rows come ordered by system, name, code, as readRoles expects.
const roleSelect = `SELECT r.id, r.system_id, r.name, r.description, r.created_at, p.code
	FROM roles r LEFT JOIN role_permissions p ON p.role_id = r.id`

const roleOrder = ` ORDER BY r.system_id, r.name, r.id, p.code`

// readRoles folds the rows of a roleSelect query into roles, permissions sorted.
func readRoles(rows *sql.Rows) ([]*domain.Role, error) {
	defer rows.Close()
	var roles []*domain.Role
	for rows.Next() {
		var r domain.Role
		var code sql.NullString
		if err := rows.Scan(&r.ID, &r.SystemID, &r.Name, &r.Description, timeDest{&r.CreatedAt}, &code); err != nil {
			return nil, err
		}
		if n := len(roles); n == 0 || roles[n-1].ID != r.ID {
			roles = append(roles, &r)
		}
		if code.Valid {
			last := roles[len(roles)-1]
			last.Permissions = append(last.Permissions, code.String)
		}
	}
	return roles, rows.Err()
}

// CreateRole inserts r with its permissions (duplicates dropped). A zero CreatedAt becomes
// now, written back. A taken id or (system, name) is domain.ErrConflict; an unknown system is
// domain.ErrNotFound.
func (d *DB) CreateRole(ctx context.Context, r *domain.Role) error {
	created := normTime(r.CreatedAt)
	if created.IsZero() {
		created = d.clock()
	}
	err := d.write(ctx, "create role", func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO roles (id, system_id, name, description, created_at)
			VALUES ($1, $2, $3, $4, $5)`, r.ID, r.SystemID, r.Name, r.Description, d.timeArg(created))
		if c, ok := uniqueViolation(err); ok {
			if strings.Contains(c, "name") {
				return conflict(err, "role %q exists in system %q", r.Name, r.SystemID)
			}
			return conflict(err, "role id %q is taken", r.ID)
		}
		if foreignKeyViolation(err) {
			return notFound("system %q does not exist", r.SystemID)
		}
		if err != nil {
			return err
		}
		for _, code := range r.Permissions {
			if _, err := tx.ExecContext(ctx, `INSERT INTO role_permissions (role_id, code)
				VALUES ($1, $2) ON CONFLICT DO NOTHING`, r.ID, code); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	r.CreatedAt = created
	return nil
}

// RoleByID returns the role with the given id and its permissions, sorted.
func (d *DB) RoleByID(ctx context.Context, id string) (*domain.Role, error) {
	return d.oneRole(ctx, ` WHERE r.id = $1`, id)
}

// RoleByName returns the role of a system by name.
func (d *DB) RoleByName(ctx context.Context, systemID, name string) (*domain.Role, error) {
	return d.oneRole(ctx, ` WHERE r.system_id = $1 AND r.name = $2`, systemID, name)
}

func (d *DB) oneRole(ctx context.Context, where string, a ...any) (*domain.Role, error) {
	roles, err := d.queryRoles(ctx, where, a...)
	if err != nil {
		return nil, failure("read role", err)
	}
	if len(roles) == 0 {
		return nil, notFound("role not found")
	}
	return roles[0], nil
}

// ListRoles lists the roles of one system ("" for every system), ordered by system and name,
// each with its permissions, in one query.
func (d *DB) ListRoles(ctx context.Context, systemID string) ([]*domain.Role, error) {
	var roles []*domain.Role
	var err error
	if systemID == "" {
		roles, err = d.queryRoles(ctx, "")
	} else {
		roles, err = d.queryRoles(ctx, ` WHERE r.system_id = $1`, systemID)
	}
	if err != nil {
		return nil, failure("list roles", err)
	}
	return roles, nil
}

func (d *DB) queryRoles(ctx context.Context, where string, a ...any) ([]*domain.Role, error) {
	rows, err := d.r.QueryContext(ctx, roleSelect+where+roleOrder, a...)
	if err != nil {
		return nil, err
	}
	return readRoles(rows)
}

// AddPermission adds code to the role; adding a code it has is a no-op. When the role
// changes, every user holding it gets a new Version. An unknown role is domain.ErrNotFound.
func (d *DB) AddPermission(ctx context.Context, roleID, code string) error {
	return d.write(ctx, "add permission", func(tx *sql.Tx) error {
		n, err := affected(tx.ExecContext(ctx, `INSERT INTO role_permissions (role_id, code)
			VALUES ($1, $2) ON CONFLICT DO NOTHING`, roleID, code))
		if foreignKeyViolation(err) {
			return notFound("role %q does not exist", roleID)
		}
		if err != nil || n == 0 {
			return err
		}
		return bumpHolders(ctx, tx, roleID)
	})
}

// RemovePermission removes code from the role; removing a code it lacks is a no-op. When the
// role changes, every user holding it gets a new Version. An unknown role is
// domain.ErrNotFound.
func (d *DB) RemovePermission(ctx context.Context, roleID, code string) error {
	return d.write(ctx, "remove permission", func(tx *sql.Tx) error {
		if err := roleExists(ctx, tx, roleID); err != nil {
			return err
		}
		n, err := affected(tx.ExecContext(ctx,
			`DELETE FROM role_permissions WHERE role_id = $1 AND code = $2`, roleID, code))
		if err != nil || n == 0 {
			return err
		}
		return bumpHolders(ctx, tx, roleID)
	})
}

// DeleteRole removes the role, its permissions and every grant of it, and increments the
// Version of every user who held it. An unknown id is domain.ErrNotFound.
func (d *DB) DeleteRole(ctx context.Context, id string) error {
	return d.write(ctx, "delete role", func(tx *sql.Tx) error {
		if err := bumpHolders(ctx, tx, id); err != nil { // before the cascade removes the grants
			return err
		}
		n, err := affected(tx.ExecContext(ctx, `DELETE FROM roles WHERE id = $1`, id))
		if err != nil {
			return err
		}
		if n == 0 {
			return notFound("role %q does not exist", id)
		}
		return nil
	})
}

func roleExists(ctx context.Context, tx *sql.Tx, roleID string) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM roles WHERE id = $1`, roleID).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return notFound("role %q does not exist", roleID)
	}
	return nil
}

// bumpHolders increments the Version of every user who holds the role.
func bumpHolders(ctx context.Context, tx *sql.Tx, roleID string) error {
	_, err := tx.ExecContext(ctx, `UPDATE users SET version = version + 1
		WHERE id IN (SELECT user_id FROM user_roles WHERE role_id = $1)`, roleID)
	return err
}
