package memkv

import (
	"container/heap"
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/store"
)

// queue is one named queue. Live messages sit in a heap ordered by the time they become visible
// (in milliseconds, as on Redis), then by id; buried ones move to dead.
type queue struct {
	mu    sync.Mutex
	seq   uint64
	byID  map[string]*message
	ready msgHeap
	dead  []*message
}

type message struct {
	id        string
	body      []byte
	attempts  int
	enqueued  time.Time
	lastError string
	visibleAt int64 // unix milliseconds
	index     int   // in the heap
}

func (m *message) export() store.Message {
	return store.Message{
		ID:         m.id,
		Body:       append([]byte{}, m.body...),
		Attempts:   m.attempts,
		EnqueuedAt: m.enqueued,
		LastError:  m.lastError,
	}
}

type msgHeap []*message

func (h msgHeap) Len() int { return len(h) }
func (h msgHeap) Less(i, j int) bool {
	if h[i].visibleAt != h[j].visibleAt {
		return h[i].visibleAt < h[j].visibleAt
	}
	return h[i].id < h[j].id // ids begin with a fixed-width sequence number
}
func (h msgHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index, h[j].index = i, j
}
func (h *msgHeap) Push(x any) {
	m := x.(*message)
	m.index = len(*h)
	*h = append(*h, m)
}
func (h *msgHeap) Pop() any {
	old := *h
	m := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	return m
}

var errNegDelay = domain.Errorf(domain.CodeInvalidInput, "memkv: a delay or visibility must not be negative")

// queue returns the named queue, creating it when create is set; nil when absent.
func (s *Store) queue(name string, create bool) *queue {
	s.queuesMu.RLock()
	q := s.queues[name]
	s.queuesMu.RUnlock()
	if q != nil || !create {
		return q
	}
	s.queuesMu.Lock()
	defer s.queuesMu.Unlock()
	if q = s.queues[name]; q == nil {
		q = &queue{byID: make(map[string]*message)}
		s.queues[name] = q
	}
	return q
}

// Enqueue adds a copy of body, visible after delay.
func (s *Store) Enqueue(_ context.Context, name string, body []byte, delay time.Duration) (string, error) {
	if err := s.check(0); err != nil {
		return "", err
	}
	if delay < 0 {
		return "", errNegDelay
	}
	suffix, err := s.randomHex(4)
	if err != nil {
		return "", err
	}
	q := s.queue(name, true)
	now := s.now()
	q.mu.Lock()
	defer q.mu.Unlock()
	q.seq++
	m := &message{
		id:        fmt.Sprintf("%016x%s", q.seq, suffix),
		body:      append([]byte{}, body...),
		enqueued:  time.UnixMilli(now.UnixMilli()), // milliseconds, as on Redis
		visibleAt: now.UnixMilli() + delay.Milliseconds(),
	}
	q.byID[m.id] = m
	heap.Push(&q.ready, m)
	return m.id, nil
}

// Dequeue hands out the oldest visible message and hides it for visibility.
func (s *Store) Dequeue(_ context.Context, name string, visibility time.Duration) (*store.Message, error) {
	if err := s.check(0); err != nil {
		return nil, err
	}
	if visibility < 0 {
		return nil, errNegDelay
	}
	q := s.queue(name, false)
	if q == nil {
		return nil, nil
	}
	now := s.now().UnixMilli()
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.ready) == 0 || q.ready[0].visibleAt > now {
		return nil, nil
	}
	m := q.ready[0]
	m.attempts++
	m.visibleAt = now + visibility.Milliseconds()
	heap.Fix(&q.ready, 0)
	out := m.export()
	return &out, nil
}

// Ack removes a live message; unknown and buried ids are ignored.
func (s *Store) Ack(_ context.Context, name, id string) error {
	if err := s.check(0); err != nil {
		return err
	}
	q := s.queue(name, false)
	if q == nil {
		return nil
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if m := q.byID[id]; m != nil {
		heap.Remove(&q.ready, m.index)
		delete(q.byID, id)
	}
	return nil
}

// Nack makes a live message visible again after delay and records reason.
func (s *Store) Nack(_ context.Context, name, id string, delay time.Duration, reason string) error {
	if err := s.check(0); err != nil {
		return err
	}
	if delay < 0 {
		return errNegDelay
	}
	q := s.queue(name, false)
	if q == nil {
		return domain.ErrNotFound
	}
	now := s.now().UnixMilli()
	q.mu.Lock()
	defer q.mu.Unlock()
	m := q.byID[id]
	if m == nil {
		return domain.ErrNotFound
	}
	m.lastError = reason
	m.visibleAt = now + delay.Milliseconds()
	heap.Fix(&q.ready, m.index)
	return nil
}

// Bury moves a live message to the dead letters and records reason.
func (s *Store) Bury(_ context.Context, name, id, reason string) error {
	if err := s.check(0); err != nil {
		return err
	}
	q := s.queue(name, false)
	if q == nil {
		return domain.ErrNotFound
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	m := q.byID[id]
	if m == nil {
		return domain.ErrNotFound
	}
	heap.Remove(&q.ready, m.index)
	delete(q.byID, id)
	m.lastError = reason
	q.dead = append(q.dead, m)
	return nil
}

// DeadLetters returns up to limit buried messages, oldest first.
func (s *Store) DeadLetters(_ context.Context, name string, limit int) ([]store.Message, error) {
	if err := s.check(0); err != nil {
		return nil, err
	}
	q := s.queue(name, false)
	if q == nil || limit <= 0 {
		return []store.Message{}, nil
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	out := make([]store.Message, 0, min(limit, len(q.dead)))
	for _, m := range q.dead[:min(limit, len(q.dead))] {
		out = append(out, m.export())
	}
	return out, nil
}

// Stats counts the messages of the queue.
func (s *Store) Stats(_ context.Context, name string) (store.QueueStats, error) {
	if err := s.check(0); err != nil {
		return store.QueueStats{}, err
	}
	q := s.queue(name, false)
	if q == nil {
		return store.QueueStats{}, nil
	}
	now := s.now().UnixMilli()
	q.mu.Lock()
	defer q.mu.Unlock()
	st := store.QueueStats{Dead: int64(len(q.dead))}
	for _, m := range q.ready {
		if m.visibleAt <= now {
			st.Ready++
		} else {
			st.Scheduled++
		}
	}
	return st, nil
}
