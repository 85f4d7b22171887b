package session

import (
	"testing"
	"time"
)

// benchBackends are the stores the benchmarks run against.
var benchBackends = []struct {
	name string
	kv   backend
}{
	{"memkv", memBackend},
	{"redis", redisBackend(standaloneURL)},
	{"redis-cluster", redisBackend(clusterURL)},
}

// benchManager returns a manager with one live session and its cookie.
func benchManager(b *testing.B, newKV backend) (*Manager, *Session, string) {
	m := &Manager{KV: newKV(b, time.Now), Policy: DefaultPolicy()}
	s, cookie, err := m.Create(b.Context(), NewSession{
		UserID: "u-123", Username: "jack", IP: "203.0.113.7",
		UserAgent: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/138.0 Safari/537.36",
	})
	if err != nil {
		b.Fatal(err)
	}
	for _, sys := range []string{"crm", "wiki"} {
		if err := m.Join(b.Context(), s.ID, sys); err != nil {
			b.Fatal(err)
		}
	}
	return m, s, cookie
}

// BenchmarkAuthenticate: recognising a request by its session cookie (parse, one read, decode,
// hash compare).
func BenchmarkAuthenticate(b *testing.B) {
	for _, be := range benchBackends {
		b.Run(be.name, func(b *testing.B) {
			m, _, cookie := benchManager(b, be.kv)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := m.Authenticate(b.Context(), cookie); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkGet: looking a session up by the sid claim of an access token.
func BenchmarkGet(b *testing.B) {
	for _, be := range benchBackends {
		b.Run(be.name, func(b *testing.B) {
			m, s, _ := benchManager(b, be.kv)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := m.Get(b.Context(), s.ID); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkGetParallel: the same from every core at once.
func BenchmarkGetParallel(b *testing.B) {
	for _, be := range benchBackends {
		b.Run(be.name, func(b *testing.B) {
			m, s, _ := benchManager(b, be.kv)
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := m.Get(b.Context(), s.ID); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}
