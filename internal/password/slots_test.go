package password

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/gatehouse/gatehouse/internal/domain"
)

var tiny = Params{MemoryKiB: 256, Iterations: 2, Parallelism: 1, SaltLen: 16, KeyLen: 32}

// TestSlotsBoundConcurrency runs 16 goroutines through a Hasher bounded to 2 and records, from
// inside the slot, how many hashes run at once. The first one in waits until a second has
// joined, so the test also shows that the bound is reached, not merely respected.
func TestSlotsBoundConcurrency(t *testing.T) {
	const bound, workers = 2, 16
	h := New(tiny, bound, nil)
	var cur, peak atomic.Int64
	both := make(chan struct{})
	var bothOnce sync.Once
	var first atomic.Bool
	h.observe = func(delta int) {
		n := cur.Add(int64(delta))
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		if n == bound {
			bothOnce.Do(func() { close(both) })
		}
		if delta > 0 && first.CompareAndSwap(false, true) {
			<-both
		}
	}
	stored, err := New(tiny, 1, nil).Hash(context.Background(), "pw")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for i := range workers {
		wg.Go(func() {
			var err error
			switch i % 3 {
			case 0:
				_, err = h.Hash(context.Background(), "pw")
			case 1:
				_, _, err = h.Verify(context.Background(), "pw", stored)
			default:
				err = h.DummyVerify(context.Background(), "pw")
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if got := peak.Load(); got != bound {
		t.Fatalf("at most %d hashes ran at once, want exactly the bound %d", got, bound)
	}
	if h.InFlight() != 0 || h.Waiting() != 0 {
		t.Fatalf("after the run: %d in flight, %d waiting", h.InFlight(), h.Waiting())
	}
}

// TestSlotsWaitHonoursContext fills every slot, then shows that a caller waits (Waiting
// counts it) and gives up with an unavailable error when its context ends.
func TestSlotsWaitHonoursContext(t *testing.T) {
	h := New(tiny, 1, nil)
	entered, release := make(chan struct{}), make(chan struct{})
	h.observe = func(delta int) {
		if delta > 0 {
			close(entered)
			<-release
		}
	}
	holder := make(chan error, 1)
	go func() { _, err := h.Hash(context.Background(), "held"); holder <- err }()
	<-entered
	if h.InFlight() != 1 {
		t.Fatalf("InFlight = %d, want 1", h.InFlight())
	}

	ctx, cancel := context.WithCancel(context.Background())
	waiter := make(chan error, 1)
	go func() {
		_, _, err := h.Verify(ctx, "pw", "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4")
		waiter <- err
	}()
	for h.Waiting() != 1 {
		runtime.Gosched()
	}
	cancel()
	if err := <-waiter; domain.ErrorCode(err) != domain.CodeUnavailable {
		t.Fatalf("waiting Verify: %v, want unavailable", err)
	}
	if h.Waiting() != 0 {
		t.Fatalf("Waiting = %d after the cancel, want 0", h.Waiting())
	}
	close(release)
	if err := <-holder; err != nil {
		t.Fatal(err)
	}
	if h.InFlight() != 0 {
		t.Fatalf("InFlight = %d, want 0", h.InFlight())
	}
}
