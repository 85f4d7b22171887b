package oidc

import (
	"context"
	"encoding/base64"
	"errors"
	"sort"

	"github.com/go-jose/go-jose/v4"
	"github.com/zitadel/oidc/v3/pkg/op"

	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/keys"
)

// Algorithms are the ID-token signing algorithms the provider supports and advertises: the
// client's setting (domain.OIDCClient.IDTokenAlg) picks one, EdDSA by default.
var Algorithms = []string{keys.EdDSA, keys.ES256, keys.RS256}

// signingKey adapts a keys.Key to op.SigningKey and op.Key.
type signingKey struct{ k *keys.Key }

func (k signingKey) SignatureAlgorithm() jose.SignatureAlgorithm {
	return jose.SignatureAlgorithm(k.k.Algorithm)
}
func (k signingKey) Algorithm() jose.SignatureAlgorithm { return k.SignatureAlgorithm() }
func (k signingKey) ID() string                         { return k.k.ID }
func (k signingKey) Use() string                        { return "sig" }

// Key is the private key for signing (op.SigningKey) and the public one for op.Key; op only
// asks a Key of the key set for verification.
func (k signingKey) Key() any {
	if k.k.Signer != nil {
		return k.k.Signer
	}
	return k.k.Public
}

type publicKey struct{ signingKey }

func (k publicKey) Key() any { return k.k.Public }

// SigningKey returns the active key of the algorithm chosen by the client of this request
// (EdDSA when the request names none).
func (s *Storage) SigningKey(ctx context.Context) (op.SigningKey, error) {
	alg := domain.AlgEdDSA
	if st := stateOf(ctx); st != nil {
		if sys := st.client(); sys != nil {
			alg = sys.OIDC.Alg()
		}
	}
	ks, err := s.Keys.Current(ctx)
	if err != nil {
		return nil, err
	}
	k := ks.Signing[alg]
	if (k == nil || k.Signer == nil) && s.Ensure != nil {
		// The first client that asks for an algorithm makes its key (RS256 is made only then).
		if err := s.Ensure(ctx, alg); err != nil {
			return nil, err
		}
		if ks, err = s.Keys.Current(ctx); err != nil {
			return nil, err
		}
		k = ks.Signing[alg]
	}
	if k == nil || k.Signer == nil {
		return nil, errors.New("oidc: there is no active " + alg + " signing key (run: gatehouse keys rotate)")
	}
	return signingKey{k}, nil
}

// SignatureAlgorithms are advertised as id_token_signing_alg_values_supported.
func (s *Storage) SignatureAlgorithms(context.Context) ([]jose.SignatureAlgorithm, error) {
	out := make([]jose.SignatureAlgorithm, len(Algorithms))
	for i, a := range Algorithms {
		out[i] = jose.SignatureAlgorithm(a)
	}
	return out, nil
}

// KeySet returns every key that still verifies: the same keys as /.well-known/jwks.json. op
// uses it to check an id_token_hint.
func (s *Storage) KeySet(ctx context.Context) ([]op.Key, error) {
	ks, err := s.Keys.Current(ctx)
	if err != nil {
		return nil, err
	}
	list := make([]*keys.Key, 0, len(ks.Verify))
	for _, k := range ks.Verify {
		list = append(list, k)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].ID < list[j].ID })
	out := make([]op.Key, len(list))
	for i, k := range list {
		out[i] = publicKey{signingKey{k}}
	}
	return out, nil
}

// GetKeyByIDAndClientID serves the JWT profile (client assertions), which Gatehouse does not
// offer: no client has a key.
func (s *Storage) GetKeyByIDAndClientID(context.Context, string, string) (*jose.JSONWebKey, error) {
	return nil, errors.New("oidc: clients have no keys")
}

// ValidateJWTProfileScopes serves the JWT profile grant, which Gatehouse does not offer.
func (s *Storage) ValidateJWTProfileScopes(context.Context, string, []string) ([]string, error) {
	return nil, errors.New("oidc: the JWT profile grant is not supported")
}

// Sealer encrypts and authenticates (secret.Keys does).
type Sealer interface {
	Seal(plaintext []byte, label string) ([]byte, error)
	Open(sealed []byte, label string) ([]byte, error)
}

// Crypto is op.Crypto over Gatehouse's master key: AES-GCM with a label, base64url. op seals
// authorization codes (the request id) and opaque access tokens (token id and subject) with it.
type Crypto struct{ Sealer Sealer }

const cryptoLabel = "gatehouse-oidc-v1"

var _ op.Crypto = Crypto{}

func (c Crypto) Encrypt(s string) (string, error) {
	b, err := c.Sealer.Seal([]byte(s), cryptoLabel)
	if err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

func (c Crypto) Decrypt(s string) (string, error) {
	if len(s) > 1024 {
		return "", errors.New("oidc: sealed value too long")
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return "", err
	}
	p, err := c.Sealer.Open(b, cryptoLabel)
	if err != nil {
		return "", err
	}
	return string(p), nil
}
