package sqlstore

import (
	"context"
	"time"

	"github.com/gatehouse/gatehouse/internal/domain"
)

// AddSigningKey inserts k; a zero CreatedAt becomes now. The stored times are written back. A
// taken id is domain.ErrConflict.
func (d *DB) AddSigningKey(ctx context.Context, k *domain.SigningKey) error {
	created := normTime(k.CreatedAt)
	if created.IsZero() {
		created = d.clock()
	}
	_, err := d.w.ExecContext(ctx, `INSERT INTO signing_keys (id, algorithm, private_sealed,
		public_der, created_at, retired_at) VALUES ($1, $2, $3, $4, $5, $6)`,
		k.ID, k.Algorithm, bytesArg(k.PrivateSealed), bytesArg(k.PublicDER),
		d.timeArg(created), d.nullTimeArg(k.RetiredAt))
	if _, ok := uniqueViolation(err); ok {
		return conflict(err, "signing key %q exists", k.ID)
	}
	if err != nil {
		return failure("add signing key", err)
	}
	k.CreatedAt, k.RetiredAt = created, normTime(k.RetiredAt)
	return nil
}

// ListSigningKeys returns every key, newest first (by CreatedAt, then by id).
func (d *DB) ListSigningKeys(ctx context.Context) ([]*domain.SigningKey, error) {
	rows, err := d.r.QueryContext(ctx, `SELECT id, algorithm, private_sealed, public_der,
		created_at, retired_at FROM signing_keys ORDER BY created_at DESC, id DESC`)
	if err != nil {
		return nil, failure("list signing keys", err)
	}
	defer rows.Close()
	var keys []*domain.SigningKey
	for rows.Next() {
		var k domain.SigningKey
		if err := rows.Scan(&k.ID, &k.Algorithm, &k.PrivateSealed, &k.PublicDER,
			timeDest{&k.CreatedAt}, timeDest{&k.RetiredAt}); err != nil {
			return nil, failure("list signing keys", err)
		}
		k.PrivateSealed, k.PublicDER = bytesOut(k.PrivateSealed), bytesOut(k.PublicDER)
		keys = append(keys, &k)
	}
	if err := rows.Err(); err != nil {
		return nil, failure("list signing keys", err)
	}
	return keys, nil
}

// RetireSigningKey records that the key stopped signing at at (a zero at means now). An
// unknown id is domain.ErrNotFound.
func (d *DB) RetireSigningKey(ctx context.Context, id string, at time.Time) error {
	if at.IsZero() {
		at = d.clock()
	}
	n, err := affected(d.w.ExecContext(ctx,
		`UPDATE signing_keys SET retired_at = $2 WHERE id = $1`, id, d.timeArg(at)))
	if err != nil {
		return failure("retire signing key", err)
	}
	if n == 0 {
		return notFound("signing key %q does not exist", id)
	}
	return nil
}
