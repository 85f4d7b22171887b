package session

import (
	"cmp"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"slices"
	"sync"
	"time"

	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/store"
)

// KV is what the manager needs of the session store.
type KV interface {
	store.Values
	store.Sets
	store.Atomic
}

// Manager creates, recognises, renews and ends sessions. Its fields are set once, before first
// use; the zero values of Now and Rand take time.Now and crypto/rand.Reader.
type Manager struct {
	KV     KV
	Policy Policy
	Now    func() time.Time
	Rand   io.Reader
	// OnEnd hooks run after a session ended — by End or EndUser, not when it silently expires —
	// each once, in order, with the reason given: refresh families die, SSO logouts are queued.
	OnEnd []func(ctx context.Context, s *Session, reason string) error

	randMu sync.Mutex // an injected io.Reader need not be safe for concurrent use
}

// NewSession is what the login code knows about a sign-in.
type NewSession struct {
	UserID, Username string
	// DeviceID names the browser or device across sessions (the login code derives it from a
	// device cookie): letters, digits, '-' and '_'. Empty gets a new random one.
	DeviceID      string
	IP, UserAgent string
	Remember      bool
}

// maxAttempts bounds the read-check-write rounds of Touch and Join when other writers keep
// changing the session. Each lost round means another writer succeeded, so this is only reached
// by some hundred writers at once on one session.
const maxAttempts = 100

// errEnded is the one answer for every session that cannot be used: malformed, unknown, expired
// or a wrong secret are told apart by nobody.
func errEnded() error {
	return domain.Errorf(domain.CodeSessionExpired, "the session has ended; sign in again")
}

func (m *Manager) now() time.Time {
	if m.Now != nil {
		return m.Now()
	}
	return time.Now()
}

func (m *Manager) random(b []byte) error {
	r := m.Rand
	if r == nil {
		r = rand.Reader
	}
	m.randMu.Lock()
	_, err := io.ReadFull(r, b)
	m.randMu.Unlock()
	if err != nil {
		return domain.Wrap(domain.CodeInternal, err, "session: reading entropy")
	}
	return nil
}

// Create opens a new session — always with a new id, so a session id known before sign-in is
// worth nothing after it — and returns it with the value of its cookie, "<sid>.<secret>".
func (m *Manager) Create(ctx context.Context, n NewSession) (*Session, string, error) {
	if err := n.validate(); err != nil {
		return nil, "", err
	}
	idle, absolute, err := m.Policy.limits(n.Remember)
	if err != nil {
		return nil, "", err
	}
	var b [idBytes + secretBytes + idBytes]byte // session id, secret, device id
	if err := m.random(b[:]); err != nil {
		return nil, "", err
	}
	secret := b[idBytes : idBytes+secretBytes]
	hash := sha256.Sum256(secret)
	device := n.DeviceID
	if device == "" {
		device = idEncoding.EncodeToString(b[idBytes+secretBytes:])
	}
	now := truncMS(m.now())
	s := &Session{
		ID: idEncoding.EncodeToString(b[:idBytes]), UserID: n.UserID, Username: n.Username,
		DeviceID: device, IP: n.IP, UserAgent: n.UserAgent,
		CreatedAt: now, LastSeen: now, IdleTTL: idle, AbsoluteExp: now.Add(absolute),
		Remember: n.Remember, SecretHash: hash[:],
	}
	key := sessionKey(s.ID)
	// The session first, then the index: an index entry never points at a session not yet
	// written, so List, pruning what is gone, cannot drop the entry of a session being created.
	ok, err := m.KV.Txn(ctx, []store.Cond{{Kind: store.CondAbsent, Key: key}},
		[]store.Op{{Kind: store.OpPut, Key: key, Value: encode(s), TTL: s.ExpiresAt().Sub(now)}})
	if err != nil {
		return nil, "", err
	}
	if !ok {
		return nil, "", domain.Errorf(domain.CodeInternal, "session: a new session id is taken; the entropy source is broken")
	}
	if err := m.KV.SetAdd(ctx, userKey(s.UserID), absolute, s.ID); err != nil {
		// A session missing from its user's index would outlive "sign out everywhere".
		_ = m.KV.Delete(context.WithoutCancel(ctx), key)
		return nil, "", err
	}
	return s, s.ID + "." + secretEncoding.EncodeToString(secret), nil
}

