package castickets

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/session"
	"github.com/gatehouse/gatehouse/internal/slo"
	"github.com/gatehouse/gatehouse/internal/store"
)

// KV is what Log needs of the session store.
type KV interface {
	store.Values
	store.Sets
}

// SystemFinder finds a system by id (the SQL store does).
type SystemFinder interface {
	SystemByID(ctx context.Context, id string) (*domain.System, error)
}

// DefaultFreshWindow is Log.FreshWindow when it is zero.
const DefaultFreshWindow = 30 * time.Second

// Notices queues logout notices for durable delivery; *slo.Service is one.
type Notices interface {
	Enqueue(ctx context.Context, systemID string, n slo.Notice) error
}

var _ Notices = (*slo.Service)(nil)

// Log remembers which service tickets a session was given, and when the session ends
// has each CAS service that has a logout URL told, by a back-channel SAML LogoutRequest (CAS
// 3.0 §2.3.3 and Appendix "SAML 2.0 logout"): it queues one notice per ticket on the durable
// queue of internal/slo, which delivers, retries and dead-letters it.
//
// It also marks the tickets issued right after a sign-in (within FreshWindow of the
// session's creation), which satisfy renew=true at validation and say isFromNewLogin.
type Log struct {
	KV      KV
	Systems SystemFinder
	// Logout queues the notices of single logout; nil tells no service.
	Logout      Notices
	Log         *slog.Logger
	Now         func() time.Time
	FreshWindow time.Duration // 0 means DefaultFreshWindow

	once sync.Once
}

func (l *Log) init() {
	l.once.Do(func() {
		if l.Log == nil {
			l.Log = slog.New(slog.DiscardHandler)
		}
		if l.Now == nil {
			l.Now = time.Now
		}
		if l.FreshWindow <= 0 {
			l.FreshWindow = DefaultFreshWindow
		}
	})
}

func ticketsKey(sid string) string          { return "cas:{" + sid + "}" }
func freshKey(sid, ticket string) string    { return "casnew:{" + sid + "}:" + ticket }
func member(systemID, ticket string) string { return systemID + "|" + ticket }

// Record notes that sess was given ticket for systemID. The set lives until the session's
// absolute limit, which no renewal passes. A ticket issued within FreshWindow of the sign-in
// is marked as coming from it, for as long as a ticket lives.
func (l *Log) Record(ctx context.Context, sess *session.Session, systemID, ticket string) error {
	l.init()
	now := l.Now()
	ttl := sess.AbsoluteExp.Sub(now)
	if ttl <= 0 {
		return nil // ends this instant; nothing to remember
	}
	if err := l.KV.SetAdd(ctx, ticketsKey(sess.ID), ttl, member(systemID, ticket)); err != nil {
		return err
	}
	if age := now.Sub(sess.CreatedAt); age >= 0 && age <= l.FreshWindow {
		return l.KV.Set(ctx, freshKey(sess.ID, ticket), []byte{'1'}, time.Minute)
	}
	return nil
}

// TakeFresh reports whether ticket was issued right after the sign-in of session sid, and
// forgets it: the answer is given once, at the one validation of the ticket.
func (l *Log) TakeFresh(ctx context.Context, sid, ticket string) (bool, error) {
	_, err := l.KV.GetDel(ctx, freshKey(sid, ticket))
	if errors.Is(err, domain.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// OnEnd is the session manager's end hook: it reads the tickets the session was given, and
// for each one of a system that still exists, is allowed CAS and has a logout URL, queues a
// notice of kind slo.KindCAS naming the user and the ticket. It never fails the logout: what
// cannot be read or queued is logged and skipped.
func (l *Log) OnEnd(ctx context.Context, sess *session.Session, reason string) error {
	l.init()
	key := ticketsKey(sess.ID)
	members, err := l.KV.SetMembers(ctx, key)
	if err != nil {
		l.Log.ErrorContext(ctx, "cas logout: cannot read the tickets of a session; its services are not told", "sid", sess.ID, "err", err)
		return nil
	}
	if len(members) == 0 {
		return nil
	}
	if err := l.KV.Delete(ctx, key); err != nil {
		l.Log.WarnContext(ctx, "cas logout: cannot delete the tickets of an ended session", "sid", sess.ID, "err", err)
	}
	systems := map[string]*domain.System{}
	for _, m := range members {
		id, ticket, ok := strings.Cut(m, "|")
		if !ok {
			continue
		}
		sys, seen := systems[id]
		if !seen {
			sys, err = l.Systems.SystemByID(ctx, id)
			if err != nil && !errors.Is(err, domain.ErrNotFound) {
				l.Log.ErrorContext(ctx, "cas logout: cannot read a system; it is not told", "system", id, "sid", sess.ID, "err", err)
			}
			systems[id] = sys
		}
		if sys == nil || sys.LogoutURL == "" || !sys.AllowsProtocol(domain.ProtocolCAS) || l.Logout == nil {
			continue
		}
		n := slo.Notice{Kind: slo.KindCAS, SID: sess.ID, Subject: sess.UserID, Reason: reason,
			NameID: sess.Username, SessionIndex: ticket}
		if err := l.Logout.Enqueue(ctx, id, n); err != nil {
			l.Log.ErrorContext(ctx, "cas logout: cannot queue a LogoutRequest; this service is not told", "system", id, "sid", sess.ID, "err", err)
		}
	}
	return nil
}
