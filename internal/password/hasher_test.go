package password_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/password"
)

// small keeps most tests quick: 64 KiB, one pass.
var small = password.Params{MemoryKiB: 64, Iterations: 1, Parallelism: 1, SaltLen: 16, KeyLen: 32}

func newSmall() *password.Hasher { return password.New(small, 2, nil) }

// The seed users, imported from Spring Security (BCryptPasswordEncoder, strength 10).
var seedUsers = []struct{ user, pass, hash string }{
	{"jack", "jack123", "$2a$10$AQol1A.LkxoJ5dEzS5o5E.QG9jD.hncoeCGdVaMQZaiYZ98V/JyRq"},
	{"danny", "danny123", "$2a$10$8nMJR6r7lvh9H2INtM2vtuA156dHTcQUyU.2Q2OK/7LwMd/I.HM12"},
	{"smith", "smith123", "$2a$10$E86mKigOx1NeIr7D6CJM3OQnWdaPXOjWe4OoRqDqFgNgowvJW9nAi"},
}

func TestVerifySeedBcrypt(t *testing.T) {
	h := newSmall()
	ctx := context.Background()
	for _, u := range seedUsers {
		forms := map[string]string{
			"$2a$":     u.hash,
			"$2b$":     "$2b$" + u.hash[4:],
			"$2y$":     "$2y$" + u.hash[4:],
			"{bcrypt}": "{bcrypt}" + u.hash,
		}
		for form, enc := range forms {
			t.Run(u.user+"/"+form, func(t *testing.T) {
				t.Parallel()
				ok, rehash, err := h.Verify(ctx, u.pass, enc)
				if err != nil || !ok || !rehash {
					t.Fatalf("right password: ok=%v rehash=%v err=%v, want true true nil", ok, rehash, err)
				}
				wrongs := []string{u.pass + "x"}
				if form == "$2a$" {
					wrongs = append(wrongs, "", strings.ToUpper(u.pass), u.user)
				}
				for _, wrong := range wrongs {
					ok, rehash, err := h.Verify(ctx, wrong, enc)
					if err != nil || ok || rehash {
						t.Fatalf("wrong password %q: ok=%v rehash=%v err=%v, want false false nil", wrong, ok, rehash, err)
					}
				}
			})
		}
	}
}

// Vectors of the argon2 reference implementation (phc-winner-argon2 src/test.c): an
// independent encoder, so that our PHC parsing and argon2id agree with it.
func TestVerifyReferenceVectors(t *testing.T) {
	h := newSmall()
	for _, enc := range []string{
		"$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
		"$argon2id$v=19$m=256,t=2,p=2$c29tZXNhbHQ$bQk8UB/VmZZF4Oo79iDXuL5/0ttZwg2f/5U52iv1cDc",
		"$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
		"{argon2}$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
	} {
		ok, rehash, err := h.Verify(context.Background(), "password", enc)
		if err != nil || !ok || !rehash {
			t.Errorf("%s: ok=%v rehash=%v err=%v, want true true nil", enc, ok, rehash, err)
		}
		if ok, _, err := h.Verify(context.Background(), "passwore", enc); ok || err != nil {
			t.Errorf("%s with a wrong password: ok=%v err=%v", enc, ok, err)
		}
	}
}

func TestHashRoundTrip(t *testing.T) {
	h := newSmall()
	ctx := context.Background()
	for _, pw := range []string{"correct horse battery staple", "", "пароль-密码-🔑", strings.Repeat("x", 256)} {
		enc, err := h.Hash(ctx, pw)
		if err != nil {
			t.Fatal(err)
		}
		if want := "$argon2id$v=19$m=64,t=1,p=1$"; !strings.HasPrefix(enc, want) {
			t.Fatalf("Hash = %q, want prefix %q", enc, want)
		}
		ok, rehash, err := h.Verify(ctx, pw, enc)
		if err != nil || !ok || rehash {
			t.Fatalf("Verify(own hash) = %v %v %v, want true false nil", ok, rehash, err)
		}
		if ok, _, _ := h.Verify(ctx, pw+"\x00", enc); ok {
			t.Fatal("a longer password verified")
		}
		again, _ := h.Hash(ctx, pw)
		if again == enc {
			t.Fatal("two hashes of one password are equal: the salt is not random")
		}
	}
}

// One test with the real parameters, to show they work end to end.
func TestDefaultParams(t *testing.T) {
	h := password.New(password.DefaultParams(), 0, nil)
	enc, err := h.Hash(context.Background(), "jack123")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(enc, "$argon2id$v=19$m=19456,t=2,p=1$") || len(enc) != len("$argon2id$v=19$m=19456,t=2,p=1$")+22+1+43 {
		t.Fatalf("Hash = %q", enc)
	}
	if ok, rehash, err := h.Verify(context.Background(), "jack123", enc); !ok || rehash || err != nil {
		t.Fatalf("Verify = %v %v %v", ok, rehash, err)
	}
	if err := h.DummyVerify(context.Background(), "jack123"); err != nil {
		t.Fatal(err)
	}
	if h.Capacity() < 1 || h.InFlight() != 0 || h.Waiting() != 0 {
		t.Fatalf("capacity %d, in flight %d, waiting %d", h.Capacity(), h.InFlight(), h.Waiting())
	}
}

