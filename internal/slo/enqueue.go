package slo

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"time"

	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/session"
)

// Notice is one queued logout: what a logout token for one system is made of. It is stored
// as compact JSON; every attempt signs a new token from it with the same jti.
type Notice struct {
	SID     string    `json:"sid"`
	Subject string    `json:"sub"` // the user id
	System  string    `json:"system"`
	Reason  string    `json:"reason"`
	EndedAt time.Time `json:"ended_at"`
	JTI     string    `json:"jti"`
}

// OnEnd is the session manager's end hook: it queues one notice for every system the session
// joined that has a logout URL and speaks SSO or OpenID Connect (CAS-only systems get SAML
// logout requests from the CAS face instead). A system that cannot be looked up or queued is logged,
// counted and skipped: it never fails the logout, so OnEnd always returns nil.
func (s *Service) OnEnd(ctx context.Context, sess *session.Session, reason string) error {
	if len(sess.Systems) == 0 {
		return nil
	}
	s.init()
	now := s.now().UTC()
	queued := 0
	for _, id := range sess.Systems {
		sys, err := s.dir.lookup(ctx, id)
		if errors.Is(err, domain.ErrNotFound) {
			continue // deleted since the session joined it: nobody to tell
		}
		if err != nil {
			s.lost(ctx, id, sess.ID, "cannot read the system", err)
			continue
		}
		if sys.LogoutURL == "" {
			continue
		}
		if !sys.AllowsProtocol(domain.ProtocolSSO) && !sys.AllowsProtocol(domain.ProtocolOIDC) {
			continue // a CAS-only system is told by the CAS face, in SAML; it would not read a logout token
		}
		var jti [16]byte
		if err := s.random(jti[:]); err != nil {
			s.lost(ctx, id, sess.ID, "no entropy for a jti", err)
			continue
		}
		body, err := json.Marshal(Notice{SID: sess.ID, Subject: sess.UserID, System: id, Reason: reason,
			EndedAt: now, JTI: base64.RawURLEncoding.EncodeToString(jti[:])})
		if err != nil {
			s.lost(ctx, id, sess.ID, "cannot encode the notice", err)
			continue
		}
		if _, err := s.Queue.Enqueue(ctx, QueueName(id), body, 0); err != nil {
			s.lost(ctx, id, sess.ID, "cannot queue the notice", err)
			continue
		}
		queued++
	}
	if queued > 0 {
		s.notify()
	}
	return nil
}

// lost records a notice that could not be queued.
func (s *Service) lost(ctx context.Context, system, sid, what string, err error) {
	s.Log.ErrorContext(ctx, "single logout: "+what+"; this system is not told of the logout",
		"system", system, "sid", sid, "err", err)
	s.Metrics.unqueued(system)
}
