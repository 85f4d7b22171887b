package kvmetrics

import (
	"context"
	"time"

	"github.com/gatehouse/gatehouse/internal/store"
)

func (m *metered) Enqueue(ctx context.Context, queue string, body []byte, delay time.Duration) (string, error) {
	start := time.Now()
	id, err := m.next.Enqueue(ctx, queue, body, delay)
	m.done(opEnqueue, start, err)
	return id, err
}

func (m *metered) Dequeue(ctx context.Context, queue string, visibility time.Duration) (*store.Message, error) {
	start := time.Now()
	msg, err := m.next.Dequeue(ctx, queue, visibility)
	m.done(opDequeue, start, err)
	return msg, err
}

func (m *metered) Ack(ctx context.Context, queue, id string) error {
	start := time.Now()
	err := m.next.Ack(ctx, queue, id)
	m.done(opAck, start, err)
	return err
}

func (m *metered) Nack(ctx context.Context, queue, id string, delay time.Duration, reason string) error {
	start := time.Now()
	err := m.next.Nack(ctx, queue, id, delay, reason)
	m.done(opNack, start, err)
	return err
}

func (m *metered) Bury(ctx context.Context, queue, id, reason string) error {
	start := time.Now()
	err := m.next.Bury(ctx, queue, id, reason)
	m.done(opBury, start, err)
	return err
}

func (m *metered) DeadLetters(ctx context.Context, queue string, limit int) ([]store.Message, error) {
	start := time.Now()
	msgs, err := m.next.DeadLetters(ctx, queue, limit)
	m.done(opDeadLetters, start, err)
	return msgs, err
}

func (m *metered) Stats(ctx context.Context, queue string) (store.QueueStats, error) {
	start := time.Now()
	st, err := m.next.Stats(ctx, queue)
	m.done(opStats, start, err)
	return st, err
}
