package session

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"github.com/gatehouse/gatehouse/internal/testenv"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/domain"
)

// The suite runs against every backend. The manager's clock is injected everywhere; on Redis the
// store keeps its own clock, which is harmless because the manager checks expiry itself and
// every ttl it writes is relative. Where the suite reads a ttl back from the store it allows a
// minute of slack, so a slow run cannot make it fail.

// clock is a settable clock.
type clock = testenv.Clock

func newClock() *clock { return testenv.NewClock(time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)) }

// backend returns an empty store of its own, closed when t ends; now is the clock the store may
// follow (memkv does, Redis does not).
type backend func(t testing.TB, now func() time.Time) KV

// fixture is one test's manager, its store and its clock.
type fixture struct {
	kv    KV
	clock *clock
	m     *Manager
	ended *endLog
}

// endLog records the OnEnd calls.
type endLog struct {
	mu    sync.Mutex
	calls []string // "sid reason"
}

func (l *endLog) hook(_ context.Context, s *Session, reason string) error {
	l.mu.Lock()
	l.calls = append(l.calls, s.ID+" "+reason)
	l.mu.Unlock()
	return nil
}

func (l *endLog) get() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.calls)
}

func newFixture(t testing.TB, newKV backend) *fixture {
	c := newClock()
	kv := newKV(t, c.Now)
	f := &fixture{kv: kv, clock: c, ended: &endLog{}}
	f.m = &Manager{KV: kv, Policy: DefaultPolicy(), Now: c.Now, Rand: rand.Reader}
	f.m.OnEnd = append(f.m.OnEnd, f.ended.hook)
	return f
}

// runSuite runs every behaviour of the manager against one backend.
func runSuite(t *testing.T, newKV backend) {
	for _, c := range []struct {
		name string
		run  func(t *testing.T, f *fixture)
	}{
		{"CreateGetAuthenticate", testCreate},
		{"NewIDEveryCreate", testNewIDs},
		{"CreateValidates", testCreateValidates},
		{"BadCookies", testBadCookies},
		{"BadIDs", testBadIDs},
		{"BrokenEntropy", testBrokenEntropy},
		{"IdleExpiry", testIdleExpiry},
		{"AbsoluteExpiry", testAbsoluteExpiry},
		{"RememberLimits", testRemember},
		{"TouchThrottled", testTouchThrottled},
		{"TouchNeverPastAbsolute", testTouchAbsolute},
		{"TouchAfterEnd", testTouchAfterEnd},
		{"TouchKeepsJoins", testTouchKeepsJoins},
		{"EndHooks", testEndHooks},
		{"EndHookErrors", testEndHookErrors},
		{"EndConcurrent", testEndConcurrent},
		{"EndUser", testEndUser},
		{"ListNewestFirstAndPrunes", testList},
		{"Join", testJoin},
		{"JoinConcurrent", testJoinConcurrent},
	} {
		t.Run(c.name, func(t *testing.T) { c.run(t, newFixture(t, newKV)) })
	}
}

// create opens a session for user or fails the test.
func (f *fixture) create(t testing.TB, user string, remember bool) (*Session, string) {
	t.Helper()
	s, cookie, err := f.m.Create(t.Context(), NewSession{
		UserID: user, Username: "name-" + user, IP: "203.0.113.7",
		UserAgent: "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0", Remember: remember,
	})
	if err != nil {
		t.Fatalf("Create(%s): %v", user, err)
	}
	return s, cookie
}

// wantEnded fails unless err is the one session_expired answer.
func wantEnded(t testing.TB, what string, err error) {
	t.Helper()
	if domain.ErrorCode(err) != domain.CodeSessionExpired || domain.ErrorMessage(err) != domain.ErrorMessage(errEnded()) {
		t.Fatalf("%s: %v, want the session_expired answer", what, err)
	}
}

