package kvmetrics_test

import (
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/store"
	"github.com/gatehouse/gatehouse/internal/store/kv/kvmetrics"
	"github.com/gatehouse/gatehouse/internal/store/kv/memkv"
	"github.com/gatehouse/gatehouse/internal/store/storetest"
	"github.com/prometheus/client_golang/prometheus"
)

// TestConformance: the decorator changes nothing that the suite can see.
func TestConformance(t *testing.T) {
	reg := prometheus.NewRegistry()
	storetest.RunKV(t, func(t *testing.T) store.KV {
		kv := kvmetrics.Wrap(memkv.New(memkv.Options{}), "memory", reg)
		t.Cleanup(func() { kv.Close() })
		return kv
	})
}

// sample returns the sample count of the histogram, or the value of the counter, named name
// with labels backend and op.
func sample(t *testing.T, reg *prometheus.Registry, name, backend, op string) float64 {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		for _, m := range f.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if labels["backend"] != backend || labels["op"] != op {
				continue
			}
			if h := m.GetHistogram(); h != nil {
				return float64(h.GetSampleCount())
			}
			return m.GetCounter().GetValue()
		}
	}
	return 0
}

func TestRecords(t *testing.T) {
	reg := prometheus.NewRegistry()
	mem := memkv.New(memkv.Options{})
	defer mem.Close()
	kv := kvmetrics.Wrap(mem, "memory", reg)
	other := kvmetrics.Wrap(mem, "other", reg) // a second store shares the registered metrics
	ctx := t.Context()

	_, _ = kv.Get(ctx, "absent") // an answer, not a failure
	_ = kv.Set(ctx, "k", []byte("not a number"), time.Minute)
	_, _ = kv.Incr(ctx, "k", 1, 0) // fails: not an integer
	_, _ = other.Get(ctx, "k")

	for _, c := range []struct {
		name, backend, op string
		want              float64
	}{
		{"gatehouse_kv_op_duration_seconds", "memory", "get", 1},
		{"gatehouse_kv_op_duration_seconds", "memory", "set", 1},
		{"gatehouse_kv_op_duration_seconds", "memory", "incr", 1},
		{"gatehouse_kv_op_duration_seconds", "other", "get", 1},
		{"gatehouse_kv_op_errors_total", "memory", "get", 0},
		{"gatehouse_kv_op_errors_total", "memory", "incr", 1},
	} {
		if got := sample(t, reg, c.name, c.backend, c.op); got != c.want {
			t.Errorf("%s{backend=%q,op=%q} = %v, want %v", c.name, c.backend, c.op, got, c.want)
		}
	}
}

func TestNilRegistry(t *testing.T) {
	mem := memkv.New(memkv.Options{})
	defer mem.Close()
	kv := kvmetrics.Wrap(mem, "memory", nil)
	if err := kv.Ping(t.Context()); err != nil {
		t.Fatal(err)
	}
}

func BenchmarkMeteredMemKV(b *testing.B) {
	mem := memkv.New(memkv.Options{})
	defer mem.Close()
	storetest.BenchKV(b, kvmetrics.Wrap(mem, "memory", prometheus.NewRegistry()))
}