func TestNeedsRehash(t *testing.T) {
	ctx := context.Background()
	stored, err := newSmall().Hash(ctx, "s3cret-pass")
	if err != nil {
		t.Fatal(err)
	}
	with := func(f func(*password.Params)) password.Params { p := small; f(&p); return p }
	tests := []struct {
		name   string
		hasher password.Params
		stored string
		want   bool
	}{
		{"same parameters", small, stored, false},
		{"more memory now", with(func(p *password.Params) { p.MemoryKiB = 128 }), stored, true},
		{"more passes now", with(func(p *password.Params) { p.Iterations = 2 }), stored, true},
		{"more lanes now", with(func(p *password.Params) { p.Parallelism = 2 }), stored, true},
		{"longer salt now", with(func(p *password.Params) { p.SaltLen = 32 }), stored, true},
		{"longer key now", with(func(p *password.Params) { p.KeyLen = 64 }), stored, true},
		{"weaker now", with(func(p *password.Params) { p.MemoryKiB = 32 }), stored, true},
		{"spring argon2 prefix", small, "{argon2}" + stored, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, rehash, err := password.New(tt.hasher, 1, nil).Verify(ctx, "s3cret-pass", tt.stored)
			if err != nil || !ok || rehash != tt.want {
				t.Fatalf("Verify = %v %v %v, want true %v nil", ok, rehash, err, tt.want)
			}
		})
	}
}

func TestVerifyRefusesMalformed(t *testing.T) {
	const salt, key = "c29tZXNhbHQ", "nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4"
	good := "$argon2id$v=19$m=256,t=2,p=1$" + salt + "$" + key
	jack := seedUsers[0].hash
	tests := []struct {
		name, encoded, message string
	}{
		{"empty", "", "unsupported"},
		{"plain text", "jack123", "unsupported"},
		{"unsalted sha-256", "8d969eef6ecad3c29a3a629280e686cf0c3f5d5a86aff3ca12020c923adc6c92", "unsupported"},
		{"md5 crypt", "$1$abc$def", "unsupported"},
		{"argon2i", strings.Replace(good, "argon2id", "argon2i", 1), "unsupported"},
		{"argon2d", strings.Replace(good, "argon2id", "argon2d", 1), "unsupported"},
		{"no version", strings.Replace(good, "v=19$", "", 1), "unsupported"},
		{"version 16", strings.Replace(good, "v=19", "v=16", 1), "unsupported"},
		{"version 019", strings.Replace(good, "v=19", "v=019", 1), "unsupported"},
		{"trailing field", good + "$", "malformed"},
		{"missing key", "$argon2id$v=19$m=256,t=2,p=1$" + salt, "malformed"},
		{"empty key", "$argon2id$v=19$m=256,t=2,p=1$" + salt + "$", "malformed"},
		{"empty salt", "$argon2id$v=19$m=256,t=2,p=1$$" + key, "malformed"},
		{"params out of order", strings.Replace(good, "m=256,t=2,p=1", "t=2,m=256,p=1", 1), "malformed"},
		{"params missing", strings.Replace(good, "m=256,t=2,p=1", "m=256,t=2", 1), "malformed"},
		{"params repeated", strings.Replace(good, "m=256,t=2,p=1", "m=256,t=2,p=1,p=1", 1), "malformed"},
		{"params with spaces", strings.Replace(good, "m=256,t=2,p=1", "m=256, t=2, p=1", 1), "malformed"},
		{"leading zero", strings.Replace(good, "m=256", "m=0256", 1), "malformed"},
		{"negative", strings.Replace(good, "t=2", "t=-2", 1), "malformed"},
		{"plus sign", strings.Replace(good, "t=2", "t=+2", 1), "malformed"},
		{"overflow", strings.Replace(good, "m=256", "m=99999999999", 1), "malformed"},
		{"padded salt", strings.Replace(good, salt, salt+"=", 1), "malformed"},
		{"url base64", strings.Replace(good, "i/4", "i_4", 1), "malformed"},
		{"line break in key", strings.Replace(good, "i/4", "i\n/4", 1), "malformed"},
		{"non-zero trailing bits", strings.Replace(good, "/4", "/5", 1), "malformed"},
		{"too long", good + strings.Repeat("A", 1100), "malformed"},
		{"memory above 1 GiB", strings.Replace(good, "m=256", "m=1048577", 1), "limits"},
		{"memory 4 GiB", strings.Replace(good, "m=256", "m=4294967295", 1), "limits"},
		{"memory below 8p", strings.Replace(good, "m=256,t=2,p=1", "m=8,t=2,p=2", 1), "limits"},
		{"zero memory", strings.Replace(good, "m=256", "m=0", 1), "limits"},
		{"101 passes", strings.Replace(good, "t=2", "t=101", 1), "limits"},
		{"zero passes", strings.Replace(good, "t=2", "t=0", 1), "limits"},
		{"too much work", strings.Replace(good, "m=256,t=2", "m=1048576,t=5", 1), "limits"},
		{"zero lanes", strings.Replace(good, "p=1", "p=0", 1), "limits"},
		{"255 lanes", strings.Replace(good, "m=256,t=2,p=1", "m=4096,t=2,p=255", 1), "limits"},
		{"lanes above uint8", strings.Replace(good, "m=256,t=2,p=1", "m=4096,t=2,p=256", 1), "limits"},
		{"short salt", strings.Replace(good, salt, "c29tZQ", 1), "limits"},
		{"short key", strings.Replace(good, key, "nf65EOgLrQMR", 1), "limits"},
		{"bcrypt 2x", "$2x$" + jack[4:], "unsupported"},
		{"bcrypt 2", "$2$" + jack[4:], "malformed"},
		{"bcrypt short", jack[:59], "malformed"},
		{"bcrypt long", jack + "A", "malformed"},
		{"bcrypt cost letters", "$2a$1a" + jack[6:], "malformed"},
		{"bcrypt cost 3", "$2a$03" + jack[6:], "limits"},
		{"bcrypt cost 31", "$2a$31" + jack[6:], "limits"},
		{"bcrypt cost 16", "$2a$16" + jack[6:], "limits"},
		{"bcrypt bad alphabet", jack[:20] + "+" + jack[21:], "malformed"},
		{"bcrypt missing separator", "$2a$10" + "x" + jack[7:], "malformed"},
		{"spring prefix alone", "{bcrypt}", "malformed"},
		{"spring prefix on argon2", "{bcrypt}" + good, "malformed"},
		{"spring argon2 on bcrypt", "{argon2}" + jack, "malformed"},
		{"spring noop", "{noop}jack123", "unsupported"},
		{"spring sha256", "{sha256}97cde38028ad898ebc02e690819fa220e88c62e0699403e94fff291cfffaf8410849f27605abcbc0", "unsupported"},
	}
	h := newSmall()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, rehash, err := h.Verify(context.Background(), "password", tt.encoded)
			if ok || rehash || err == nil {
				t.Fatalf("Verify = %v %v %v, want an error", ok, rehash, err)
			}
			var de *domain.Error
			if !errors.As(err, &de) || de.Code != domain.CodeInternal {
				t.Fatalf("error %v is not an internal *domain.Error", err)
			}
			if !strings.Contains(de.Message, tt.message) {
				t.Errorf("message %q does not say %q", de.Message, tt.message)
			}
			if len(tt.encoded) > 12 && strings.Contains(err.Error(), tt.encoded) {
				t.Errorf("error %q repeats the stored hash", err)
			}
		})
	}
}