// alive fails unless the session can be read by id and by cookie.
func (f *fixture) alive(t testing.TB, s *Session, cookie string) *Session {
	t.Helper()
	got, err := f.m.Get(t.Context(), s.ID)
	if err != nil {
		t.Fatalf("Get(%s) at %v: %v", s.ID, f.clock.Now(), err)
	}
	if _, err := f.m.Authenticate(t.Context(), cookie); err != nil {
		t.Fatalf("Authenticate at %v: %v", f.clock.Now(), err)
	}
	return got
}

// gone fails unless neither the id nor the cookie finds the session.
func (f *fixture) gone(t testing.TB, s *Session, cookie string) {
	t.Helper()
	_, err := f.m.Get(t.Context(), s.ID)
	wantEnded(t, "Get at "+f.clock.Now().String(), err)
	_, err = f.m.Authenticate(t.Context(), cookie)
	wantEnded(t, "Authenticate at "+f.clock.Now().String(), err)
}

// ttl reads a key's remaining life from the store.
func (f *fixture) ttl(t testing.TB, key string) time.Duration {
	t.Helper()
	d, err := f.kv.TTL(t.Context(), key)
	if err != nil {
		t.Fatalf("TTL(%s): %v", key, err)
	}
	return d
}

// near fails unless got lies in (want-slack, want].
func near(t testing.TB, what string, got, want time.Duration) {
	t.Helper()
	if got > want || got <= want-time.Minute {
		t.Fatalf("%s = %v, want (%v - 1m, %v]", what, got, want, want)
	}
}

func equalSession(a, b *Session) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb) && string(a.SecretHash) == string(b.SecretHash) && a.IdleTTL == b.IdleTTL
}

func testCreate(t *testing.T, f *fixture) {
	ctx := t.Context()
	now := f.clock.Now()
	s, cookie := f.create(t, "u1", false)
	if !ValidID(s.ID) || len(s.ID) != 26 {
		t.Fatalf("session id %q: want 26 characters of lower-case base32", s.ID)
	}
	sid, secret, ok := strings.Cut(cookie, ".")
	if !ok || sid != s.ID || len(secret) != 43 || len(cookie) != CookieLen {
		t.Fatalf("cookie %q: want <sid>.<43 characters of base64url>", cookie)
	}
	if !ValidID(s.DeviceID) {
		t.Fatalf("generated device id %q: want a random id", s.DeviceID)
	}
	want := &Session{ID: s.ID, UserID: "u1", Username: "name-u1", DeviceID: s.DeviceID, IP: "203.0.113.7",
		UserAgent: "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0", CreatedAt: now, LastSeen: now,
		IdleTTL: 30 * time.Minute, AbsoluteExp: now.Add(12 * time.Hour), SecretHash: s.SecretHash}
	if !equalSession(s, want) || len(s.SecretHash) != 32 {
		t.Fatalf("Create = %+v\nwant %+v", s, want)
	}
	if got := s.ExpiresAt(); !got.Equal(now.Add(30 * time.Minute)) {
		t.Fatalf("ExpiresAt = %v, want now + 30m", got)
	}
	if got := f.alive(t, s, cookie); !equalSession(got, s) {
		t.Fatalf("Get = %+v\nwant %+v", got, s)
	}
	if got, _ := f.m.Authenticate(ctx, cookie); !equalSession(got, s) {
		t.Fatalf("Authenticate = %+v\nwant %+v", got, s)
	}

	raw, err := f.kv.Get(ctx, "sess:{"+s.ID+"}")
	if err != nil {
		t.Fatalf("the session key: %v", err)
	}
	if len(raw) > 400 || strings.Contains(string(raw), secret) || strings.Contains(string(raw), s.ID) {
		t.Fatalf("stored session (%d bytes) %s: want compact JSON without the secret or the id", len(raw), raw)
	}
	near(t, "ttl of the session key", f.ttl(t, "sess:{"+s.ID+"}"), 30*time.Minute)
	if d := f.ttl(t, "usess:{u1}"); d < 12*time.Hour-time.Minute {
		t.Fatalf("ttl of the user index = %v, want at least the absolute limit 12h", d)
	}
	members, err := f.kv.SetMembers(ctx, "usess:{u1}")
	if err != nil || !slices.Equal(members, []string{s.ID}) {
		t.Fatalf("user index = %v, %v; want [%s]", members, err, s.ID)
	}

	j, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	for _, leak := range []string{"SecretHash", "secret", "IdleTTL", string(s.SecretHash)} {
		if strings.Contains(string(j), leak) {
			t.Fatalf("JSON of a session %s holds %q", j, leak)
		}
	}
	if jv, _ := json.Marshal(*s); string(jv) != string(j) || !strings.Contains(string(j), `"expires_at"`) {
		t.Fatalf("JSON of a session value %s, of a pointer %s: want the same, with expires_at", jv, j)
	}

	dev, _, err := f.m.Create(ctx, NewSession{UserID: "u1", DeviceID: "dev_A-1"})
	if err != nil || dev.DeviceID != "dev_A-1" {
		t.Fatalf("Create with a device id = %+v, %v; want the device id kept", dev, err)
	}
}

