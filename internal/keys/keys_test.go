package keys

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/secret"
	"github.com/gatehouse/gatehouse/internal/testenv"
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func newManager(t *testing.T) (*Manager, *testenv.SigningKeys, *clock) {
	t.Helper()
	sealer, err := secret.New(bytes.Repeat([]byte{7}, 32), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	st := &testenv.SigningKeys{}
	c := &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	return &Manager{Store: st, Sealer: sealer, Now: c.now, Rand: rand.Reader, VerifyFor: time.Hour, ReloadEvery: time.Minute}, st, c
}

func sign(t *testing.T, k *Key, msg []byte) []byte {
	t.Helper()
	var digest []byte = msg
	var opts crypto.SignerOpts = crypto.Hash(0)
	if k.Algorithm != EdDSA {
		sum := sha256.Sum256(msg)
		digest, opts = sum[:], crypto.SHA256
	}
	sig, err := k.Signer.Sign(rand.Reader, digest, opts)
	if err != nil {
		t.Fatal(err)
	}
	return sig
}

func TestEnsureAndRotate(t *testing.T) {
	ctx := context.Background()
	m, st, c := newManager(t)
	if err := m.Ensure(ctx, EdDSA, ES256); err != nil {
		t.Fatal(err)
	}
	if err := m.Ensure(ctx, EdDSA); err != nil { // idempotent
		t.Fatal(err)
	}
	if n := len(st.Keys()); n != 2 {
		t.Fatalf("have %d keys, want 2", n)
	}
	for _, k := range st.Keys() {
		if bytes.Contains(k.PrivateSealed, k.PublicDER[len(k.PublicDER)-16:]) {
			t.Error("sealed private key holds public key bytes in the clear")
		}
	}
	ks, err := m.Current(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ed := ks.Signing[EdDSA]
	msg := []byte("hello")
	if !ed25519.Verify(ed.Public.(ed25519.PublicKey), msg, sign(t, ed, msg)) {
		t.Fatal("EdDSA signature does not verify")
	}
	es := ks.Signing[ES256]
	sum := sha256.Sum256(msg)
	if !ecdsa.VerifyASN1(es.Public.(*ecdsa.PublicKey), sum[:], sign(t, es, msg)) {
		t.Fatal("ES256 signature does not verify")
	}

	c.t = c.t.Add(time.Minute)
	newKey, err := m.Rotate(ctx, EdDSA)
	if err != nil {
		t.Fatal(err)
	}
	ks, _ = m.Current(ctx)
	if ks.Signing[EdDSA].ID != newKey.ID {
		t.Fatal("rotation did not switch the signing key")
	}
	if ks.Verify[ed.ID] == nil || ks.Verify[ed.ID].Signer != nil {
		t.Fatal("the retired key must still verify, and no longer sign")
	}
	c.t = c.t.Add(2 * time.Hour) // past VerifyFor
	ks, _ = m.Current(ctx)
	if ks.Verify[ed.ID] != nil {
		t.Fatal("a key retired longer than VerifyFor still verifies")
	}
	if ks.Verify[newKey.ID] == nil {
		t.Fatal("the active key is missing from the verify set")
	}
}

func TestCacheAndReload(t *testing.T) {
	ctx := context.Background()
	m, _, c := newManager(t)
	if err := m.Ensure(ctx, EdDSA); err != nil {
		t.Fatal(err)
	}
	first, _ := m.Current(ctx)
	// Another node rotates: this manager sees it after ReloadEvery or on Reload.
	other := &Manager{Store: m.Store, Sealer: m.Sealer, Now: m.Now, Rand: m.Rand, VerifyFor: m.VerifyFor, ReloadEvery: m.ReloadEvery}
	if _, err := other.Rotate(ctx, EdDSA); err != nil {
		t.Fatal(err)
	}
	if again, _ := m.Current(ctx); again != first {
		t.Fatal("the cache was not used")
	}
	m.Reload()
	if again, _ := m.Current(ctx); again.Signing[EdDSA].ID == first.Signing[EdDSA].ID {
		t.Fatal("Reload did not pick up the rotation")
	}
	c.t = c.t.Add(2 * time.Minute)
	if _, err := m.Current(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestWrongSecretKeyFailsClearly(t *testing.T) {
	ctx := context.Background()
	m, _, _ := newManager(t)
	if err := m.Ensure(ctx, EdDSA); err != nil {
		t.Fatal(err)
	}
	other, _ := secret.New(bytes.Repeat([]byte{8}, 32), rand.Reader)
	m.Sealer = other
	m.Reload()
	if _, err := m.Current(ctx); err == nil {
		t.Fatal("keys opened under another secret key")
	}
	if _, err := m.Rotate(ctx, "HS256"); domain.ErrorCode(err) != domain.CodeInvalidInput {
		t.Fatalf("unknown algorithm: %v", err)
	}
}
