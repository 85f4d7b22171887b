package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/gatehouse/gatehouse/internal/domain"
)

const systemColumns = `id, name, secret_hash, redirect_uris, logout_url, protocols, oidc, created_at, updated_at`

func scanSystem(row rowScanner) (*domain.System, error) {
	var s domain.System
	var redirects, protocols, oidc string
	err := row.Scan(&s.ID, &s.Name, &s.SecretHash, &redirects, &s.LogoutURL, &protocols, &oidc,
		timeDest{&s.CreatedAt}, timeDest{&s.UpdatedAt})
	if err != nil {
		return nil, err
	}
	s.SecretHash = bytesOut(s.SecretHash)
	if s.RedirectURIs, err = decodeList(redirects); err != nil {
		return nil, err
	}
	if s.Protocols, err = decodeList(protocols); err != nil {
		return nil, err
	}
	if err = json.Unmarshal([]byte(oidc), &s.OIDC); err != nil {
		return nil, fmt.Errorf("system %q: oidc settings: %w", s.ID, err)
	}
	return &s, nil
}

// CreateSystem inserts s. A zero CreatedAt becomes now and a zero UpdatedAt CreatedAt; the
// stored times are written back. A taken id is domain.ErrConflict.
func (d *DB) CreateSystem(ctx context.Context, s *domain.System) error {
	created := normTime(s.CreatedAt)
	if created.IsZero() {
		created = d.clock()
	}
	updated := normTime(s.UpdatedAt)
	if updated.IsZero() {
		updated = created
	}
	redirects, protocols, oidc, err := systemLists(s)
	if err != nil {
		return failure("create system", err)
	}
	_, err = d.w.ExecContext(ctx, `INSERT INTO systems (id, name, secret_hash, redirect_uris,
		logout_url, protocols, oidc, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		s.ID, s.Name, bytesArg(s.SecretHash), redirects, s.LogoutURL, protocols, oidc,
		d.timeArg(created), d.timeArg(updated))
	if _, ok := uniqueViolation(err); ok {
		return conflict(err, "system %q exists", s.ID)
	}
	if err != nil {
		return failure("create system", err)
	}
	s.CreatedAt, s.UpdatedAt = created, updated
	return nil
}

func systemLists(s *domain.System) (redirects, protocols, oidc string, err error) {
	if redirects, err = encodeList(s.RedirectURIs); err != nil {
		return "", "", "", err
	}
	if protocols, err = encodeList(s.Protocols); err != nil {
		return "", "", "", err
	}
	b, err := json.Marshal(s.OIDC)
	return redirects, protocols, string(b), err
}

// SystemByID returns the system with the given id.
func (d *DB) SystemByID(ctx context.Context, id string) (*domain.System, error) {
	s, err := scanSystem(d.r.QueryRowContext(ctx, `SELECT `+systemColumns+` FROM systems WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("system %q does not exist", id)
	}
	if err != nil {
		return nil, failure("read system", err)
	}
	return s, nil
}

// UpdateSystem writes every field but ID and CreatedAt, sets UpdatedAt to now and writes it
// back into s. An unknown id is domain.ErrNotFound.
func (d *DB) UpdateSystem(ctx context.Context, s *domain.System) error {
	now := d.clock()
	redirects, protocols, oidc, err := systemLists(s)
	if err != nil {
		return failure("update system", err)
	}
	n, err := affected(d.w.ExecContext(ctx, `UPDATE systems SET name = $2, secret_hash = $3,
		redirect_uris = $4, logout_url = $5, protocols = $6, oidc = $7, updated_at = $8 WHERE id = $1`,
		s.ID, s.Name, bytesArg(s.SecretHash), redirects, s.LogoutURL, protocols, oidc, d.timeArg(now)))
	if err != nil {
		return failure("update system", err)
	}
	if n == 0 {
		return notFound("system %q does not exist", s.ID)
	}
	s.UpdatedAt = now
	return nil
}

// ListSystems returns every system, ordered by id.
func (d *DB) ListSystems(ctx context.Context) ([]*domain.System, error) {
	rows, err := d.r.QueryContext(ctx, `SELECT `+systemColumns+` FROM systems ORDER BY id`)
	if err != nil {
		return nil, failure("list systems", err)
	}
	defer rows.Close()
	var list []*domain.System
	for rows.Next() {
		s, err := scanSystem(rows)
		if err != nil {
			return nil, failure("list systems", err)
		}
		list = append(list, s)
	}
	if err := rows.Err(); err != nil {
		return nil, failure("list systems", err)
	}
	return list, nil
}

// DeleteSystem removes the system, its roles and every grant of them (by cascade), and
// increments the Version of every user who held one of those roles. An unknown id is
// domain.ErrNotFound.
func (d *DB) DeleteSystem(ctx context.Context, id string) error {
	return d.write(ctx, "delete system", func(tx *sql.Tx) error {
		// Before the cascade removes the grants that say who is affected.
		if _, err := tx.ExecContext(ctx, `UPDATE users SET version = version + 1 WHERE id IN (
			SELECT ur.user_id FROM user_roles ur JOIN roles r ON r.id = ur.role_id
			WHERE r.system_id = $1)`, id); err != nil {
			return err
		}
		n, err := affected(tx.ExecContext(ctx, `DELETE FROM systems WHERE id = $1`, id))
		if err != nil {
			return err
		}
		if n == 0 {
			return notFound("system %q does not exist", id)
		}
		return nil
	})
}
