package password_test

import (
	"context"
	"testing"

	"golang.org/x/crypto/argon2"

	"github.com/gatehouse/gatehouse/internal/password"
)

// The baseline of the same run: argon2.IDKey alone, without salt, encoding or semaphore.
func BenchmarkArgon2idRawIDKey(b *testing.B) {
	p := password.DefaultParams()
	salt := make([]byte, p.SaltLen)
	b.ReportAllocs()
	for b.Loop() {
		argon2.IDKey([]byte("correct horse battery staple"), salt, p.Iterations, p.MemoryKiB, p.Parallelism, p.KeyLen)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "hashes/s")
}

// The hash bound of the login path: one argon2id hash with the default (OWASP) parameters.
// hashes/s is per goroutine; the Hasher's semaphore bounds how many run at once.
func BenchmarkArgon2idDefault(b *testing.B) {
	h := password.New(password.DefaultParams(), 0, nil)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := h.Hash(ctx, "correct horse battery staple"); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "hashes/s")
}

func BenchmarkArgon2idVerify(b *testing.B) {
	h := password.New(password.DefaultParams(), 0, nil)
	ctx := context.Background()
	stored, err := h.Hash(ctx, "correct horse battery staple")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if ok, _, err := h.Verify(ctx, "correct horse battery staple", stored); !ok || err != nil {
			b.Fatal(ok, err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "hashes/s")
}

// The cost of signing in an imported Spring Security user before the re-hash.
func BenchmarkBcryptCost10Verify(b *testing.B) {
	h := password.New(password.DefaultParams(), 0, nil)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if ok, _, err := h.Verify(ctx, "jack123", seedUsers[0].hash); !ok || err != nil {
			b.Fatal(ok, err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "hashes/s")
}

// DummyVerify must cost what BenchmarkArgon2idVerify costs.
func BenchmarkDummyVerify(b *testing.B) {
	h := password.New(password.DefaultParams(), 0, nil)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if err := h.DummyVerify(ctx, "correct horse battery staple"); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "hashes/s")
}

// The throughput of the Hasher on every core at once (bound = NumCPU).
func BenchmarkArgon2idVerifyParallel(b *testing.B) {
	h := password.New(password.DefaultParams(), 0, nil)
	ctx := context.Background()
	stored, err := h.Hash(ctx, "correct horse battery staple")
	if err != nil {
		b.Fatal(err)
	}
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if ok, _, err := h.Verify(ctx, "correct horse battery staple", stored); !ok || err != nil {
				b.Error(ok, err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "hashes/s")
}
