package slo

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/session"
)

// Kinds of notice: what the worker POSTs for it.
const (
	// KindOIDC is a signed logout token (Back-Channel Logout 1.0), the default.
	KindOIDC = "oidc"
	// KindCAS is a SAML 2.0 LogoutRequest naming the user and one service ticket (CAS 3.0
	// Appendix "SAML 2.0 logout").
	KindCAS = "cas"
)

// Notice is one queued logout for one system. It is stored as compact JSON; every attempt
// builds a new request from it (a newly signed token, a new IssueInstant) with the same jti.
type Notice struct {
	Kind    string    `json:"kind,omitempty"` // KindOIDC ("" too) or KindCAS
	SID     string    `json:"sid"`
	Subject string    `json:"sub"` // the user id
	System  string    `json:"system"`
	Reason  string    `json:"reason"`
	EndedAt time.Time `json:"ended_at"`
	JTI     string    `json:"jti"`
	// Of KindCAS: the user's name and the service ticket the CAS client keyed its session by.
	NameID       string `json:"name_id,omitempty"`
	SessionIndex string `json:"session_index,omitempty"`
}

// check reports what makes n undeliverable.
func (n *Notice) check() error {
	if n.SID == "" || n.JTI == "" {
		return errors.New("sid and jti are required")
	}
	switch n.Kind {
	case "", KindOIDC:
	case KindCAS:
		if n.NameID == "" || n.SessionIndex == "" {
			return errors.New("a CAS notice needs a NameID and a SessionIndex")
		}
	default:
		return fmt.Errorf("unknown kind %q", n.Kind)
	}
	return nil
}

// OnEnd is the session manager's end hook: it queues one notice for every system the session
// joined that has a logout URL and speaks SSO or OpenID Connect (the CAS face queues the SAML
// notices of CAS systems, one per service ticket, through Enqueue). A system that cannot be
// looked up or queued is logged, counted and skipped: it never fails the logout, so OnEnd
// always returns nil.
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
			s.lost(ctx, id, sess.ID, fmt.Errorf("cannot read the system: %w", err))
			continue
		}
		if sys.LogoutURL == "" {
			continue
		}
		if !sys.AllowsProtocol(domain.ProtocolSSO) && !sys.AllowsProtocol(domain.ProtocolOIDC) {
			continue // a CAS-only system would not read a logout token
		}
		n := Notice{SID: sess.ID, Subject: sess.UserID, Reason: reason, EndedAt: now}
		if err := s.enqueue(ctx, id, n); err != nil {
			s.lost(ctx, id, sess.ID, err)
			continue
		}
		queued++
	}
	if queued > 0 {
		s.notify()
	}
	return nil
}

// Enqueue queues n for systemID, to be delivered like every other notice. It sets n.System,
// and n.EndedAt (to now) and n.JTI (a random one) when they are empty. It does not look at the
// system: the caller has decided that it is to be told. A notice that cannot be queued is
// counted as unqueued and its error returned for the caller to log.
func (s *Service) Enqueue(ctx context.Context, systemID string, n Notice) error {
	s.init()
	if err := s.enqueue(ctx, systemID, n); err != nil {
		s.Metrics.unqueued(systemID)
		return err
	}
	s.notify()
	return nil
}

func (s *Service) enqueue(ctx context.Context, systemID string, n Notice) error {
	n.System = systemID
	if n.EndedAt.IsZero() {
		n.EndedAt = s.now().UTC()
	}
	if n.JTI == "" {
		var jti [16]byte
		if err := s.random(jti[:]); err != nil {
			return fmt.Errorf("no entropy for a jti: %w", err)
		}
		n.JTI = base64.RawURLEncoding.EncodeToString(jti[:])
	}
	if err := n.check(); err != nil {
		return fmt.Errorf("the notice is not deliverable: %w", err)
	}
	body, err := json.Marshal(n)
	if err != nil {
		return fmt.Errorf("cannot encode the notice: %w", err)
	}
	if _, err := s.Queue.Enqueue(ctx, QueueName(systemID), body, 0); err != nil {
		return fmt.Errorf("cannot queue the notice: %w", err)
	}
	return nil
}

// lost records a notice of OnEnd that could not be queued.
func (s *Service) lost(ctx context.Context, system, sid string, err error) {
	s.Log.ErrorContext(ctx, "single logout: a notice is not queued; this system is not told of the logout",
		"system", system, "sid", sid, "err", err)
	s.Metrics.unqueued(system)
}
