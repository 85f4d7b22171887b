package keys

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/store"
)

// Algorithms a signing key may have (JWS "alg" names).
const (
	EdDSA = "EdDSA"
	ES256 = "ES256"
	RS256 = "RS256"
)

// Sealer encrypts private keys at rest (secret.Keys does).
type Sealer interface {
	Seal(plaintext []byte, label string) ([]byte, error)
	Open(sealed []byte, label string) ([]byte, error)
}

// Key is one usable key.
type Key struct {
	ID        string
	Algorithm string
	Public    crypto.PublicKey
	Signer    crypto.Signer // nil for keys that only verify
	CreatedAt time.Time
	RetiredAt time.Time
}

// KeySet is the signing key of each algorithm in use and every key that still verifies.
type KeySet struct {
	Signing map[string]*Key // by algorithm
	Verify  map[string]*Key // by kid
}

// Manager loads, creates and rotates keys.
type Manager struct {
	Store  store.SigningKeys
	Sealer Sealer
	Now    func() time.Time
	Rand   io.Reader
	// VerifyFor is how long a retired key keeps verifying: at least the longest token lifetime.
	VerifyFor time.Duration
	// ReloadEvery bounds how stale the cached set may be (rotations on other nodes).
	ReloadEvery time.Duration

	mu       sync.Mutex
	cached   *KeySet
	loadedAt time.Time
}

// Ensure makes sure an active key of each algorithm exists, creating the missing ones.
func (m *Manager) Ensure(ctx context.Context, algorithms ...string) error {
	all, err := m.Store.ListSigningKeys(ctx)
	if err != nil {
		return err
	}
	for _, alg := range algorithms {
		active := false
		for _, k := range all {
			if k.Algorithm == alg && k.RetiredAt.IsZero() {
				active = true
				break
			}
		}
		if !active {
			if _, err := m.add(ctx, alg); err != nil {
				return err
			}
		}
	}
	m.invalidate()
	return nil
}

// Rotate creates a new key of the algorithm and retires the previous active ones; they keep
// verifying for VerifyFor.
func (m *Manager) Rotate(ctx context.Context, alg string) (*domain.SigningKey, error) {
	all, err := m.Store.ListSigningKeys(ctx)
	if err != nil {
		return nil, err
	}
	k, err := m.add(ctx, alg)
	if err != nil {
		return nil, err
	}
	for _, old := range all {
		if old.Algorithm == alg && old.RetiredAt.IsZero() {
			if err := m.Store.RetireSigningKey(ctx, old.ID, m.Now()); err != nil {
				return nil, err
			}
		}
	}
	m.invalidate()
	return k, nil
}

func (m *Manager) add(ctx context.Context, alg string) (*domain.SigningKey, error) {
	signer, err := generate(alg, m.Rand)
	if err != nil {
		return nil, err
	}
	priv, err := x509.MarshalPKCS8PrivateKey(signer)
	if err != nil {
		return nil, err
	}
	pub, err := x509.MarshalPKIXPublicKey(signer.Public())
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(pub)
	id := base64.RawURLEncoding.EncodeToString(sum[:12])
	sealed, err := m.Sealer.Seal(priv, id)
	if err != nil {
		return nil, err
	}
	k := &domain.SigningKey{ID: id, Algorithm: alg, PrivateSealed: sealed, PublicDER: pub, CreatedAt: m.Now()}
	if err := m.Store.AddSigningKey(ctx, k); err != nil {
		return nil, err
	}
	return k, nil
}

func generate(alg string, rand io.Reader) (crypto.Signer, error) {
	switch alg {
	case EdDSA:
		_, k, err := ed25519.GenerateKey(rand)
		return k, err
	case ES256:
		return ecdsa.GenerateKey(elliptic.P256(), rand)
	case RS256:
		return rsa.GenerateKey(rand, 2048)
	}
	return nil, domain.Errorf(domain.CodeInvalidInput, "unknown signing algorithm %q (EdDSA, ES256 or RS256)", alg)
}

func (m *Manager) invalidate() {
	m.mu.Lock()
	m.cached = nil
	m.mu.Unlock()
}

// Current returns the key set, reloading it from SQL when it is older than ReloadEvery.
func (m *Manager) Current(ctx context.Context) (*KeySet, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.cached != nil && m.Now().Sub(m.loadedAt) < m.ReloadEvery {
		return m.cached, nil
	}
	ks, err := m.load(ctx)
	if err != nil {
		return nil, err
	}
	m.cached, m.loadedAt = ks, m.Now()
	return ks, nil
}

// Reload forces the next Current to read SQL again (e.g. on an unknown kid).
func (m *Manager) Reload() { m.invalidate() }

func (m *Manager) load(ctx context.Context) (*KeySet, error) {
	all, err := m.Store.ListSigningKeys(ctx) // newest first
	if err != nil {
		return nil, err
	}
	ks := &KeySet{Signing: map[string]*Key{}, Verify: map[string]*Key{}}
	now := m.Now()
	for _, rec := range all {
		if !rec.RetiredAt.IsZero() && now.Sub(rec.RetiredAt) > m.VerifyFor {
			continue
		}
		pub, err := x509.ParsePKIXPublicKey(rec.PublicDER)
		if err != nil {
			return nil, fmt.Errorf("signing key %s: %w", rec.ID, err)
		}
		k := &Key{ID: rec.ID, Algorithm: rec.Algorithm, Public: pub, CreatedAt: rec.CreatedAt, RetiredAt: rec.RetiredAt}
		if rec.RetiredAt.IsZero() && ks.Signing[rec.Algorithm] == nil {
			der, err := m.Sealer.Open(rec.PrivateSealed, rec.ID)
			if err != nil {
				return nil, fmt.Errorf("signing key %s: %w", rec.ID, err)
			}
			priv, err := x509.ParsePKCS8PrivateKey(der)
			if err != nil {
				return nil, fmt.Errorf("signing key %s: %w", rec.ID, err)
			}
			k.Signer = priv.(crypto.Signer)
			ks.Signing[rec.Algorithm] = k
		}
		ks.Verify[rec.ID] = k
	}
	return ks, nil
}
