package session

import (
	"encoding/json"
	"time"

	"github.com/gatehouse/gatehouse/internal/domain"
)

// Session is one global sign-in of a browser or device.
type Session struct {
	ID          string        `json:"id"`
	UserID      string        `json:"user_id"`
	Username    string        `json:"username"`
	DeviceID    string        `json:"device_id"`
	IP          string        `json:"ip"`
	UserAgent   string        `json:"user_agent"`
	CreatedAt   time.Time     `json:"created_at"`
	LastSeen    time.Time     `json:"last_seen"`
	IdleTTL     time.Duration `json:"-"` // sliding limit: the session ends IdleTTL after LastSeen
	AbsoluteExp time.Time     `json:"absolute_expires_at"`
	Remember    bool          `json:"remember"`
	Systems     []string      `json:"systems"` // systems this session joined, sorted, unique
	// SecretHash is SHA-256 of the cookie secret. It never leaves the package in JSON.
	SecretHash []byte `json:"-"`
}

// ExpiresAt is when the session ends unless it is renewed: the earlier of its idle limit
// (LastSeen + IdleTTL) and its absolute limit.
func (s *Session) ExpiresAt() time.Time {
	idle := s.LastSeen.Add(s.IdleTTL)
	if idle.Before(s.AbsoluteExp) {
		return idle
	}
	return s.AbsoluteExp
}

// MarshalJSON is the session as the API shows it: ExpiresAt included, SecretHash and the raw
// idle limit left out. It has a value receiver so that a Session marshals the same way whether
// or not it is addressed through a pointer.
func (s Session) MarshalJSON() ([]byte, error) {
	systems := s.Systems
	if systems == nil {
		systems = []string{}
	}
	return json.Marshal(struct {
		ID          string    `json:"id"`
		UserID      string    `json:"user_id"`
		Username    string    `json:"username"`
		DeviceID    string    `json:"device_id"`
		IP          string    `json:"ip"`
		UserAgent   string    `json:"user_agent"`
		CreatedAt   time.Time `json:"created_at"`
		LastSeen    time.Time `json:"last_seen"`
		ExpiresAt   time.Time `json:"expires_at"`
		AbsoluteExp time.Time `json:"absolute_expires_at"`
		Remember    bool      `json:"remember"`
		Systems     []string  `json:"systems"`
	}{s.ID, s.UserID, s.Username, s.DeviceID, s.IP, s.UserAgent, s.CreatedAt, s.LastSeen,
		s.ExpiresAt(), s.AbsoluteExp, s.Remember, systems})
}

// Policy sets the limits of new sessions. A session keeps the limits it was created with.
type Policy struct {
	IdleTTL             time.Duration // sliding limit
	AbsoluteTTL         time.Duration // hard limit from sign-in
	RememberIdleTTL     time.Duration // the same with "remember me"
	RememberAbsoluteTTL time.Duration //
	// TouchEvery is how often at most activity renews a session in the store: a busy client
	// does not cause a write on every request. Zero renews on every Touch.
	TouchEvery time.Duration
}

// DefaultPolicy: idle 30 minutes (requirement seed 002), absolute 12 hours; with "remember me"
// idle 7 days, absolute 30 days; renewed at most once a minute.
func DefaultPolicy() Policy {
	return Policy{
		IdleTTL:             30 * time.Minute,
		AbsoluteTTL:         12 * time.Hour,
		RememberIdleTTL:     7 * 24 * time.Hour,
		RememberAbsoluteTTL: 30 * 24 * time.Hour,
		TouchEvery:          time.Minute,
	}
}

// limits returns the idle and absolute limits of a new session, whole milliseconds (the
// precision of the stored record).
func (p Policy) limits(remember bool) (idle, absolute time.Duration, err error) {
	idle, absolute = p.IdleTTL, p.AbsoluteTTL
	if remember {
		idle, absolute = p.RememberIdleTTL, p.RememberAbsoluteTTL
	}
	idle, absolute = idle.Truncate(time.Millisecond), absolute.Truncate(time.Millisecond)
	if idle <= 0 || absolute < idle || p.TouchEvery < 0 {
		return 0, 0, domain.Errorf(domain.CodeInternal,
			"session: the policy is not usable (idle %v, absolute %v, touch every %v)", idle, absolute, p.TouchEvery)
	}
	return idle, absolute, nil
}

// record is the stored form of a Session: compact field names, times as Unix milliseconds, no
// id (it is in the key). A typical session is about 350 bytes.
type record struct {
	U  string   `json:"u"`            // user id
	N  string   `json:"n,omitempty"`  // username
	D  string   `json:"d"`            // device id
	IP string   `json:"ip,omitempty"` // client IP at sign-in
	UA string   `json:"ua,omitempty"` // User-Agent at sign-in
	C  int64    `json:"c"`            // created
	L  int64    `json:"l"`            // last seen
	I  int64    `json:"i"`            // idle limit, milliseconds
	A  int64    `json:"a"`            // absolute expiry
	R  bool     `json:"r,omitempty"`  // remember me
	S  []string `json:"s,omitempty"`  // systems joined
	H  []byte   `json:"h"`            // SHA-256 of the cookie secret
}

func encode(s *Session) []byte {
	b, err := json.Marshal(record{
		U: s.UserID, N: s.Username, D: s.DeviceID, IP: s.IP, UA: s.UserAgent,
		C: s.CreatedAt.UnixMilli(), L: s.LastSeen.UnixMilli(), I: s.IdleTTL.Milliseconds(),
		A: s.AbsoluteExp.UnixMilli(), R: s.Remember, S: s.Systems, H: s.SecretHash,
	})
	if err != nil { // strings, integers and byte slices always marshal
		panic("session: encoding a record: " + err.Error())
	}
	return b
}

func decode(sid string, raw []byte) (*Session, error) {
	var r record
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, domain.Wrap(domain.CodeInternal, err, "session: a stored session is corrupt")
	}
	return &Session{
		ID: sid, UserID: r.U, Username: r.N, DeviceID: r.D, IP: r.IP, UserAgent: r.UA,
		CreatedAt: msTime(r.C), LastSeen: msTime(r.L), IdleTTL: time.Duration(r.I) * time.Millisecond,
		AbsoluteExp: msTime(r.A), Remember: r.R, Systems: r.S, SecretHash: r.H,
	}, nil
}

func msTime(ms int64) time.Time { return time.UnixMilli(ms).UTC() }

// truncMS cuts t to the precision of the stored record, so that a Session read back equals the
// one written.
func truncMS(t time.Time) time.Time { return msTime(t.UnixMilli()) }
