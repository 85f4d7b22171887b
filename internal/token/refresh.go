package token

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"sync"
	"time"

	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/store"
)

// RefreshKV is what refresh families need of the session tier.
type RefreshKV interface {
	store.Values
	store.Sets
	store.Atomic
}

// Sealer encrypts the successor kept for the grace window (secret.Keys does). The label binds a
// sealed value to its family.
type Sealer interface {
	Seal(plaintext []byte, label string) ([]byte, error)
	Open(sealed []byte, label string) ([]byte, error)
}

// Binding is what a new family is bound to.
type Binding struct {
	SessionID string // base64url characters only; it becomes part of the token and of keys
	UserID    string
	System    string // the system the tokens are for; "" for the center itself
	// Center marks a family opened by a sign-in at the center itself: only such a family may
	// mint access tokens for the center's own API. Families handed to sub-systems (SSO ticket
	// validation) never may, so a sub-system cannot act at the center as the user.
	Center    bool
	UserAgent string
	IP        string // only bound when Refresh.BindIP
}

// Family describes a refresh-token family.
type Family struct {
	ID, SessionID, UserID, System string
	Center                        bool // see Binding.Center
	CreatedAt                     time.Time
	RotatedAt                     time.Time // zero until the first rotation
	ExpiresAt                     time.Time // absolute: set at Issue, never extended
	Generation                    int       // 1 for the first token, one more per rotation
}

// Defaults of Refresh.
const (
	DefaultRefreshTTL = 7 * 24 * time.Hour
	DefaultGrace      = 10 * time.Second
	// rotateAttempts bounds the retries of one Rotate that keeps losing races.
	rotateAttempts = 16
	// successorSlack keeps the sealed successor a little longer than the grace window, so that
	// the decision is made by the grace window on the node's clock, not by the store's expiry.
	successorSlack = time.Second
)

// ErrReuse is the cause of the error Rotate returns when a rotated-out token was presented
// again and its family was therefore revoked: match it with errors.Is and write an audit event.
// The error itself has code domain.CodeTokenInvalid.
var ErrReuse = errors.New("refresh token reused: family revoked")

// Refresh issues, rotates and revokes refresh tokens. The zero values of the optional fields
// take the defaults. A Refresh is safe for concurrent use.
type Refresh struct {
	KV     RefreshKV
	Sealer Sealer
	Now    func() time.Time // default time.Now
	Rand   io.Reader        // default crypto/rand
	TTL    time.Duration    // absolute lifetime of a family; 0 means DefaultRefreshTTL
	// Grace is how long the immediately previous token still returns the same successor; 0
	// means DefaultGrace, a negative value means no grace at all.
	Grace  time.Duration
	BindIP bool // bind new families to the client IP as well as the User-Agent

	randMu sync.Mutex
}

func refreshInvalid(msg string) error {
	return &domain.Error{Code: domain.CodeTokenInvalid, Message: "refresh token: " + msg}
}

func (r *Refresh) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

func (r *Refresh) ttl() time.Duration {
	if r.TTL > 0 {
		return r.TTL
	}
	return DefaultRefreshTTL
}

func (r *Refresh) grace() time.Duration {
	switch {
	case r.Grace > 0:
		return r.Grace
	case r.Grace < 0:
		return 0
	}
	return DefaultGrace
}

func (r *Refresh) random(b []byte) error {
	if r.Rand == nil {
		_, err := rand.Read(b)
		return err
	}
	r.randMu.Lock()
	defer r.randMu.Unlock()
	_, err := io.ReadFull(r.Rand, b)
	return err
}

