package storetest

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/store"
)

// kvEnqueue enqueues body and returns the id.
func kvEnqueue(t *testing.T, kv store.KV, queue, body string, delay time.Duration) string {
	t.Helper()
	id, err := kv.Enqueue(t.Context(), queue, []byte(body), delay)
	if err != nil || id == "" {
		t.Fatalf("Enqueue(%q) = %q, %v", body, id, err)
	}
	return id
}

// kvDequeue dequeues and fails unless it gets the message id with body and attempts.
func kvDequeue(t *testing.T, kv store.KV, queue string, vis time.Duration, id, body string, attempts int) *store.Message {
	t.Helper()
	m, err := kv.Dequeue(t.Context(), queue, vis)
	switch {
	case err != nil:
		t.Fatalf("Dequeue: %v", err)
	case m == nil:
		t.Fatalf("Dequeue = nil, want %q (%s)", id, body)
	case m.ID != id || string(m.Body) != body || m.Attempts != attempts:
		t.Fatalf("Dequeue = %q (%s) attempt %d, want %q (%s) attempt %d", m.ID, m.Body, m.Attempts, id, body, attempts)
	}
	return m
}

// kvDequeueNone fails unless no message is visible.
func kvDequeueNone(t *testing.T, kv store.KV, queue string) {
	t.Helper()
	m, err := kv.Dequeue(t.Context(), queue, kvLong)
	if err != nil || m != nil {
		t.Fatalf("Dequeue = %+v, %v; want nil, nil", m, err)
	}
}

func kvStatsAre(t *testing.T, kv store.KV, queue string, want store.QueueStats) {
	t.Helper()
	got, err := kv.Stats(t.Context(), queue)
	if err != nil || got != want {
		t.Fatalf("Stats = %+v, %v; want %+v", got, err, want)
	}
}

func kvTestQueueEmpty(t *testing.T, kv store.KV) {
	kvDequeueNone(t, kv, "q")
	kvStatsAre(t, kv, "q", store.QueueStats{})
	dead, err := kv.DeadLetters(t.Context(), "q", 10)
	if err != nil || len(dead) != 0 {
		t.Fatalf("DeadLetters = %v, %v; want none", dead, err)
	}
	kvNoErr(t, "Ack(unknown)", kv.Ack(t.Context(), "q", "nope"))
}

func kvTestQueueFIFO(t *testing.T, kv store.KV) {
	before := time.Now().Truncate(time.Millisecond)
	var ids []string
	for i := range 5 {
		ids = append(ids, kvEnqueue(t, kv, "q", fmt.Sprintf("m%d", i), 0))
	}
	after := time.Now()
	kvEnqueue(t, kv, "other", "elsewhere", 0)
	kvStatsAre(t, kv, "q", store.QueueStats{Ready: 5})
	for i, id := range ids {
		m := kvDequeue(t, kv, "q", kvLong, id, fmt.Sprintf("m%d", i), 1)
		if m.EnqueuedAt.Before(before) || m.EnqueuedAt.After(after) || m.LastError != "" {
			t.Fatalf("message %d: enqueued at %v (want in [%v, %v]), last error %q", i, m.EnqueuedAt, before, after, m.LastError)
		}
	}
	kvDequeueNone(t, kv, "q")
	kvStatsAre(t, kv, "q", store.QueueStats{Scheduled: 5})
	kvStatsAre(t, kv, "other", store.QueueStats{Ready: 1})
}

func kvTestQueueDelay(t *testing.T, kv store.KV) {
	kvEnqueue(t, kv, "q", "later", kvLong)
	kvDequeueNone(t, kv, "q")
	kvStatsAre(t, kv, "q", store.QueueStats{Scheduled: 1})
	soon := kvEnqueue(t, kv, "q", "soon", kvShort)
	now := kvEnqueue(t, kv, "q", "now", 0)
	kvDequeue(t, kv, "q", kvLong, now, "now", 1)
	time.Sleep(kvWait)
	kvDequeue(t, kv, "q", kvLong, soon, "soon", 1)
	kvDequeueNone(t, kv, "q")
}

// kvTestQueueVisibility: a message that is not acknowledged within its visibility timeout
// reappears, with its attempt counted.
func kvTestQueueVisibility(t *testing.T, kv store.KV) {
	id := kvEnqueue(t, kv, "q", "job", 0)
	kvDequeue(t, kv, "q", kvShort, id, "job", 1)
	time.Sleep(kvWait)
	kvStatsAre(t, kv, "q", store.QueueStats{Ready: 1})
	kvDequeue(t, kv, "q", kvLong, id, "job", 2)
	kvDequeueNone(t, kv, "q")
	kvStatsAre(t, kv, "q", store.QueueStats{Scheduled: 1})
}

func kvTestQueueAck(t *testing.T, kv store.KV) {
	ctx := t.Context()
	a := kvEnqueue(t, kv, "q", "a", 0)
	b := kvEnqueue(t, kv, "q", "b", 0)
	kvDequeue(t, kv, "q", kvShort, a, "a", 1)
	kvNoErr(t, "Ack", kv.Ack(ctx, "q", a))
	kvNoErr(t, "Ack again", kv.Ack(ctx, "q", a))
	kvNoErr(t, "Ack(unknown)", kv.Ack(ctx, "q", "nope"))
	kvStatsAre(t, kv, "q", store.QueueStats{Ready: 1})
	time.Sleep(kvWait) // a would have reappeared by now had it not been acknowledged
	kvDequeue(t, kv, "q", kvLong, b, "b", 1)
	kvDequeueNone(t, kv, "q")
	kvNoErr(t, "Ack undelivered", kv.Ack(ctx, "q", b))
	kvStatsAre(t, kv, "q", store.QueueStats{})
}

