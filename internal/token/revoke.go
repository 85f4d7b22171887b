package token

import (
	"context"
	"errors"
	"sort"

	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/store"
)

// Revoke ends the family of token (RFC 7009 §2.1: revoking a refresh token ends the grant it
// belongs to, here its family). The token must be the family's current or immediately previous
// one; any other secret changes nothing and is CodeTokenInvalid. A family that is already gone
// is not an error: revocation is idempotent.
func (r *Refresh) Revoke(ctx context.Context, token string) error {
	t, ok := parseRefresh(token)
	if !ok {
		return refreshInvalid("malformed")
	}
	key := familyKey(t.sid, t.family)
	presented := tokenHash(token)
	for range rotateAttempts {
		raw, err := r.KV.Get(ctx, key)
		if errors.Is(err, domain.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		rec, err := decodeRecord(raw)
		if err != nil {
			return domain.Wrap(domain.CodeInternal, err, "refresh token: unreadable family record")
		}
		if !sameHash(presented, rec.Current) && !sameHash(presented, rec.Previous) {
			return refreshInvalid("not a live token of its family")
		}
		done, err := r.revoke(ctx, t, key, raw)
		if err != nil || done {
			return err
		}
	}
	return domain.Errorf(domain.CodeConflict, "refresh token: the family changed too often meanwhile; try again")
}

// RevokeSession ends every family of session sid, in one atomic step (the keys share the
// session's hash tag). Call it when the session ends. Families issued for the session after
// the list was read are not covered: end the session first, so that none can be.
func (r *Refresh) RevokeSession(ctx context.Context, sid string) error {
	if !validSID(sid) {
		return domain.Errorf(domain.CodeInvalidInput, "refresh token: malformed session id")
	}
	ids, err := r.KV.SetMembers(ctx, familiesKey(sid))
	if err != nil {
		return err
	}
	ops := make([]store.Op, 0, 2*len(ids)+1)
	for _, id := range ids {
		ops = append(ops,
			store.Op{Kind: store.OpDelete, Key: familyKey(sid, id)},
			store.Op{Kind: store.OpDelete, Key: successorKey(sid, id)})
	}
	ops = append(ops, store.Op{Kind: store.OpDelete, Key: familiesKey(sid)})
	_, err = r.KV.Txn(ctx, nil, ops)
	return err
}

// Families lists the live families of session sid, oldest first. Ids whose family expired are
// dropped from the session's set on the way.
func (r *Refresh) Families(ctx context.Context, sid string) ([]*Family, error) {
	if !validSID(sid) {
		return nil, domain.Errorf(domain.CodeInvalidInput, "refresh token: malformed session id")
	}
	ids, err := r.KV.SetMembers(ctx, familiesKey(sid))
	if err != nil {
		return nil, err
	}
	now := r.now().UnixMilli()
	out := make([]*Family, 0, len(ids))
	var stale []string
	for _, id := range ids {
		raw, err := r.KV.Get(ctx, familyKey(sid, id))
		if errors.Is(err, domain.ErrNotFound) {
			stale = append(stale, id)
			continue
		}
		if err != nil {
			return nil, err
		}
		rec, err := decodeRecord(raw)
		if err != nil {
			return nil, domain.Wrap(domain.CodeInternal, err, "refresh token: unreadable family record")
		}
		if rec.Expires <= now {
			continue
		}
		out = append(out, rec.family(sid, id))
	}
	if len(stale) > 0 {
		if err := r.KV.SetRemove(ctx, familiesKey(sid), stale...); err != nil {
			return nil, err
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].CreatedAt.Equal(out[j].CreatedAt) {
			return out[i].CreatedAt.Before(out[j].CreatedAt)
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}