func testNewIDs(t *testing.T, f *fixture) {
	seen := map[string]bool{}
	for range 50 {
		s, cookie := f.create(t, "u1", false)
		_, secret, _ := strings.Cut(cookie, ".")
		for _, v := range []string{s.ID, secret, s.DeviceID} {
			if seen[v] {
				t.Fatalf("%q came twice", v)
			}
			seen[v] = true
		}
	}
	list, err := f.m.List(t.Context(), "u1")
	if err != nil || len(list) != 50 {
		t.Fatalf("List after 50 sign-ins: %d sessions, %v; want 50", len(list), err)
	}
}

func testCreateValidates(t *testing.T, f *fixture) {
	for _, c := range []struct {
		name, field string
		n           NewSession
	}{
		{"no user", "user_id", NewSession{}},
		{"brace in user id", "user_id", NewSession{UserID: "u}x"}},
		{"control in user id", "user_id", NewSession{UserID: "u\n"}},
		{"long user id", "user_id", NewSession{UserID: strings.Repeat("u", 129)}},
		{"invalid username", "username", NewSession{UserID: "u", Username: "\xff"}},
		{"device id with a dot", "device_id", NewSession{UserID: "u", DeviceID: "a.b"}},
		{"long device id", "device_id", NewSession{UserID: "u", DeviceID: strings.Repeat("d", 65)}},
		{"long ip", "ip", NewSession{UserID: "u", IP: strings.Repeat("1", 65)}},
	} {
		_, _, err := f.m.Create(t.Context(), c.n)
		var de *domain.Error
		if !errors.As(err, &de) || de.Code != domain.CodeInvalidInput || len(de.Fields) != 1 || de.Fields[0].Field != c.field {
			t.Fatalf("%s: %v, want invalid_input on %s", c.name, err, c.field)
		}
	}
	for _, uid := range []string{"u", "u}x", "u\n"} {
		if members, _ := f.kv.SetMembers(t.Context(), "usess:{"+uid+"}"); len(members) != 0 {
			t.Fatalf("refused sign-ins wrote the index of %q: %v", uid, members)
		}
	}

	long := strings.Repeat("é", 200) // 400 bytes
	s, _, err := f.m.Create(t.Context(), NewSession{UserID: "u", UserAgent: long + "\xff"})
	if err != nil || len(s.UserAgent) > maxUserAgentLen || !strings.HasPrefix(long, s.UserAgent) || s.UserAgent == "" {
		t.Fatalf("a 400-byte User-Agent became %q (%d bytes), %v; want it cut at 256 bytes on a character boundary",
			s.UserAgent, len(s.UserAgent), err)
	}

	unusable := &Manager{KV: f.kv, Now: f.clock.Now}
	if _, _, err := unusable.Create(t.Context(), NewSession{UserID: "u"}); domain.ErrorCode(err) != domain.CodeInternal {
		t.Fatalf("Create under a zero Policy: %v, want internal", err)
	}
}

