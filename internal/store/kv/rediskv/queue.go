package rediskv

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/store"
	"github.com/redis/go-redis/v9"
)

// queueKeys returns the sorted set, hash and dead-letter list of a queue; they share the hash
// tag {q:NAME} (the prefix has no braces, so it cannot move the tag).
func (s *Store) queueKeys(name string) (z, h, dead string) {
	base := s.prefix + "{q:" + name + "}"
	return base + ":z", base + ":h", base + ":dead"
}

// Enqueue adds body, visible after delay.
func (s *Store) Enqueue(ctx context.Context, queue string, body []byte, delay time.Duration) (string, error) {
	if delay < 0 {
		return "", errNegTTL
	}
	z, h, _ := s.queueKeys(queue)
	now := s.now().UnixMilli()
	id, err := enqueueScript.Run(ctx, s.c, []string{z, h}, now, now+ms(delay), randomHex(4), body).Text()
	if err != nil {
		return "", s.fail("enqueue", err)
	}
	return id, nil
}

// Dequeue hands out the oldest visible message and hides it for visibility.
func (s *Store) Dequeue(ctx context.Context, queue string, visibility time.Duration) (*store.Message, error) {
	if visibility < 0 {
		return nil, errNegTTL
	}
	z, h, _ := s.queueKeys(queue)
	now := s.now().UnixMilli()
	r, err := dequeueScript.Run(ctx, s.c, []string{z, h}, now, now+ms(visibility)).Slice()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, s.fail("dequeue", err)
	}
	m, err := message(r)
	if err != nil {
		return nil, s.fail("dequeue", err)
	}
	return &m, nil
}

// message reads {id, body, attempts, enqueued ms, last error} as the scripts return it.
func message(r []any) (store.Message, error) {
	if len(r) != 5 {
		return store.Message{}, fmt.Errorf("queue script returned %d fields, want 5", len(r))
	}
	str := func(v any) string { s, _ := v.(string); return s }
	num := func(v any) int64 {
		switch v := v.(type) {
		case int64:
			return v
		case string:
			n, _ := strconv.ParseInt(v, 10, 64)
			return n
		}
		return 0
	}
	m := store.Message{
		ID:         str(r[0]),
		Body:       []byte(str(r[1])),
		Attempts:   int(num(r[2])),
		EnqueuedAt: time.UnixMilli(num(r[3])),
		LastError:  str(r[4]),
	}
	if m.ID == "" || r[1] == nil {
		return store.Message{}, fmt.Errorf("queue message %q has lost its body", m.ID)
	}
	return m, nil
}

// Ack removes a delivered message; unknown and buried ids are ignored.
func (s *Store) Ack(ctx context.Context, queue, id string) error {
	z, h, _ := s.queueKeys(queue)
	return s.fail("ack", ackScript.Run(ctx, s.c, []string{z, h}, id).Err())
}

// Nack makes a live message visible again after delay and records reason.
func (s *Store) Nack(ctx context.Context, queue, id string, delay time.Duration, reason string) error {
	if delay < 0 {
		return errNegTTL
	}
	z, h, _ := s.queueKeys(queue)
	n, err := nackScript.Run(ctx, s.c, []string{z, h}, id, s.now().UnixMilli()+ms(delay), reason).Int()
	if err == nil && n == 0 {
		return domain.ErrNotFound
	}
	return s.fail("nack", err)
}

// Bury moves a live message to the dead letters and records reason.
func (s *Store) Bury(ctx context.Context, queue, id, reason string) error {
	z, h, dead := s.queueKeys(queue)
	n, err := buryScript.Run(ctx, s.c, []string{z, h, dead}, id, reason).Int()
	if err == nil && n == 0 {
		return domain.ErrNotFound
	}
	return s.fail("bury", err)
}

// DeadLetters returns up to limit buried messages, oldest first.
func (s *Store) DeadLetters(ctx context.Context, queue string, limit int) ([]store.Message, error) {
	if limit <= 0 {
		return []store.Message{}, nil
	}
	_, h, dead := s.queueKeys(queue)
	r, err := deadScript.Run(ctx, s.c, []string{h, dead}, limit).Slice()
	if err != nil {
		return nil, s.fail("deadletters", err)
	}
	out := make([]store.Message, 0, len(r)/5)
	for i := 0; i+5 <= len(r); i += 5 {
		m, err := message(r[i : i+5])
		if err != nil {
			return nil, s.fail("deadletters", err)
		}
		out = append(out, m)
	}
	return out, nil
}

// Stats counts the messages of the queue.
func (s *Store) Stats(ctx context.Context, queue string) (store.QueueStats, error) {
	z, _, dead := s.queueKeys(queue)
	r, err := statsScript.Run(ctx, s.c, []string{z, dead}, s.now().UnixMilli()).Int64Slice()
	if err != nil {
		return store.QueueStats{}, s.fail("stats", err)
	}
	if len(r) != 3 {
		return store.QueueStats{}, s.fail("stats", fmt.Errorf("stats script returned %d numbers", len(r)))
	}
	return store.QueueStats{Ready: r[0], Scheduled: r[1], Dead: r[2]}, nil
}
