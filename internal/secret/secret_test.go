package secret

import (
	"bytes"
	"crypto/rand"
	"os"
	"path/filepath"
	"testing"
)

func testKeys(t *testing.T, master []byte) *Keys {
	t.Helper()
	k, err := New(master, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestHashSecret(t *testing.T) {
	k := testKeys(t, bytes.Repeat([]byte{1}, 32))
	other := testKeys(t, bytes.Repeat([]byte{2}, 32))
	s, err := k.NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	h := k.HashSecret(s)
	if !k.SecretMatches(s, h) {
		t.Fatal("own secret does not match")
	}
	for _, bad := range []string{"", s + "x", s[:len(s)-1]} {
		if k.SecretMatches(bad, h) {
			t.Errorf("%q matches", bad)
		}
	}
	if other.SecretMatches(s, h) {
		t.Error("a hash made under another server key matches")
	}
	if k.SecretMatches(s, h[:10]) || k.SecretMatches(s, nil) {
		t.Error("a truncated stored hash matches")
	}
}

func TestSealOpen(t *testing.T) {
	k := testKeys(t, bytes.Repeat([]byte{1}, 32))
	sealed, err := k.Seal([]byte("private key"), "kid-1")
	if err != nil {
		t.Fatal(err)
	}
	if pt, err := k.Open(sealed, "kid-1"); err != nil || string(pt) != "private key" {
		t.Fatalf("open = %q, %v", pt, err)
	}
	if _, err := k.Open(sealed, "kid-2"); err == nil {
		t.Error("opened under another label")
	}
	if _, err := testKeys(t, bytes.Repeat([]byte{3}, 32)).Open(sealed, "kid-1"); err == nil {
		t.Error("opened under another master key")
	}
	sealed[len(sealed)-1] ^= 1
	if _, err := k.Open(sealed, "kid-1"); err == nil {
		t.Error("opened a tampered value")
	}
	if _, err := k.Open([]byte{1, 2}, "kid-1"); err == nil {
		t.Error("opened a short value")
	}
}

func TestLoadOrCreate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "secret.key")
	a, err := LoadOrCreate("", path, rand.Reader)
	if err != nil || len(a) != KeyLen {
		t.Fatalf("create: %v len %d", err, len(a))
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", st.Mode())
	}
	b, err := LoadOrCreate("", path, rand.Reader)
	if err != nil || !bytes.Equal(a, b) {
		t.Fatal("second load differs")
	}
	configured := "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE="
	c, err := LoadOrCreate(configured, path, rand.Reader)
	if err != nil || !bytes.Equal(c, bytes.Repeat([]byte{1}, 32)) {
		t.Fatalf("configured: %v", err)
	}
	for _, bad := range []string{"short", "AQID", "!!!"} {
		if _, err := LoadOrCreate(bad, path, rand.Reader); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if _, err := New([]byte("short"), rand.Reader); err == nil {
		t.Error("short master accepted")
	}
}

func BenchmarkSecretMatches(b *testing.B) {
	k, _ := New(bytes.Repeat([]byte{1}, 32), rand.Reader)
	s, _ := k.NewSecret()
	h := k.HashSecret(s)
	for b.Loop() {
		k.SecretMatches(s, h)
	}
}
