package token

import (
	"context"
	"errors"

	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/store"
)

// FamilyOf returns the live family a refresh token names, without checking the token's secret
// and without changing anything: it tells a caller whom the token would belong to (the OpenID
// Connect face checks the client before it rotates or revokes). Rotate and Revoke still decide
// whether the token itself is good. An unknown, revoked or expired family, or a malformed
// token, is CodeTokenInvalid.
func (r *Refresh) FamilyOf(ctx context.Context, token string) (*Family, error) {
	t, ok := parseRefresh(token)
	if !ok {
		return nil, refreshInvalid("malformed")
	}
	raw, err := r.KV.Get(ctx, familyKey(t.sid, t.family))
	if errors.Is(err, domain.ErrNotFound) {
		return nil, refreshInvalid("unknown, revoked or expired")
	}
	if err != nil {
		return nil, err
	}
	rec, err := decodeRecord(raw)
	if err != nil {
		return nil, domain.Wrap(domain.CodeInternal, err, "refresh token: unreadable family record")
	}
	if rec.Expires <= r.now().UnixMilli() {
		return nil, refreshInvalid("unknown, revoked or expired")
	}
	return rec.family(t.sid, t.family), nil
}

// RevokeFamily ends one family of session sid by its id, whatever its tokens (RFC 6749 §4.1.2:
// the tokens issued from a replayed authorization code are revoked). A family that is gone
// already is not an error.
func (r *Refresh) RevokeFamily(ctx context.Context, sid, familyID string) error {
	if !validSID(sid) || familyID == "" {
		return domain.Errorf(domain.CodeInvalidInput, "refresh token: malformed session or family id")
	}
	_, err := r.KV.Txn(ctx, nil, []store.Op{
		{Kind: store.OpDelete, Key: familyKey(sid, familyID)},
		{Kind: store.OpDelete, Key: successorKey(sid, familyID)},
		{Kind: store.OpSetRemove, Key: familiesKey(sid), Member: familyID},
	})
	return err
}
