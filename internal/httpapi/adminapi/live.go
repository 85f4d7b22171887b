package adminapi

import (
	"cmp"
	"context"
	"slices"
	"sync"
	"time"

	"github.com/gatehouse/gatehouse/internal/auth"
	"github.com/gatehouse/gatehouse/internal/session"
)

// Live sessions across users. The session store indexes sessions per user only (an index of
// every session would be one hot key written at every sign-in and end). A session lives at
// most SessionLifetime after its sign-in, and every sign-in writes a login.success event
// whose subject is the user, so the users who can hold a live session are the subjects of
// those events within that lifetime: one range scan on the (type, at) audit index. Each of
// them has their index read and every session in it checked live, which also prunes stale
// entries. The cost grows with the users who signed in within the lifetime (30 days with
// "remember me" by default), not with all users. A sign-in whose audit write failed (logged
// loudly) leaves its session out of the cross-user list; the per-user list still shows it.

// listConcurrency bounds the per-user reads in flight.
const listConcurrency = 16

// liveSessions returns every live session, newest first; userIDs narrows it to those users.
func (h *Handler) liveSessions(ctx context.Context) ([]*session.Session, error) {
	lifetime := h.SessionLifetime
	if lifetime <= 0 {
		lifetime = 30 * 24 * time.Hour
	}
	ids, err := h.Reports.AuditSubjects(ctx, auth.AuditLoginSuccess, h.now().Add(-lifetime))
	if err != nil {
		return nil, err
	}
	var (
		mu       sync.Mutex
		all      []*session.Session
		firstErr error
		wg       sync.WaitGroup
		slots    = make(chan struct{}, listConcurrency)
	)
	for _, id := range ids {
		slots <- struct{}{}
		wg.Go(func() {
			defer func() { <-slots }()
			list, err := h.Sessions.List(ctx, id)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				if firstErr == nil {
					firstErr = err
				}
				return
			}
			all = append(all, list...)
		})
	}
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	sortNewestFirst(all)
	return all, nil
}

func sortNewestFirst(list []*session.Session) {
	slices.SortFunc(list, func(a, b *session.Session) int {
		if c := b.CreatedAt.Compare(a.CreatedAt); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
}
