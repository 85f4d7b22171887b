package throttle

import (
	"context"
	"fmt"
	"testing"

	"github.com/gatehouse/gatehouse/internal/store/kv/memkv"
	"github.com/prometheus/client_golang/prometheus"
)

func benchThrottle(b *testing.B) *Throttle {
	kv := memkv.New(memkv.Options{})
	b.Cleanup(func() { kv.Close() })
	return &Throttle{KV: kv, Limits: DefaultLimits(), Metrics: NewMetrics(prometheus.NewRegistry())}
}

// names gives 4096 users and 256 IPs, so that windows stay realistic rather than saturated.
func names() (users, ips []string) {
	for i := range 4096 {
		users = append(users, fmt.Sprintf("user%04d", i))
	}
	for i := range 256 {
		ips = append(ips, fmt.Sprintf("198.51.%d.%d", i/16, i))
	}
	return users, ips
}

func BenchmarkCheck(b *testing.B) {
	th := benchThrottle(b)
	ctx := context.Background()
	users, ips := names()
	for i := range 1000 { // some history to read
		if _, err := th.Fail(ctx, users[i%len(users)], ips[i%len(ips)]); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := th.Check(ctx, users[i%len(users)], ips[i%len(ips)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

func BenchmarkFail(b *testing.B) {
	th := benchThrottle(b)
	ctx := context.Background()
	users, ips := names()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := th.Fail(ctx, users[i%len(users)], ips[(i/7)%len(ips)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

func BenchmarkCheckParallel(b *testing.B) {
	th := benchThrottle(b)
	ctx := context.Background()
	users, ips := names()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			if _, err := th.Check(ctx, users[i%len(users)], ips[i%len(ips)]); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
}