// newSecret returns a fresh 256-bit secret, base64url.
func (r *Refresh) newSecret() (string, error) {
	var b [secretBytes]byte
	if err := r.random(b[:]); err != nil {
		return "", domain.Wrap(domain.CodeInternal, err, "refresh token: no entropy")
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}

// Issue starts a new family bound to the session and device of b and returns its first token.
func (r *Refresh) Issue(ctx context.Context, b Binding) (string, *Family, error) {
	var p domain.Problems
	if !validSID(b.SessionID) {
		p.Add("session_id", "must be 1 to %d base64url characters", maxSIDLen)
	}
	if b.UserID == "" {
		p.Add("user_id", "is required")
	}
	if err := p.Err(); err != nil {
		return "", nil, err
	}
	var fid [familyBytes]byte
	if err := r.random(fid[:]); err != nil {
		return "", nil, domain.Wrap(domain.CodeInternal, err, "refresh token: no entropy")
	}
	secret, err := r.newSecret()
	if err != nil {
		return "", nil, err
	}
	t := refreshToken{sid: b.SessionID, family: base64.RawURLEncoding.EncodeToString(fid[:]), secret: secret}
	token := t.String()
	now := r.now()
	ttl := r.ttl()
	rec := &record{
		User: b.UserID, System: b.System, Center: b.Center, Current: tokenHash(token), Gen: 1,
		Print: fingerprint(b.UserAgent, b.IP, r.BindIP), BindIP: r.BindIP,
		Created: now.UnixMilli(), Expires: now.Add(ttl).UnixMilli(),
	}
	raw, err := json.Marshal(rec)
	if err != nil {
		return "", nil, domain.Wrap(domain.CodeInternal, err, "refresh token: encode family")
	}
	key := familyKey(t.sid, t.family)
	ok, err := r.KV.Txn(ctx,
		[]store.Cond{{Kind: store.CondAbsent, Key: key}},
		[]store.Op{
			{Kind: store.OpPut, Key: key, Value: raw, TTL: ttl},
			{Kind: store.OpSetAdd, Key: familiesKey(t.sid), Member: t.family, TTL: ttl},
		})
	if err != nil {
		return "", nil, err
	}
	if !ok { // 128 random bits collided: the entropy source is broken
		return "", nil, domain.Errorf(domain.CodeInternal, "refresh token: family id collision")
	}
	return token, rec.family(t.sid, t.family), nil
}

// Rotate exchanges a refresh token for its successor (RFC 6749 §10.4 refresh token rotation;
// RFC 9700 §4.14.2).
//
//   - The current token of the family: a new token is issued and the presented one dies at
//     once.
//   - The immediately previous token, within Grace of that rotation: the same successor again,
//     no new generation (two tabs refreshing together both keep working).
//   - Any other token of the family (the previous one after Grace, an older one): the family is
//     revoked, nothing else is ended, and the error matches ErrReuse.
//   - Another device (User-Agent, or IP when the family is bound to it), an unknown, revoked or
//     expired family, or a malformed token: CodeTokenInvalid and nothing changes.
//
// Every decision is written with a Txn conditioned on the exact record that was read; a caller
// that loses a race reads again, and then sees its token as the previous one within the grace
// window. Of many concurrent presentations of one token, exactly one makes a successor.
func (r *Refresh) Rotate(ctx context.Context, token, userAgent, ip string) (string, *Family, error) {
	return r.RotateIf(ctx, token, userAgent, ip, nil)
}

// RotateIf is Rotate for a caller that accepts only some families: when allow (if not nil)
// refuses the token's family, the answer is token_invalid and nothing changes — no rotation, no
// revocation. The center uses it so that a sub-system's family never mints center tokens.
func (r *Refresh) RotateIf(ctx context.Context, token, userAgent, ip string, allow func(*Family) bool) (string, *Family, error) {
	t, ok := parseRefresh(token)
	if !ok {
		return "", nil, refreshInvalid("malformed")
	}
	key := familyKey(t.sid, t.family)
	presented := tokenHash(token)
	for range rotateAttempts {
		raw, err := r.KV.Get(ctx, key)
		if errors.Is(err, domain.ErrNotFound) {
			return "", nil, refreshInvalid("unknown, revoked or expired")
		}
		if err != nil {
			return "", nil, err
		}
		rec, err := decodeRecord(raw)
		if err != nil {
			return "", nil, domain.Wrap(domain.CodeInternal, err, "refresh token: unreadable family record")
		}
		now := r.now()
		left := time.UnixMilli(rec.Expires).Sub(now)
		if left <= 0 {
			return "", nil, refreshInvalid("unknown, revoked or expired")
		}
		// The device check comes before any decision: a token replayed from elsewhere
		// changes nothing, so that its rightful owner keeps working.
		if !sameHash(fingerprint(userAgent, ip, rec.BindIP), rec.Print) {
			return "", nil, refreshInvalid("presented by another device")
		}
		if allow != nil && !allow(rec.family(t.sid, t.family)) {
			return "", nil, refreshInvalid("not usable here")
		}
		var done bool
		var next string
		switch {
		case sameHash(presented, rec.Current):
			next, done, err = r.rotate(ctx, t, key, raw, rec, now, left)
		case r.grace() > 0 && rec.Previous != nil && sameHash(presented, rec.Previous) &&
			now.Sub(time.UnixMilli(rec.RotatedAt)) <= r.grace():
			var st successorState
			next, st, err = r.successor(ctx, t, key, rec)
			switch {
			case err != nil:
			case st == successorFound:
				done = true
			case st == successorGone:
				// The store ended the window before this node's clock did: plain reuse.
				if done, err = r.revoke(ctx, t, key, raw); err == nil && done {
					return "", nil, reused()
				}
			} // successorMoved: the family rotated again meanwhile; read it again
		default:
			done, err = r.revoke(ctx, t, key, raw)
			if err == nil && done {
				return "", nil, reused()
			}
		}
		if err != nil {
			return "", nil, err
		}
		if done {
			return next, rec.family(t.sid, t.family), nil
		}
		// Lost a race with another writer of this family: read it again.
	}
	return "", nil, domain.Errorf(domain.CodeConflict, "refresh token: the family changed too often meanwhile; try again")
}

func reused() error {
	return domain.Wrap(domain.CodeTokenInvalid, ErrReuse, "refresh token: already used; its family has been revoked")
}

// rotate issues the successor of the current token. It updates rec in place for the answer.
func (r *Refresh) rotate(ctx context.Context, t refreshToken, key string, raw []byte, rec *record, now time.Time, left time.Duration) (string, bool, error) {
	secret, err := r.newSecret()
	if err != nil {
		return "", false, err
	}
	nt := refreshToken{sid: t.sid, family: t.family, secret: secret}
	next := nt.String()
	rec.Previous, rec.Current = rec.Current, tokenHash(next)
	rec.RotatedAt, rec.Gen = now.UnixMilli(), rec.Gen+1
	b, err := json.Marshal(rec)
	if err != nil {
		return "", false, domain.Wrap(domain.CodeInternal, err, "refresh token: encode family")
	}
	ops := []store.Op{{Kind: store.OpPut, Key: key, Value: b, TTL: left}}
	if g := r.grace(); g > 0 {
		if r.Sealer == nil {
			return "", false, domain.Errorf(domain.CodeInternal, "refresh token: Refresh.Sealer is not set")
		}
		sealed, err := r.Sealer.Seal([]byte(next), key)
		if err != nil {
			return "", false, domain.Wrap(domain.CodeInternal, err, "refresh token: seal successor")
		}
		ops = append(ops, store.Op{Kind: store.OpPut, Key: successorKey(t.sid, t.family), Value: sealed, TTL: min(g+successorSlack, left)})
	} else {
		ops = append(ops, store.Op{Kind: store.OpDelete, Key: successorKey(t.sid, t.family)})
	}
	ok, err := r.KV.Txn(ctx, []store.Cond{{Kind: store.CondEqual, Key: key, Value: raw}}, ops)
	if err != nil || !ok {
		return "", false, err
	}
	return next, true, nil
}

type successorState int

const (
	successorFound successorState = iota + 1
	successorGone                 // expired from the store, or never written (no grace)
	successorMoved                // no longer the family's current token
)

// successor returns the successor sealed at the last rotation, if it is still the current
// token of rec.
func (r *Refresh) successor(ctx context.Context, t refreshToken, key string, rec *record) (string, successorState, error) {
	sealed, err := r.KV.Get(ctx, successorKey(t.sid, t.family))
	if errors.Is(err, domain.ErrNotFound) {
		return "", successorGone, nil
	}
	if err != nil {
		return "", 0, err
	}
	b, err := r.Sealer.Open(sealed, key)
	if err != nil {
		return "", 0, domain.Wrap(domain.CodeInternal, err, "refresh token: successor does not open")
	}
	if !sameHash(tokenHash(string(b)), rec.Current) {
		return "", successorMoved, nil
	}
	return string(b), successorFound, nil
}

// revoke deletes the family if its record still holds raw.
func (r *Refresh) revoke(ctx context.Context, t refreshToken, key string, raw []byte) (bool, error) {
	return r.KV.Txn(ctx, []store.Cond{{Kind: store.CondEqual, Key: key, Value: raw}}, []store.Op{
		{Kind: store.OpDelete, Key: key},
		{Kind: store.OpDelete, Key: successorKey(t.sid, t.family)},
		{Kind: store.OpSetRemove, Key: familiesKey(t.sid), Member: t.family},
	})
}
