package memkv

import (
	"errors"
	"github.com/gatehouse/gatehouse/internal/testenv"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/store"
	"github.com/gatehouse/gatehouse/internal/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.RunKV(t, func(t *testing.T) store.KV {
		s := New(Options{})
		t.Cleanup(func() { s.Close() })
		return s
	})
}

func BenchmarkMemKV(b *testing.B) {
	s := New(Options{})
	defer s.Close()
	storetest.BenchKV(b, s)
}

// clock is the shared settable test clock.
type clock = testenv.Clock

// zeros is an endless source of zero bytes: predictable "entropy".
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

func newClocked(t *testing.T) (*Store, *clock) {
	c := testenv.NewClock(time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC))
	s := New(Options{Now: c.Now, Rand: zeros{}})
	t.Cleanup(func() { s.Close() })
	return s, c
}

func TestExpiryFollowsTheInjectedClock(t *testing.T) {
	s, c := newClocked(t)
	ctx := t.Context()
	if err := s.Set(ctx, "k", []byte("v"), time.Minute); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Incr(ctx, "n", 1, time.Minute); err != nil {
		t.Fatal(err)
	}
	if err := s.SetAdd(ctx, "s", time.Minute, "a"); err != nil {
		t.Fatal(err)
	}
	c.Add(59 * time.Second)
	if ttl, err := s.TTL(ctx, "k"); err != nil || ttl != time.Second {
		t.Fatalf("TTL = %v, %v; want 1s", ttl, err)
	}
	if _, err := s.Get(ctx, "k"); err != nil {
		t.Fatalf("Get before expiry: %v", err)
	}
	c.Add(time.Second)
	if _, err := s.Get(ctx, "k"); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("Get at expiry: %v, want ErrNotFound", err)
	}
	if n, err := s.Count(ctx, "n"); err != nil || n != 0 {
		t.Fatalf("Count at expiry = %d, %v", n, err)
	}
	if m, err := s.SetMembers(ctx, "s"); err != nil || len(m) != 0 {
		t.Fatalf("SetMembers at expiry = %v, %v", m, err)
	}
}

func TestSweepDeletesExpiredKeys(t *testing.T) {
	s, c := newClocked(t)
	ctx := t.Context()
	for _, k := range []string{"a", "b", "c"} {
		if err := s.Set(ctx, k, []byte("v"), time.Minute); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Set(ctx, "forever", []byte("v"), 0); err != nil {
		t.Fatal(err)
	}
	c.Add(time.Hour)
	s.sweep()
	n := 0
	for i := range s.shards {
		n += len(s.shards[i].m)
	}
	if n != 1 {
		t.Fatalf("%d keys left after the sweep, want 1", n)
	}
}

func TestQueueFollowsTheInjectedClock(t *testing.T) {
	s, c := newClocked(t)
	ctx := t.Context()
	id, err := s.Enqueue(ctx, "q", []byte("job"), time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if id != "0000000000000001"+"00000000" {
		t.Fatalf("id = %q, want the sequence number then the random part", id)
	}
	if m, _ := s.Dequeue(ctx, "q", time.Minute); m != nil {
		t.Fatalf("delayed message handed out early: %+v", m)
	}
	c.Add(time.Minute)
	m, err := s.Dequeue(ctx, "q", 30*time.Second)
	if err != nil || m == nil || m.Attempts != 1 || !m.EnqueuedAt.Equal(time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)) {
		t.Fatalf("Dequeue = %+v, %v", m, err)
	}
	c.Add(30*time.Second - time.Millisecond)
	if m, _ := s.Dequeue(ctx, "q", time.Minute); m != nil {
		t.Fatalf("message reappeared before its visibility timeout: %+v", m)
	}
	c.Add(time.Millisecond)
	if m, err := s.Dequeue(ctx, "q", time.Minute); err != nil || m == nil || m.Attempts != 2 {
		t.Fatalf("Dequeue after the visibility timeout = %+v, %v", m, err)
	}
	st, _ := s.Stats(ctx, "q")
	if st != (store.QueueStats{Scheduled: 1}) {
		t.Fatalf("Stats = %+v", st)
	}
}

func TestWindowKeyExpiresOnTheInjectedClock(t *testing.T) {
	s, c := newClocked(t)
	ctx := t.Context()
	if _, err := s.Hit(ctx, "w", c.Now(), time.Minute); err != nil {
		t.Fatal(err)
	}
	c.Add(time.Minute)
	if _, err := s.TTL(ctx, "w"); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("TTL of the window key after the window: %v, want ErrNotFound", err)
	}
	if _, err := s.Hit(ctx, "w", c.Now(), 0); !errors.Is(err, domain.ErrInvalid) {
		t.Fatalf("Hit with a zero window: %v, want invalid input", err)
	}
}

func TestWrongKind(t *testing.T) {
	s, _ := newClocked(t)
	ctx := t.Context()
	if err := s.SetAdd(ctx, "set", 0, "a"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, "set"); err == nil || errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("Get of a set: %v, want a wrong-kind error", err)
	}
	if _, err := s.Incr(ctx, "set", 1, 0); err == nil {
		t.Fatal("Incr of a set: want an error")
	}
	if err := s.Set(ctx, "str", []byte("x"), 0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Incr(ctx, "str", 1, 0); err == nil {
		t.Fatal("Incr of a non-integer: want an error")
	}
}

func TestClose(t *testing.T) {
	s := New(Options{})
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if err := s.Ping(t.Context()); domain.ErrorCode(err) != domain.CodeUnavailable {
		t.Fatalf("Ping after Close: %v, want unavailable", err)
	}
	if _, err := s.Get(t.Context(), "k"); domain.ErrorCode(err) != domain.CodeUnavailable {
		t.Fatalf("Get after Close: %v, want unavailable", err)
	}
}
