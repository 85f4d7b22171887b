package password_test

import (
	"context"
	"testing"

	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/password"
)

// FuzzVerify feeds arbitrary stored hashes: Verify must never panic, must answer either a
// verdict or an internal error, and must never call a malformed hash a match.
func FuzzVerify(f *testing.F) {
	for _, s := range []string{
		"",
		"$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
		"{argon2}$argon2id$v=19$m=256,t=2,p=2$c29tZXNhbHQ$bQk8UB/VmZZF4Oo79iDXuL5/0ttZwg2f/5U52iv1cDc",
		"$argon2id$v=19$m=8,t=1,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
		"$argon2id$v=19$m=64,t=1,p=1$AAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA",
		"$argon2i$v=19$m=256,t=2,p=1$c29tZXNhbHQ$iekCn0Y3spW+sCcFanM2xBT63UP2sghkUoHLIUpWRS8",
		"$2a$04$AQol1A.LkxoJ5dEzS5o5E.QG9jD.hncoeCGdVaMQZaiYZ98V/JyRq",
		"{bcrypt}$2y$04$8nMJR6r7lvh9H2INtM2vtuA156dHTcQUyU.2Q2OK/7LwMd/I.HM12",
		"$2b$4$", "{bcrypt}", "{argon2}", "$", "$$$$$", "$argon2id$v=19$m=,t=,p=$$",
	} {
		f.Add(s, "password")
	}
	h := password.New(password.Params{MemoryKiB: 64, Iterations: 1, Parallelism: 1, SaltLen: 16, KeyLen: 32}, 2, nil)
	f.Fuzz(func(t *testing.T, encoded, pw string) {
		ok, rehash, err := h.Verify(context.Background(), pw, encoded)
		if err != nil {
			if ok || rehash {
				t.Fatalf("error %v with ok=%v rehash=%v", err, ok, rehash)
			}
			if domain.ErrorCode(err) != domain.CodeInternal {
				t.Fatalf("error code %q, want internal", domain.ErrorCode(err))
			}
			return
		}
		if rehash && !ok {
			t.Fatal("needsRehash without a match")
		}
	})
}
