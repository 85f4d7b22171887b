package sqlstore

import (
	"context"
	"database/sql"

	"github.com/gatehouse/gatehouse/internal/domain"
)

// GrantRole gives the user the role and increments the user's Version; granting a role the
// user holds is a no-op. An unknown user or role is domain.ErrNotFound.
func (d *DB) GrantRole(ctx context.Context, userID, roleID string) error {
	return d.write(ctx, "grant role", func(tx *sql.Tx) error {
		var users, roles int
		if err := tx.QueryRowContext(ctx, `SELECT
			(SELECT count(*) FROM users WHERE id = $1), (SELECT count(*) FROM roles WHERE id = $2)`,
			userID, roleID).Scan(&users, &roles); err != nil {
			return err
		}
		switch {
		case users == 0:
			return notFound("user %q does not exist", userID)
		case roles == 0:
			return notFound("role %q does not exist", roleID)
		}
		n, err := affected(tx.ExecContext(ctx, `INSERT INTO user_roles (user_id, role_id)
			VALUES ($1, $2) ON CONFLICT DO NOTHING`, userID, roleID))
		if foreignKeyViolation(err) { // deleted since the check above
			return notFound("user %q or role %q does not exist", userID, roleID)
		}
		if err != nil || n == 0 {
			return err
		}
		return bumpUser(ctx, tx, userID)
	})
}

// RevokeRole takes the role from the user and increments the user's Version; revoking a role
// the user does not hold (or an unknown user or role) is a no-op.
func (d *DB) RevokeRole(ctx context.Context, userID, roleID string) error {
	return d.write(ctx, "revoke role", func(tx *sql.Tx) error {
		n, err := affected(tx.ExecContext(ctx,
			`DELETE FROM user_roles WHERE user_id = $1 AND role_id = $2`, userID, roleID))
		if err != nil || n == 0 {
			return err
		}
		return bumpUser(ctx, tx, userID)
	})
}

func bumpUser(ctx context.Context, tx *sql.Tx, userID string) error {
	_, err := tx.ExecContext(ctx, `UPDATE users SET version = version + 1 WHERE id = $1`, userID)
	return err
}

// GrantsOfUser returns every role the user holds, in every system, ordered by system and
// name, each with its permissions sorted — in one query. An unknown user is
// domain.ErrNotFound.
func (d *DB) GrantsOfUser(ctx context.Context, userID string) ([]domain.Grant, error) {
	// The user row anchors the join: no row means no user; a row of NULLs, no roles.
	rows, err := d.r.QueryContext(ctx, `SELECT r.id, r.system_id, r.name, r.description,
		r.created_at, p.code
		FROM users u
		LEFT JOIN user_roles ur ON ur.user_id = u.id
		LEFT JOIN roles r ON r.id = ur.role_id
		LEFT JOIN role_permissions p ON p.role_id = r.id
		WHERE u.id = $1`+roleOrder, userID)
	if err != nil {
		return nil, failure("read grants", err)
	}
	defer rows.Close()
	found := false
	var grants []domain.Grant
	for rows.Next() {
		found = true
		var id, systemID, name, description, code sql.NullString
		var r domain.Role
		if err := rows.Scan(&id, &systemID, &name, &description, timeDest{&r.CreatedAt}, &code); err != nil {
			return nil, failure("read grants", err)
		}
		if !id.Valid {
			continue // the user holds no role
		}
		if n := len(grants); n == 0 || grants[n-1].Role.ID != id.String {
			r.ID, r.SystemID, r.Name, r.Description = id.String, systemID.String, name.String, description.String
			grants = append(grants, domain.Grant{UserID: userID, Role: r})
		}
		if code.Valid {
			last := &grants[len(grants)-1].Role
			last.Permissions = append(last.Permissions, code.String)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, failure("read grants", err)
	}
	if !found {
		return nil, notFound("user %q does not exist", userID)
	}
	return grants, nil
}
