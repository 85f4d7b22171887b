package oidc

import (
	"crypto/rand"
	"strings"
	"testing"

	"github.com/gatehouse/gatehouse/internal/secret"
)

func testCrypto(t *testing.T) Crypto {
	t.Helper()
	master := make([]byte, 32)
	if _, err := rand.Read(master); err != nil {
		t.Fatal(err)
	}
	k, err := secret.New(master, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return Crypto{Sealer: k}
}

// TestCrypto: what op seals (codes, opaque access tokens) opens only unchanged, and nothing
// else opens at all.
func TestCrypto(t *testing.T) {
	c := testCrypto(t)
	sealed, err := c.Encrypt("id:subject")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := c.Decrypt(sealed); err != nil || got != "id:subject" {
		t.Fatalf("round trip: %q %v", got, err)
	}
	again, _ := c.Encrypt("id:subject")
	if again == sealed {
		t.Fatal("sealing is deterministic")
	}
	flipped := []byte(sealed)
	flipped[len(flipped)/2] ^= 1
	for name, bad := range map[string]string{
		"tampered": string(flipped), "empty": "", "not base64": "!!!", "truncated": sealed[:10],
		"oversized": strings.Repeat("A", 4096), "other key": func() string { s, _ := testCrypto(t).Encrypt("id:subject"); return s }(),
	} {
		if got, err := c.Decrypt(bad); err == nil {
			t.Errorf("%s opened as %q", name, got)
		}
	}
}