// Authenticate recognises a session by its cookie value. The secret is checked against the
// stored hash in constant time; every failure is the same session_expired error.
func (m *Manager) Authenticate(ctx context.Context, cookieValue string) (*Session, error) {
	sid, hash, ok := parseCookie(cookieValue)
	if !ok {
		return nil, errEnded()
	}
	s, _, err := m.load(ctx, sid)
	if err != nil {
		return nil, err
	}
	if subtle.ConstantTimeCompare(hash[:], s.SecretHash) != 1 {
		return nil, errEnded()
	}
	return s, nil
}

// Get returns a live session by its id, as tokens carry it. It proves nothing about who asks:
// the caller must already hold a verified token naming sid. An unknown, malformed or expired
// sid is session_expired.
func (m *Manager) Get(ctx context.Context, sid string) (*Session, error) {
	s, _, err := m.load(ctx, sid)
	return s, err
}

// load reads a live session and the stored bytes it came from. Expiry is checked against the
// manager's clock as well: the store expires keys by its own.
func (m *Manager) load(ctx context.Context, sid string) (*Session, []byte, error) {
	if !ValidID(sid) {
		return nil, nil, errEnded()
	}
	raw, err := m.KV.Get(ctx, sessionKey(sid))
	if errors.Is(err, domain.ErrNotFound) {
		return nil, nil, errEnded()
	}
	if err != nil {
		return nil, nil, err
	}
	s, err := decode(sid, raw)
	if err != nil {
		return nil, nil, err
	}
	if !m.now().Before(s.ExpiresAt()) {
		return nil, nil, errEnded()
	}
	return s, raw, nil
}

// Touch renews the session for activity: when Policy.TouchEvery has passed since LastSeen, it
// sets LastSeen to now (in s as well) and extends the session's life to the earlier of
// now + IdleTTL and its absolute limit, and reports true. Otherwise it writes nothing and
// reports false. A session that ended meanwhile is not brought back: Touch then returns
// session_expired.
func (m *Manager) Touch(ctx context.Context, s *Session) (bool, error) {
	now := truncMS(m.now())
	if !now.Before(s.ExpiresAt()) {
		return false, errEnded()
	}
	if now.Sub(s.LastSeen) < m.Policy.TouchEvery {
		return false, nil
	}
	key := sessionKey(s.ID)
	// First guess: the stored session is what s says. When it is not (a Join, another Touch),
	// read it and try again on what is there.
	cur, old := s, encode(s)
	for range maxAttempts {
		next := *cur
		next.LastSeen = now
		exp := next.ExpiresAt()
		if !now.Before(exp) {
			return false, errEnded()
		}
		ok, err := m.KV.Txn(ctx, []store.Cond{{Kind: store.CondEqual, Key: key, Value: old}},
			[]store.Op{{Kind: store.OpPut, Key: key, Value: encode(&next), TTL: exp.Sub(now)}})
		if err != nil {
			return false, err
		}
		if ok {
			*s = next
			return true, nil
		}
		fresh, raw, err := m.load(ctx, s.ID)
		if err != nil {
			return false, err
		}
		if now.Sub(fresh.LastSeen) < m.Policy.TouchEvery {
			*s = *fresh // another request renewed it just now
			return false, nil
		}
		cur, old = fresh, raw
	}
	return false, domain.Errorf(domain.CodeConflict, "the session changed too often to be renewed; try again")
}

// Join records that the session signed in to systemID. Concurrent joins are all kept: each is a
// conditional write on the value it read, retried when another writer came first.
func (m *Manager) Join(ctx context.Context, sid, systemID string) error {
	if !domain.ValidSystemID(systemID) {
		var p domain.Problems
		p.Add("system", "is not a valid system id")
		return p.Err()
	}
	key := sessionKey(sid)
	for range maxAttempts {
		s, raw, err := m.load(ctx, sid)
		if err != nil {
			return err
		}
		i, found := slices.BinarySearch(s.Systems, systemID)
		if found {
			return nil
		}
		s.Systems = slices.Insert(s.Systems, i, systemID)
		ttl := s.ExpiresAt().Sub(m.now())
		if ttl <= 0 {
			return errEnded()
		}
		ok, err := m.KV.Txn(ctx, []store.Cond{{Kind: store.CondEqual, Key: key, Value: raw}},
			[]store.Op{{Kind: store.OpPut, Key: key, Value: encode(s), TTL: ttl}})
		if err != nil || ok {
			return err
		}
	}
	return domain.Errorf(domain.CodeConflict, "the session changed too often to join %s; try again", systemID)
}