func TestCancelledContext(t *testing.T) {
	h := newSmall()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := h.Hash(ctx, "pw"); domain.ErrorCode(err) != domain.CodeUnavailable {
		t.Errorf("Hash: %v, want unavailable", err)
	}
	if _, _, err := h.Verify(ctx, "jack123", seedUsers[0].hash); domain.ErrorCode(err) != domain.CodeUnavailable {
		t.Errorf("Verify: %v, want unavailable", err)
	}
	if err := h.DummyVerify(ctx, "pw"); domain.ErrorCode(err) != domain.CodeUnavailable {
		t.Errorf("DummyVerify: %v, want unavailable", err)
	}
	if !errors.Is(errors.Unwrap(errorOf(h.Hash(ctx, "pw"))), context.Canceled) {
		t.Error("the cause is not context.Canceled")
	}
}

func errorOf(_ string, err error) error { return err }

func TestInvalidParamsAndRandomness(t *testing.T) {
	h := password.New(password.Params{MemoryKiB: 1, Iterations: 0}, 1, nil)
	if _, err := h.Hash(context.Background(), "pw"); domain.ErrorCode(err) != domain.CodeInternal {
		t.Errorf("Hash with invalid params: %v, want internal", err)
	}
	if err := h.DummyVerify(context.Background(), "pw"); domain.ErrorCode(err) != domain.CodeInternal {
		t.Errorf("DummyVerify with invalid params: %v, want internal", err)
	}
	broken := password.New(small, 1, iotest.ErrReader(errors.New("entropy exhausted")))
	if _, err := broken.Hash(context.Background(), "pw"); domain.ErrorCode(err) != domain.CodeInternal {
		t.Errorf("Hash with failing randomness: %v, want internal", err)
	}
}

func TestParamsValidate(t *testing.T) {
	if err := password.DefaultParams().Validate(); err != nil {
		t.Fatalf("default params: %v", err)
	}
	err := password.Params{MemoryKiB: 2 << 20, Iterations: 0, Parallelism: 0, SaltLen: 4, KeyLen: 8}.Validate()
	var de *domain.Error
	if !errors.As(err, &de) || de.Code != domain.CodeInvalidInput {
		t.Fatalf("Validate = %v, want invalid_input", err)
	}
	got := map[string]bool{}
	for _, f := range de.Fields {
		got[f.Field] = true
	}
	for _, f := range []string{"memory_kib", "iterations", "parallelism", "salt_len", "key_len"} {
		if !got[f] {
			t.Errorf("no problem reported for %s in %v", f, de.Fields)
		}
	}
}
