package token

import (
	"context"
	"crypto/ed25519"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/keys"
	"github.com/gatehouse/gatehouse/internal/testenv"
)

// go test -run '^$' -bench . -benchmem ./internal/token
//
// Verify/cold has the cache off: every call parses and checks the signature. Verify/warm
// verifies one token over and over: a cache hit. Ed25519Baseline is the bare signature check
// of the same size of message, in the same run, for comparison.

func BenchmarkVerify(b *testing.B) {
	ctx := context.Background()
	for _, bc := range []struct {
		name  string
		alg   string
		cache int
	}{
		{"cold/EdDSA", keys.EdDSA, -1},
		{"cold/ES256", keys.ES256, -1},
		{"warm/EdDSA", keys.EdDSA, 0},
	} {
		a, _, _, _ := newAccess(b, bc.alg)
		a.CacheSize = bc.cache
		a.TTL = 24 * time.Hour
		tok, _ := mustIssue(b, a)
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := a.Verify(ctx, tok, "gatehouse"); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(bc.name+"/parallel", func(b *testing.B) {
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := a.Verify(ctx, tok, "gatehouse"); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}

func BenchmarkEd25519Baseline(b *testing.B) {
	pub, priv, _ := ed25519.GenerateKey(nil)
	msg := make([]byte, 300) // about the signing input of an access token
	sig := ed25519.Sign(priv, msg)
	for b.Loop() {
		if !ed25519.Verify(pub, msg, sig) {
			b.Fatal("bad signature")
		}
	}
}

func BenchmarkIssue(b *testing.B) {
	ctx := context.Background()
	for _, alg := range []string{keys.EdDSA, keys.ES256} {
		a, _, _, _ := newAccess(b, alg)
		b.Run(alg, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := a.Issue(ctx, "u-1", "jack", "sid-1", []string{"gatehouse", "sys-a"}, []string{"EDITOR"}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkRotate rotates refresh tokens from parallel clients, each with a family of its own,
// and reports rotations per second. Against Redis each rotation is one GET and one script.
func BenchmarkRotate(b *testing.B) {
	for _, bc := range []struct {
		name string
		open func(b *testing.B) RefreshKV
	}{
		{"memkv", func(b *testing.B) RefreshKV { return openMemB(b) }},
		{"redis", func(b *testing.B) RefreshKV { return openRedisB(b, testenv.RedisURL(b)) }},
		{"redis-cluster", func(b *testing.B) RefreshKV { return openRedisB(b, clusterURL(b)) }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			ctx := context.Background()
			r := &Refresh{KV: bc.open(b), Sealer: newSealer(b), TTL: time.Hour}
			b.SetParallelism(8) // a server has many requests in flight per core
			start := time.Now()
			b.RunParallel(func(pb *testing.PB) {
				sid := testenv.Unique("bench")
				tok, _, err := r.Issue(ctx, Binding{SessionID: sid, UserID: "u", UserAgent: ua})
				if err != nil {
					b.Error(err)
					return
				}
				defer r.RevokeSession(ctx, sid)
				for pb.Next() {
					if tok, _, err = r.Rotate(ctx, tok, ua, ""); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "rotations/s")
		})
	}
}