// End ends a session and runs the OnEnd hooks. Ending a session that does not exist (or no
// longer does: expired sessions end silently) is not an error and runs no hook. Once the session is deleted, the follow-ups
// (the user index, the hooks) run even if ctx is cancelled: half an end would leave refresh
// families alive. Their errors are returned joined; every hook runs regardless.
func (m *Manager) End(ctx context.Context, sid, reason string) error {
	_, err := m.end(ctx, sid, reason)
	return err
}

// end reports whether this call ended the session. Of concurrent calls for one session, exactly
// one gets it from GetDel, so the hooks run once.
func (m *Manager) end(ctx context.Context, sid, reason string) (bool, error) {
	if !ValidID(sid) {
		return false, nil
	}
	raw, err := m.KV.GetDel(ctx, sessionKey(sid))
	if errors.Is(err, domain.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	ctx = context.WithoutCancel(ctx)
	s, err := decode(sid, raw)
	if err != nil {
		return true, err
	}
	var errs []error
	if err := m.KV.SetRemove(ctx, userKey(s.UserID), sid); err != nil {
		errs = append(errs, err)
	}
	if !m.now().Before(s.ExpiresAt()) {
		// It had expired already, and only the store's clock had not noticed: it ends as
		// every expiring session does, without hooks.
		return false, joinErrors(errs)
	}
	for _, hook := range m.OnEnd {
		if err := hook(ctx, s, reason); err != nil {
			errs = append(errs, err)
		}
	}
	return true, joinErrors(errs)
}

// EndUser ends every session of the user except exceptSID ("" ends them all) and returns how
// many it ended. It goes on past failures and returns them joined.
func (m *Manager) EndUser(ctx context.Context, userID, exceptSID, reason string) (int, error) {
	sids, err := m.members(ctx, userID)
	if err != nil {
		return 0, err
	}
	n, gone := 0, []string(nil)
	var errs []error
	for _, sid := range sids {
		if sid == exceptSID {
			continue
		}
		ended, err := m.end(ctx, sid, reason)
		switch {
		case ended:
			n++
		case err == nil:
			gone = append(gone, sid) // expired or ended elsewhere; its index entry is stale
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	if len(gone) > 0 {
		if err := m.KV.SetRemove(ctx, userKey(userID), gone...); err != nil {
			errs = append(errs, err)
		}
	}
	return n, joinErrors(errs)
}

// List returns the user's live sessions, newest first, and removes index entries whose
// sessions are gone.
func (m *Manager) List(ctx context.Context, userID string) ([]*Session, error) {
	sids, err := m.members(ctx, userID)
	if err != nil {
		return nil, err
	}
	var live []*Session
	var gone []string
	for _, sid := range sids {
		s, err := m.Get(ctx, sid)
		switch {
		case domain.ErrorCode(err) == domain.CodeSessionExpired:
			gone = append(gone, sid)
		case err != nil:
			return nil, err
		case s.UserID != userID:
			gone = append(gone, sid) // not this user's: the entry is wrong, whatever made it
		default:
			live = append(live, s)
		}
	}
	if len(gone) > 0 {
		if err := m.KV.SetRemove(ctx, userKey(userID), gone...); err != nil {
			return nil, err
		}
	}
	slices.SortFunc(live, func(a, b *Session) int {
		if c := b.CreatedAt.Compare(a.CreatedAt); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return live, nil
}

// members returns the ids in the user's index.
func (m *Manager) members(ctx context.Context, userID string) ([]string, error) {
	if !validUserID(userID) {
		var p domain.Problems
		p.Add("user_id", "must be 1 to %d printable bytes without braces", maxUserIDLen)
		return nil, p.Err()
	}
	return m.KV.SetMembers(ctx, userKey(userID))
}

// joinErrors returns nil, the one error, or an *domain.Error (of the first error's code) that
// wraps them all, so that errors.Is and errors.As still find each.
func joinErrors(errs []error) error {
	var first *domain.Error
	switch {
	case len(errs) == 0:
		return nil
	case len(errs) == 1 && errors.As(errs[0], &first) && first == errs[0]:
		return errs[0]
	case len(errs) == 1:
		return domain.Wrap(domain.ErrorCode(errs[0]), errs[0], "ending a session: a follow-up failed")
	}
	return domain.Wrap(domain.ErrorCode(errs[0]), errors.Join(errs...),
		fmt.Sprintf("ending sessions: %d follow-ups failed", len(errs)))
}