func kvTestQueueNack(t *testing.T, kv store.KV) {
	ctx := t.Context()
	id := kvEnqueue(t, kv, "q", "job", 0)
	kvDequeue(t, kv, "q", kvLong, id, "job", 1)
	kvNoErr(t, "Nack", kv.Nack(ctx, "q", id, kvShort, "smtp down"))
	time.Sleep(kvWait)
	m := kvDequeue(t, kv, "q", kvLong, id, "job", 2)
	if m.LastError != "smtp down" {
		t.Fatalf("LastError = %q, want %q", m.LastError, "smtp down")
	}
	kvNoErr(t, "Nack now", kv.Nack(ctx, "q", id, 0, "again"))
	m = kvDequeue(t, kv, "q", kvLong, id, "job", 3)
	if m.LastError != "again" {
		t.Fatalf("LastError = %q, want %q", m.LastError, "again")
	}
	kvNoErr(t, "Nack later", kv.Nack(ctx, "q", id, kvLong, "later"))
	kvDequeueNone(t, kv, "q")
	kvStatsAre(t, kv, "q", store.QueueStats{Scheduled: 1})
	kvNotFound(t, "Nack(unknown)", kv.Nack(ctx, "q", "nope", 0, "x"))
}

func kvTestQueueBury(t *testing.T, kv store.KV) {
	ctx := t.Context()
	var ids []string
	for i := range 3 {
		ids = append(ids, kvEnqueue(t, kv, "q", fmt.Sprintf("m%d", i), 0))
	}
	kvDequeue(t, kv, "q", kvLong, ids[0], "m0", 1)
	kvNoErr(t, "Bury", kv.Bury(ctx, "q", ids[0], "poison"))
	kvNoErr(t, "Bury undelivered", kv.Bury(ctx, "q", ids[2], "cancelled"))
	kvNotFound(t, "Bury again", kv.Bury(ctx, "q", ids[0], "twice"))
	kvNotFound(t, "Bury(unknown)", kv.Bury(ctx, "q", "nope", "x"))
	kvNoErr(t, "Ack of a buried message", kv.Ack(ctx, "q", ids[0]))
	kvStatsAre(t, kv, "q", store.QueueStats{Ready: 1, Dead: 2})
	kvDequeue(t, kv, "q", kvLong, ids[1], "m1", 1)
	kvDequeueNone(t, kv, "q")

	dead, err := kv.DeadLetters(ctx, "q", 10)
	kvNoErr(t, "DeadLetters", err)
	if len(dead) != 2 {
		t.Fatalf("DeadLetters = %+v, want 2", dead)
	}
	for i, want := range []struct {
		id, body, reason string
		attempts         int
	}{{ids[0], "m0", "poison", 1}, {ids[2], "m2", "cancelled", 0}} {
		d := dead[i]
		if d.ID != want.id || string(d.Body) != want.body || d.LastError != want.reason || d.Attempts != want.attempts {
			t.Fatalf("dead letter %d = %+v, want %s (%s) %q attempts %d", i, d, want.id, want.body, want.reason, want.attempts)
		}
		if d.EnqueuedAt.IsZero() {
			t.Fatalf("dead letter %d has no EnqueuedAt", i)
		}
	}
	dead, err = kv.DeadLetters(ctx, "q", 1)
	if err != nil || len(dead) != 1 || dead[0].ID != ids[0] {
		t.Fatalf("DeadLetters(limit 1) = %+v, %v; want the oldest", dead, err)
	}
}

// kvTestQueueConcurrent: 20 consumers share 100 messages; none is handed out twice within its
// visibility timeout and every one is delivered.
func kvTestQueueConcurrent(t *testing.T, kv store.KV) {
	ctx := t.Context()
	const messages, consumers = 100, 20
	want := make(map[string]bool, messages)
	for i := range messages {
		want[kvEnqueue(t, kv, "q", fmt.Sprintf("m%d", i), 0)] = true
	}
	var mu sync.Mutex
	got := make(map[string]int, messages)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for range consumers {
		wg.Go(func() {
			<-start
			for {
				m, err := kv.Dequeue(ctx, "q", kvLong)
				if err != nil {
					t.Errorf("Dequeue: %v", err)
					return
				}
				if m == nil {
					return
				}
				mu.Lock()
				got[m.ID]++
				mu.Unlock()
				if err := kv.Ack(ctx, "q", m.ID); err != nil {
					t.Errorf("Ack: %v", err)
					return
				}
			}
		})
	}
	close(start)
	wg.Wait()
	for id, n := range got {
		if n != 1 || !want[id] {
			t.Errorf("message %q delivered %d times (known: %v)", id, n, want[id])
		}
	}
	if len(got) != messages {
		t.Errorf("%d of %d messages delivered", len(got), messages)
	}
	kvStatsAre(t, kv, "q", store.QueueStats{})
}
