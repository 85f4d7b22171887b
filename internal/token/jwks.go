package token

import (
	"context"
	"encoding/json"
	"slices"
	"sort"

	"github.com/go-jose/go-jose/v4"

	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/keys"
)

// jwksFor is the JWK Set document built for one key set.
type jwksFor struct {
	set *keys.KeySet
	doc []byte
}

// JWKS returns the JWK Set (RFC 7517 §5) of every key that still verifies, newest first, for
// /.well-known/jwks.json: each key with "kid", "alg", "use": "sig" and its public parameters
// (RFC 7518 §6.2 EC P-256 "crv"/"x"/"y", §6.3 RSA "n"/"e", RFC 8037 §2 OKP Ed25519 "crv"/"x").
// Private parameters are never written.
func (a *Access) JWKS(ctx context.Context) ([]byte, error) {
	ks, err := a.current(ctx)
	if err != nil {
		return nil, err
	}
	if j := a.jwks.Load(); j != nil && j.set == ks {
		return slices.Clone(j.doc), nil
	}
	list := make([]*keys.Key, 0, len(ks.Verify))
	for _, k := range ks.Verify {
		list = append(list, k)
	}
	sort.Slice(list, func(i, j int) bool {
		if !list[i].CreatedAt.Equal(list[j].CreatedAt) {
			return list[i].CreatedAt.After(list[j].CreatedAt)
		}
		return list[i].ID < list[j].ID
	})
	set := jose.JSONWebKeySet{Keys: make([]jose.JSONWebKey, 0, len(list))}
	for _, k := range list {
		jwk := jose.JSONWebKey{Key: k.Public, KeyID: k.ID, Algorithm: k.Algorithm, Use: "sig"}
		if !jwk.Valid() || !jwk.IsPublic() {
			return nil, domain.Errorf(domain.CodeInternal, "token: verifying key %s is not a usable public key", k.ID)
		}
		set.Keys = append(set.Keys, jwk)
	}
	doc, err := json.Marshal(set)
	if err != nil {
		return nil, domain.Wrap(domain.CodeInternal, err, "token: cannot encode the JWK Set")
	}
	a.jwks.Store(&jwksFor{set: ks, doc: doc})
	return slices.Clone(doc), nil
}
