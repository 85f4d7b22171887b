package token

import (
	"context"
	"strings"
	"testing"

	"github.com/go-jose/go-jose/v4"

	"github.com/gatehouse/gatehouse/internal/keys"
)

// FuzzVerify: no input panics, and none verifies except the tokens that were really issued
// (the encoding is canonical, so a token has exactly one spelling).
func FuzzVerify(f *testing.F) {
	ctx := context.Background()
	a, m, _, c := newAccess(f, keys.EdDSA)
	ks, err := m.Current(ctx)
	if err != nil {
		f.Fatal(err)
	}
	ed := ks.Signing[keys.EdDSA]
	good, _ := mustIssue(f, a)
	other := forge(f, ed.Signer, jose.EdDSA, ed.ID, "JWT", claimsJSON(f, c.now(), func(m map[string]any) { m["aud"] = "gatehouse" }))
	valid := map[string]bool{good: true, other: true}
	parts := strings.Split(good, ".")
	for _, seed := range []string{
		good, other, "", ".", "..", "a.b.c", good + "x", good + ".x", parts[0] + "." + parts[1] + ".",
		"eyJhbGciOiJub25lIn0.e30.", strings.Repeat("A", 100) + "." + strings.Repeat("B", 100) + ".C",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		claims, err := a.Verify(ctx, s, "gatehouse")
		if err == nil && !valid[s] {
			t.Fatalf("%q verified: %+v", s, claims)
		}
		if err != nil && valid[s] {
			t.Fatalf("the issued token failed: %v", err)
		}
	})
}

// FuzzParseRefresh: no input panics; whatever parses is canonical (it prints back to itself)
// and yields keys with one well-formed hash tag.
func FuzzParseRefresh(f *testing.F) {
	for _, seed := range []string{
		"", "..", "a.b.c", "sid.AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"s{x}.AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"sid.AAAAAAAAAAAAAAAAAAAAAB.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"sid.AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.x",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, ok := parseRefresh(s)
		if !ok {
			return
		}
		if p.String() != s {
			t.Fatalf("%q parsed to %+v, which prints as %q", s, p, p.String())
		}
		for _, key := range []string{familyKey(p.sid, p.family), successorKey(p.sid, p.family), familiesKey(p.sid)} {
			if strings.Count(key, "{") != 1 || strings.Count(key, "}") != 1 || !strings.Contains(key, "{"+p.sid+"}") {
				t.Fatalf("key %q has a bad hash tag", key)
			}
		}
	})
}
