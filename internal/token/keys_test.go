package token

import (
	"context"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/keys"
	"github.com/gatehouse/gatehouse/internal/testenv"
)

// TestKeyRotation: after a rotation new tokens carry the new kid, and tokens of the old key keep
// verifying until the key leaves the set.
func TestKeyRotation(t *testing.T) {
	ctx := context.Background()
	a, m, _, c := newAccess(t, keys.EdDSA)
	a.CacheSize = -1
	old, _ := mustIssue(t, a)
	rotated, err := m.Rotate(ctx, keys.EdDSA)
	if err != nil {
		t.Fatal(err)
	}
	fresh, _ := mustIssue(t, a)
	if kidOf(t, fresh) != rotated.ID || kidOf(t, old) == rotated.ID {
		t.Fatalf("kids: old %s, fresh %s, rotated %s", kidOf(t, old), kidOf(t, fresh), rotated.ID)
	}
	for _, tok := range []string{old, fresh} {
		if _, err := a.Verify(ctx, tok, "gatehouse"); err != nil {
			t.Fatal(err)
		}
	}
	// VerifyFor after its retirement the old key leaves the set and its tokens fail (they
	// expired long before); the new key's tokens go on verifying.
	a.TTL = 10 * time.Hour
	long, _ := mustIssue(t, a) // signed by the new key
	c.advance(3 * time.Hour)
	m.Reload()
	if _, err := a.Verify(ctx, long, "gatehouse"); err != nil {
		t.Fatal(err)
	}
	_, err = a.Verify(ctx, old, "gatehouse")
	wantCode(t, err, domain.CodeTokenInvalid) // signed by a key no longer in the set
}

// TestUnknownKidReloads: a key created by another node is found after one reload; made-up kids
// reload at most once a second.
func TestUnknownKidReloads(t *testing.T) {
	ctx := context.Background()
	st, c := &testenv.SigningKeys{}, newClock()
	nodeA := newManager(t, st, c, keys.EdDSA)
	nodeB := newManager(t, st, c)
	verifier := &Access{Keys: nodeA, Issuer: testIssuer, Now: c.now}
	issuer := &Access{Keys: nodeB, Issuer: testIssuer, Now: c.now}
	first, _ := mustIssue(t, verifier)
	if _, err := verifier.Verify(ctx, first, "gatehouse"); err != nil { // node A has loaded its set
		t.Fatal(err)
	}
	if _, err := nodeB.Rotate(ctx, keys.EdDSA); err != nil { // a rotation on node B
		t.Fatal(err)
	}
	tok, _ := mustIssue(t, issuer)
	loads := st.Lists()
	if _, err := verifier.Verify(ctx, tok, "gatehouse"); err != nil {
		t.Fatalf("a key created on another node: %v", err)
	}
	if st.Lists() != loads+1 {
		t.Fatalf("%d loads for one unknown kid", st.Lists()-loads)
	}

	// Made-up kids within the same second: no reload at all.
	ks, _ := nodeA.Current(ctx)
	ed := ks.Signing[keys.EdDSA]
	loads = st.Lists()
	for i := range 50 {
		bogus := forge(t, ed.Signer, jose.EdDSA, "made-up-"+string(rune('a'+i%26)), "JWT", claimsJSON(t, c.now(), nil))
		_, err := verifier.Verify(ctx, bogus, "gatehouse")
		wantCode(t, err, domain.CodeTokenInvalid)
	}
	if n := st.Lists() - loads; n != 0 {
		t.Fatalf("%d reloads within one second", n)
	}
	c.advance(time.Second)
	bogus := forge(t, ed.Signer, jose.EdDSA, "made-up", "JWT", claimsJSON(t, c.now(), nil))
	for range 10 {
		_, err := verifier.Verify(ctx, bogus, "gatehouse")
		wantCode(t, err, domain.CodeTokenInvalid)
	}
	if n := st.Lists() - loads; n != 1 {
		t.Fatalf("%d reloads a second later, want 1", n)
	}
}

func kidOf(t *testing.T, tok string) string {
	t.Helper()
	jws, err := jose.ParseSignedCompact(tok, allowedAlgs)
	if err != nil {
		t.Fatal(err)
	}
	return jws.Signatures[0].Header.KeyID
}
