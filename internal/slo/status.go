package slo

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/gatehouse/gatehouse/internal/domain"
)

// Report is the delivery status of one system's logouts.
type Report struct {
	Ready       int64        `json:"ready"`     // waiting to be sent now
	Scheduled   int64        `json:"scheduled"` // waiting for a retry, or being sent
	Dead        int64        `json:"dead"`      // given up after RetryFor
	DeadLetters []DeadLetter `json:"dead_letters"`
}

// DeadLetter is one logout that was given up.
type DeadLetter struct {
	ID         string    `json:"id"`
	Attempts   int       `json:"attempts"`
	EnqueuedAt time.Time `json:"enqueued_at"`
	LastError  string    `json:"last_error"`
	SID        string    `json:"sid"`
	Kind       string    `json:"kind"` // KindOIDC or KindCAS
}

// Deliveries reports the queue of systemID: its counts and its oldest dead letters (at most
// 100). An unknown system is not_found.
func (s *Service) Deliveries(ctx context.Context, systemID string) (*Report, error) {
	if !domain.ValidSystemID(systemID) {
		return nil, domain.Errorf(domain.CodeNotFound, "no system %q", systemID)
	}
	if _, err := s.Systems.SystemByID(ctx, systemID); err != nil {
		if errors.Is(err, domain.ErrNotFound) {
			return nil, domain.Errorf(domain.CodeNotFound, "no system %q", systemID)
		}
		return nil, err
	}
	q := QueueName(systemID)
	st, err := s.Queue.Stats(ctx, q)
	if err != nil {
		return nil, err
	}
	dead, err := s.Queue.DeadLetters(ctx, q, deadLetterLimit)
	if err != nil {
		return nil, err
	}
	r := &Report{Ready: st.Ready, Scheduled: st.Scheduled, Dead: st.Dead, DeadLetters: make([]DeadLetter, 0, len(dead))}
	for _, m := range dead {
		var n Notice
		_ = json.Unmarshal(m.Body, &n) // a corrupt notice is listed without its sid
		r.DeadLetters = append(r.DeadLetters, DeadLetter{ID: m.ID, Attempts: m.Attempts,
			EnqueuedAt: m.EnqueuedAt.UTC(), LastError: m.LastError, SID: n.SID, Kind: or(n.Kind, KindOIDC)})
	}
	return r, nil
}