func testBadCookies(t *testing.T, f *fixture) {
	s, cookie := f.create(t, "u1", false)
	_, other := f.create(t, "u2", false)
	sid, secret, _ := strings.Cut(cookie, ".")
	_, otherSecret, _ := strings.Cut(other, ".")
	flip := []byte(secret)
	flip[0] ^= 1
	// The last of 43 characters carries 4 bits of the secret and 2 that must be zero.
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	lastBits := []byte(secret)
	lastBits[42] = alphabet[strings.IndexByte(alphabet, lastBits[42])|1]
	for name, v := range map[string]string{
		"empty":                "",
		"the sid alone":        sid,
		"the sid and a dot":    sid + ".",
		"the secret alone":     secret,
		"another's secret":     sid + "." + otherSecret,
		"a flipped secret":     sid + "." + string(flip),
		"non-canonical secret": sid + "." + string(lastBits),
		"upper-case sid":       strings.ToUpper(sid) + "." + secret,
		"padded secret":        sid + "." + secret + "=",
		"trailing space":       cookie + " ",
		"two dots":             sid + ".." + secret[1:],
		"standard base64":      sid + ".+" + secret[1:],
		"garbage":              "garbage",
		"oversized":            cookie + strings.Repeat("A", 64<<10),
		"unknown sid":          strings.Repeat("a", 26) + "." + secret,
	} {
		got, err := f.m.Authenticate(t.Context(), v)
		if got != nil {
			t.Fatalf("%s: Authenticate returned a session", name)
		}
		wantEnded(t, name, err)
	}
	f.alive(t, s, cookie)
}

func testBadIDs(t *testing.T, f *fixture) {
	_, cookie := f.create(t, "u1", false)
	for _, sid := range []string{"", cookie, "sess:{x}", strings.Repeat("a", 26), "{" + strings.Repeat("a", 24) + "}"} {
		_, err := f.m.Get(t.Context(), sid)
		wantEnded(t, "Get("+sid+")", err)
		if err := f.m.End(t.Context(), sid, "logout"); err != nil {
			t.Fatalf("End(%q): %v, want nil", sid, err)
		}
		if err := f.m.Join(t.Context(), sid, "crm"); domain.ErrorCode(err) != domain.CodeSessionExpired {
			t.Fatalf("Join(%q): %v, want session_expired", sid, err)
		}
	}
	for _, uid := range []string{"", "a{b}c"} {
		if _, err := f.m.List(t.Context(), uid); domain.ErrorCode(err) != domain.CodeInvalidInput {
			t.Fatalf("List(%q): %v, want invalid_input", uid, err)
		}
		if _, err := f.m.EndUser(t.Context(), uid, "", "x"); domain.ErrorCode(err) != domain.CodeInvalidInput {
			t.Fatalf("EndUser(%q): %v, want invalid_input", uid, err)
		}
	}
	if len(f.ended.get()) != 0 {
		t.Fatalf("hooks ran: %v", f.ended.get())
	}
}

// zeros is broken entropy: every id the same.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

type failing struct{}

func (failing) Read([]byte) (int, error) { return 0, errors.New("no entropy") }

func testBrokenEntropy(t *testing.T, f *fixture) {
	f.m.Rand = zeros{}
	s, cookie := f.create(t, "u1", false)
	if _, _, err := f.m.Create(t.Context(), NewSession{UserID: "u2"}); domain.ErrorCode(err) != domain.CodeInternal {
		t.Fatalf("a second Create with the same id: %v, want internal", err)
	}
	if got := f.alive(t, s, cookie); got.UserID != "u1" {
		t.Fatalf("the first session now belongs to %s", got.UserID)
	}
	f.m.Rand = failing{}
	if _, _, err := f.m.Create(t.Context(), NewSession{UserID: "u3"}); domain.ErrorCode(err) != domain.CodeInternal {
		t.Fatalf("Create without entropy: %v, want internal", err)
	}
}
