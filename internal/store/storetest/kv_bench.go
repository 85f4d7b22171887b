package storetest

import (
	"strconv"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/store"
)

// BenchKV measures the operations on the hot paths of Gatehouse against kv, one call at a time
// (latency, not throughput), plus GetParallel for contention. kv should be empty; the keys it
// writes are left for its owner to clean up.
func BenchKV(b *testing.B, kv store.KV) {
	value := []byte(`{"sub":"u-123","sid":"s-456","amr":["pwd"],"exp":1767225600}`)
	b.Run("Get", func(b *testing.B) {
		ctx := b.Context()
		if err := kv.Set(ctx, "bench:get", value, 0); err != nil {
			b.Fatal(err)
		}
		b.ResetTimer()
		for range b.N {
			if _, err := kv.Get(ctx, "bench:get"); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("GetParallel", func(b *testing.B) {
		ctx := b.Context()
		for i := range 64 {
			if err := kv.Set(ctx, "bench:getp:"+strconv.Itoa(i), value, 0); err != nil {
				b.Fatal(err)
			}
		}
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			i := 0
			for pb.Next() {
				if _, err := kv.Get(ctx, "bench:getp:"+strconv.Itoa(i&63)); err != nil {
					b.Error(err)
					return
				}
				i++
			}
		})
	})
	b.Run("Set", func(b *testing.B) {
		ctx := b.Context()
		for i := range b.N {
			if err := kv.Set(ctx, "bench:set:"+strconv.Itoa(i&1023), value, time.Minute); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("GetDel", func(b *testing.B) {
		ctx := b.Context()
		// Fill keys in batches outside the timer, so that memory stays small at any b.N.
		for done := 0; done < b.N; {
			batch := min(b.N-done, 1024)
			b.StopTimer()
			for i := range batch {
				if err := kv.Set(ctx, "bench:getdel:"+strconv.Itoa(i), value, time.Minute); err != nil {
					b.Fatal(err)
				}
			}
			b.StartTimer()
			for i := range batch {
				if _, err := kv.GetDel(ctx, "bench:getdel:"+strconv.Itoa(i)); err != nil {
					b.Fatal(err)
				}
			}
			done += batch
		}
	})
	b.Run("Incr", func(b *testing.B) {
		ctx := b.Context()
		for range b.N {
			if _, err := kv.Incr(ctx, "bench:incr", 1, time.Minute); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Txn", func(b *testing.B) {
		ctx := b.Context()
		if err := kv.Set(ctx, "sess:{bench}", value, time.Minute); err != nil {
			b.Fatal(err)
		}
		conds := []store.Cond{{Kind: store.CondPresent, Key: "sess:{bench}"}}
		ops := []store.Op{
			{Kind: store.OpPut, Key: "rt:{bench}:f", Value: value, TTL: time.Minute},
			{Kind: store.OpExpire, Key: "sess:{bench}", TTL: time.Minute},
		}
		b.ResetTimer()
		for range b.N {
			if ok, err := kv.Txn(ctx, conds, ops); err != nil || !ok {
				b.Fatal(ok, err)
			}
		}
	})
	b.Run("EnqueueDequeueAck", func(b *testing.B) {
		ctx := b.Context()
		for range b.N {
			if _, err := kv.Enqueue(ctx, "bench", value, 0); err != nil {
				b.Fatal(err)
			}
			m, err := kv.Dequeue(ctx, "bench", time.Minute)
			if err != nil || m == nil {
				b.Fatal(m, err)
			}
			if err := kv.Ack(ctx, "bench", m.ID); err != nil {
				b.Fatal(err)
			}
		}
	})
}
