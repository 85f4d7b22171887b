package gatehouse

import (
	"context"
	"errors"
	"sync"
	"time"
)

// Session is one local session of this system: a browser signed in through the center.
type Session struct {
	User      User      `json:"user"`
	ExpiresAt time.Time `json:"expires_at"` // the global session's expiry as last reported
	TouchedAt time.Time `json:"touched_at"` // when the center's session was last renewed
}

// ErrSessionEnded is returned by SessionStore.Save when the session's sid has been ended.
var ErrSessionEnded = errors.New("gatehouse: the global session has ended")

// SessionStore keeps local sessions by id (a hash of the session cookie), the sids ended by
// back-channel logout, and the logout tokens already seen. Implementations must be safe for
// concurrent use; NewMemoryStore and NewRedisStore are two.
type SessionStore interface {
	// Save stores s under id until expires; it returns ErrSessionEnded (and stores nothing)
	// when s.User.SessionID has been ended.
	Save(ctx context.Context, id string, s *Session, expires time.Time) error
	// Get returns the session of id, or nil when there is none.
	Get(ctx context.Context, id string) (*Session, error)
	// Delete removes the session of id.
	Delete(ctx context.Context, id string) error
	// EndSID removes every session of sid and remembers sid as ended until the given time.
	EndSID(ctx context.Context, sid string, until time.Time) error
	// SIDEnded reports whether sid has been ended.
	SIDEnded(ctx context.Context, sid string) (bool, error)
	// FirstUse records jti until the given time and reports whether it was new.
	FirstUse(ctx context.Context, jti string, until time.Time) (bool, error)
}

// MemoryStore is a SessionStore in this process's memory, for a system that runs one instance.
type MemoryStore struct {
	now func() time.Time

	mu       sync.Mutex
	sessions map[string]memSession
	bySID    map[string]map[string]struct{}
	ended    map[string]time.Time
	jtis     map[string]time.Time
	swept    time.Time
}

type memSession struct {
	s       Session
	expires time.Time
}

var _ SessionStore = (*MemoryStore)(nil)

// NewMemoryStore returns an empty in-memory store.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{now: time.Now, sessions: map[string]memSession{}, bySID: map[string]map[string]struct{}{},
		ended: map[string]time.Time{}, jtis: map[string]time.Time{}}
}

// Save implements SessionStore.
func (m *MemoryStore) Save(_ context.Context, id string, s *Session, expires time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sweep()
	sid := s.User.SessionID
	if until, ok := m.ended[sid]; ok && m.now().Before(until) {
		return ErrSessionEnded
	}
	m.sessions[id] = memSession{s: *s, expires: expires}
	if m.bySID[sid] == nil {
		m.bySID[sid] = map[string]struct{}{}
	}
	m.bySID[sid][id] = struct{}{}
	return nil
}

// Get implements SessionStore.
func (m *MemoryStore) Get(_ context.Context, id string) (*Session, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.sessions[id]
	if !ok || !m.now().Before(e.expires) {
		return nil, nil
	}
	s := e.s
	return &s, nil
}

// Delete implements SessionStore.
func (m *MemoryStore) Delete(_ context.Context, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.remove(id)
	return nil
}

func (m *MemoryStore) remove(id string) {
	e, ok := m.sessions[id]
	if !ok {
		return
	}
	delete(m.sessions, id)
	if ids := m.bySID[e.s.User.SessionID]; ids != nil {
		delete(ids, id)
		if len(ids) == 0 {
			delete(m.bySID, e.s.User.SessionID)
		}
	}
}

// EndSID implements SessionStore.
func (m *MemoryStore) EndSID(_ context.Context, sid string, until time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.ended[sid] = until
	for id := range m.bySID[sid] {
		delete(m.sessions, id)
	}
	delete(m.bySID, sid)
	return nil
}

// SIDEnded implements SessionStore.
func (m *MemoryStore) SIDEnded(_ context.Context, sid string) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	until, ok := m.ended[sid]
	return ok && m.now().Before(until), nil
}

// FirstUse implements SessionStore.
func (m *MemoryStore) FirstUse(_ context.Context, jti string, until time.Time) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sweep()
	if t, ok := m.jtis[jti]; ok && m.now().Before(t) {
		return false, nil
	}
	m.jtis[jti] = until
	return true, nil
}

// sweep drops what has expired, at most once a minute.
func (m *MemoryStore) sweep() {
	now := m.now()
	if now.Sub(m.swept) < time.Minute {
		return
	}
	m.swept = now
	for id, e := range m.sessions {
		if !now.Before(e.expires) {
			m.remove(id)
		}
	}
	for sid, t := range m.ended {
		if !now.Before(t) {
			delete(m.ended, sid)
		}
	}
	for jti, t := range m.jtis {
		if !now.Before(t) {
			delete(m.jtis, jti)
		}
	}
}
