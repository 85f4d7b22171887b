package rediskv

import (
	"context"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/store"
	"github.com/gatehouse/gatehouse/internal/testenv"
)

// clock is the shared settable test clock.
type clock = testenv.Clock

// TestQueueFollowsTheInjectedClock: queue visibility is decided by Options.Now, passed to the
// scripts, not by the server's clock; an hour passes without anybody waiting for it.
func TestQueueFollowsTheInjectedClock(t *testing.T) {
	start := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	c := testenv.NewClock(start)
	s, err := Open(t.Context(), standaloneURL(t), Options{Prefix: testenv.Unique("t") + ":", Now: c.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.deleteAll(context.Background()); err != nil {
			t.Error(err)
		}
		s.Close()
	})
	ctx := t.Context()
	id, err := s.Enqueue(ctx, "q", []byte("job"), time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if m, err := s.Dequeue(ctx, "q", time.Minute); m != nil || err != nil {
		t.Fatalf("delayed message handed out early: %+v, %v", m, err)
	}
	c.Add(time.Hour)
	m, err := s.Dequeue(ctx, "q", 30*time.Second)
	if err != nil || m == nil || m.ID != id || m.Attempts != 1 || !m.EnqueuedAt.Equal(start) {
		t.Fatalf("Dequeue after the delay = %+v, %v", m, err)
	}
	c.Add(30*time.Second - time.Millisecond)
	if st, _ := s.Stats(ctx, "q"); st != (store.QueueStats{Scheduled: 1}) {
		t.Fatalf("Stats before the visibility timeout = %+v", st)
	}
	c.Add(time.Millisecond)
	if m, err := s.Dequeue(ctx, "q", time.Minute); err != nil || m == nil || m.Attempts != 2 {
		t.Fatalf("Dequeue after the visibility timeout = %+v, %v", m, err)
	}
}
