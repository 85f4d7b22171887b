package sqlstore

import (
	"context"
	"database/sql"
	"slices"

	"github.com/gatehouse/gatehouse/internal/domain"
)

// UpdateRole writes the description of r and replaces its permissions with r.Permissions, in
// one transaction. Holders get a new Version only when the set of codes changed. An unknown
// role is domain.ErrNotFound.
func (d *DB) UpdateRole(ctx context.Context, r *domain.Role) error {
	want := slices.Clone(r.Permissions)
	slices.Sort(want)
	want = slices.Compact(want)
	return d.write(ctx, "update role", func(tx *sql.Tx) error {
		n, err := affected(tx.ExecContext(ctx, `UPDATE roles SET description = $2 WHERE id = $1`, r.ID, r.Description))
		if err != nil {
			return err
		}
		if n == 0 {
			return notFound("role %q does not exist", r.ID)
		}
		rows, err := tx.QueryContext(ctx, `SELECT code FROM role_permissions WHERE role_id = $1 ORDER BY code`, r.ID)
		if err != nil {
			return err
		}
		var have []string
		for rows.Next() {
			var c string
			if err := rows.Scan(&c); err != nil {
				rows.Close()
				return err
			}
			have = append(have, c)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if slices.Equal(have, want) {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM role_permissions WHERE role_id = $1`, r.ID); err != nil {
			return err
		}
		for _, code := range want {
			if _, err := tx.ExecContext(ctx, `INSERT INTO role_permissions (role_id, code) VALUES ($1, $2)`, r.ID, code); err != nil {
				return err
			}
		}
		return bumpHolders(ctx, tx, r.ID)
	})
}
