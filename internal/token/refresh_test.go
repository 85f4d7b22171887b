package token

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/store"
)

// refreshFixture is one Refresh over one backend, with a settable clock.
type refreshFixture struct {
	r     *Refresh
	kv    RefreshKV
	clock *clock
	sids  []string
	mu    sync.Mutex
}

// newKV opens a backend; memkv shares the fixture's clock, Redis keeps its own (the Refresh
// decides expiry and grace on the injected clock; the store's ttls are only the backstop).
type newKV func(t *testing.T, c *clock) RefreshKV

func newRefreshFixture(t *testing.T, open newKV) *refreshFixture {
	t.Helper()
	c := newClock()
	kv := open(t, c)
	f := &refreshFixture{kv: kv, clock: c}
	f.r = &Refresh{KV: kv, Sealer: newSealer(t), Now: c.now, TTL: time.Hour}
	t.Cleanup(func() {
		for _, sid := range f.sids {
			if err := f.r.RevokeSession(context.Background(), sid); err != nil {
				t.Errorf("cleanup %s: %v", sid, err)
			}
		}
	})
	return f
}

// sid returns a fresh session id, revoked when the test ends.
func (f *refreshFixture) sid() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	sid := base64.RawURLEncoding.EncodeToString(b)
	f.mu.Lock()
	f.sids = append(f.sids, sid)
	f.mu.Unlock()
	return sid
}

const (
	ua      = "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"
	otherUA = "curl/8.9"
	ip      = "192.0.2.10"
)

func (f *refreshFixture) issue(t *testing.T, sid string) (string, *Family) {
	t.Helper()
	tok, fam, err := f.r.Issue(context.Background(), Binding{SessionID: sid, UserID: "u-1", System: "sys-a", UserAgent: ua, IP: ip})
	if err != nil {
		t.Fatal(err)
	}
	return tok, fam
}

func (f *refreshFixture) rotate(t *testing.T, tok string) (string, *Family) {
	t.Helper()
	next, fam, err := f.r.Rotate(context.Background(), tok, ua, ip)
	if err != nil {
		t.Fatalf("rotate: %v", err)
	}
	return next, fam
}

// raw returns the stored record of a family (nil when it is gone).
func (f *refreshFixture) raw(t *testing.T, sid, family string) []byte {
	t.Helper()
	b, err := f.kv.Get(context.Background(), familyKey(sid, family))
	if errors.Is(err, domain.ErrNotFound) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func wantInvalid(t *testing.T, err error, reuse bool) {
	t.Helper()
	wantCode(t, err, domain.CodeTokenInvalid)
	if errors.Is(err, ErrReuse) != reuse {
		t.Fatalf("errors.Is(%v, ErrReuse) = %v, want %v", err, !reuse, reuse)
	}
}

// runRefreshSuite runs every refresh-family rule against one backend.
func runRefreshSuite(t *testing.T, open newKV) {
	tests := []struct {
		name string
		fn   func(t *testing.T, f *refreshFixture)
	}{
		{"IssueStoresOnlyAHash", testIssueStoresOnlyAHash},
		{"RotationChain", testRotationChain},
		{"GraceRetryReturnsSameSuccessor", testGraceRetry},
		{"ReuseAfterGraceKillsFamily", testReuseAfterGrace},
		{"OlderTokenKillsFamily", testOlderTokenReuse},
		{"OtherDeviceChangesNothing", testOtherDevice},
		{"BindIP", testBindIP},
		{"NoGrace", testNoGrace},
		{"Expiry", testExpiry},
		{"Garbled", testGarbled},
		{"Revoke", testRevoke},
		{"RevokeSession", testRevokeSession},
		{"ConcurrentPresentations", testConcurrentPresentations},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, newRefreshFixture(t, open)) })
	}
}

func testIssueStoresOnlyAHash(t *testing.T, f *refreshFixture) {
	sid := f.sid()
	tok, fam := f.issue(t, sid)
	p, ok := parseRefresh(tok)
	if !ok || p.sid != sid || p.family != fam.ID {
		t.Fatalf("token %q does not parse to its family %s", tok, fam.ID)
	}
	secret, _ := base64.RawURLEncoding.DecodeString(p.secret)
	if len(secret) < 32 {
		t.Fatalf("secret of %d bytes", len(secret))
	}
	if fam.SessionID != sid || fam.UserID != "u-1" || fam.System != "sys-a" || fam.Generation != 1 ||
		!fam.CreatedAt.Equal(f.clock.now().Truncate(time.Millisecond)) || !fam.ExpiresAt.Equal(fam.CreatedAt.Add(time.Hour)) || !fam.RotatedAt.IsZero() {
		t.Fatalf("family %+v", fam)
	}
	raw := f.raw(t, sid, fam.ID)
	if len(raw) == 0 || len(raw) > 400 {
		t.Fatalf("record of %d bytes: %s", len(raw), raw)
	}
	for _, leak := range []string{tok, p.secret, base64.StdEncoding.EncodeToString(secret)} {
		if strings.Contains(string(raw), leak) {
			t.Fatalf("the record holds the token: %s", raw)
		}
	}
	next, _ := f.rotate(t, tok)
	raw = f.raw(t, sid, fam.ID)
	if len(raw) > 400 || strings.Contains(string(raw), next) || strings.Contains(string(raw), strings.Split(next, ".")[2]) {
		t.Fatalf("after rotation, record of %d bytes: %s", len(raw), raw)
	}
	sealed, err := f.kv.Get(context.Background(), successorKey(sid, fam.ID))
	if err != nil || strings.Contains(string(sealed), strings.Split(next, ".")[2]) {
		t.Fatalf("successor %q, %v", sealed, err)
	}
	got, err := f.r.Families(context.Background(), sid)
	if err != nil || len(got) != 1 || got[0].ID != fam.ID || got[0].Generation != 2 {
		t.Fatalf("Families: %+v %v", got, err)
	}
}

func testRotationChain(t *testing.T, f *refreshFixture) {
	sid := f.sid()
	tok, first := f.issue(t, sid)
	seen := map[string]bool{tok: true}
	for i := 2; i <= 6; i++ {
		f.clock.advance(time.Minute)
		next, fam := f.rotate(t, tok)
		if seen[next] {
			t.Fatalf("generation %d repeats a token", i)
		}
		seen[next] = true
		if fam.Generation != i || fam.ID != first.ID || !fam.ExpiresAt.Equal(first.ExpiresAt) ||
			!fam.RotatedAt.Equal(f.clock.now().Truncate(time.Millisecond)) {
			t.Fatalf("generation %d: %+v (first %+v)", i, fam, first)
		}
		tok = next
	}
}

func testGraceRetry(t *testing.T, f *refreshFixture) {
	sid := f.sid()
	t1, _ := f.issue(t, sid)
	t2, fam := f.rotate(t, t1)
	for _, after := range []time.Duration{0, 5 * time.Second, DefaultGrace} {
		f.clock.set(fam.RotatedAt.Add(after))
		again, fam2 := f.rotate(t, t1)
		if again != t2 || fam2.Generation != fam.Generation {
			t.Fatalf("%v after rotation: another successor (generation %d, want %d)", after, fam2.Generation, fam.Generation)
		}
	}
	t3, fam3 := f.rotate(t, t2) // the successor itself still rotates normally
	if t3 == t2 || fam3.Generation != 3 {
		t.Fatalf("generation %d", fam3.Generation)
	}
}

func testReuseAfterGrace(t *testing.T, f *refreshFixture) {
	sid := f.sid()
	t1, _ := f.issue(t, sid)
	other, otherFam := f.issue(t, sid) // another family of the same session
	t2, fam := f.rotate(t, t1)
	f.clock.set(fam.RotatedAt.Add(DefaultGrace + time.Millisecond))
	_, _, err := f.r.Rotate(context.Background(), t1, ua, ip)
	wantInvalid(t, err, true)
	if f.raw(t, sid, fam.ID) != nil {
		t.Fatal("the family survived")
	}
	_, _, err = f.r.Rotate(context.Background(), t2, ua, ip)
	wantInvalid(t, err, false) // the successor died with it; that is no new reuse
	if _, oth := f.rotate(t, other); oth.ID != otherFam.ID {
		t.Fatal("the other family changed")
	}
	fams, err := f.r.Families(context.Background(), sid)
	if err != nil || len(fams) != 1 || fams[0].ID != otherFam.ID {
		t.Fatalf("Families after reuse: %+v %v", fams, err)
	}
}

func testOlderTokenReuse(t *testing.T, f *refreshFixture) {
	sid := f.sid()
	t1, _ := f.issue(t, sid)
	t2, _ := f.rotate(t, t1)
	t3, fam := f.rotate(t, t2) // within the grace window of both rotations
	_, _, err := f.r.Rotate(context.Background(), t1, ua, ip)
	wantInvalid(t, err, true)
	if f.raw(t, sid, fam.ID) != nil {
		t.Fatal("the family survived an older token")
	}
	_, _, err = f.r.Rotate(context.Background(), t3, ua, ip)
	wantInvalid(t, err, false)
}

func testOtherDevice(t *testing.T, f *refreshFixture) {
	ctx := context.Background()
	sid := f.sid()
	t1, _ := f.issue(t, sid)
	t2, fam := f.rotate(t, t1)
	before := f.raw(t, sid, fam.ID)
	for _, tok := range []string{t2, t1} { // the current token, and the previous one
		for _, after := range []time.Duration{0, time.Hour / 2} { // within and after grace
			f.clock.set(fam.RotatedAt.Add(after))
			_, _, err := f.r.Rotate(ctx, tok, otherUA, ip)
			wantInvalid(t, err, false)
			_, _, err = f.r.Rotate(ctx, tok, "", ip)
			wantInvalid(t, err, false)
			if got := f.raw(t, sid, fam.ID); string(got) != string(before) {
				t.Fatalf("a presentation from another device changed the family:\n%s\n%s", before, got)
			}
		}
	}
	// Without BindIP the IP may change (mobile networks); the owner keeps working.
	if _, _, err := f.r.Rotate(ctx, t2, ua, "198.51.100.7"); err != nil {
		t.Fatal(err)
	}
}

func testBindIP(t *testing.T, f *refreshFixture) {
	ctx := context.Background()
	f.r.BindIP = true
	sid := f.sid()
	t1, fam := f.issue(t, sid)
	before := f.raw(t, sid, fam.ID)
	for _, other := range []string{"192.0.2.11", "", "2001:db8::1"} {
		_, _, err := f.r.Rotate(ctx, t1, ua, other)
		wantInvalid(t, err, false)
	}
	if string(f.raw(t, sid, fam.ID)) != string(before) {
		t.Fatal("another IP changed the family")
	}
	// The same address in its IPv4-mapped IPv6 spelling is the same address.
	t2, _, err := f.r.Rotate(ctx, t1, ua, "::ffff:"+ip)
	if err != nil {
		t.Fatal(err)
	}
	// A family keeps the binding it was issued with when the setting changes.
	f.r.BindIP = false
	_, _, err = f.r.Rotate(ctx, t2, ua, "192.0.2.99")
	wantInvalid(t, err, false)
	unbound, _, err := f.r.Issue(ctx, Binding{SessionID: sid, UserID: "u-1", UserAgent: ua, IP: ip})
	if err != nil {
		t.Fatal(err)
	}
	f.r.BindIP = true
	if _, _, err := f.r.Rotate(ctx, unbound, ua, "192.0.2.99"); err != nil {
		t.Fatalf("an unbound family became bound: %v", err)
	}
}

func testNoGrace(t *testing.T, f *refreshFixture) {
	f.r.Grace = -1
	sid := f.sid()
	t1, _ := f.issue(t, sid)
	f.rotate(t, t1)
	_, _, err := f.r.Rotate(context.Background(), t1, ua, ip)
	wantInvalid(t, err, true)
}

func testExpiry(t *testing.T, f *refreshFixture) {
	ctx := context.Background()
	sid := f.sid()
	t1, first := f.issue(t, sid)
	f.clock.advance(30 * time.Minute)
	t2, fam := f.rotate(t, t1)
	if !fam.ExpiresAt.Equal(first.ExpiresAt) {
		t.Fatalf("rotation moved the expiry from %v to %v", first.ExpiresAt, fam.ExpiresAt)
	}
	f.clock.set(first.ExpiresAt.Add(-time.Millisecond))
	t3, _ := f.rotate(t, t2)
	f.clock.set(first.ExpiresAt)
	_, _, err := f.r.Rotate(ctx, t3, ua, ip)
	wantInvalid(t, err, false)
	_, _, err = f.r.Rotate(ctx, t1, ua, ip) // an old token of an expired family: no reuse alarm
	wantInvalid(t, err, false)
	fams, err := f.r.Families(ctx, sid)
	if err != nil || len(fams) != 0 {
		t.Fatalf("Families of an expired family: %+v %v", fams, err)
	}
}

func testGarbled(t *testing.T, f *refreshFixture) {
	ctx := context.Background()
	sid := f.sid()
	tok, fam := f.issue(t, sid)
	before := f.raw(t, sid, fam.ID)
	p, _ := parseRefresh(tok)
	otherSecret := strings.Repeat("A", secretLen)
	for name, bad := range map[string]string{
		"empty":            "",
		"one part":         p.secret,
		"two parts":        p.sid + "." + p.family,
		"four parts":       tok + ".x",
		"trailing newline": tok + "\n",
		"padding":          tok + "=",
		"short secret":     tok[:len(tok)-1],
		"long secret":      tok + "A",
		"stray bits":       p.sid + "." + p.family + "." + flipLastBits(p.secret),
		"brace in sid":     "{x}." + p.family + "." + p.secret,
		"empty sid":        "." + p.family + "." + p.secret,
		"unknown family":   p.sid + "." + strings.Repeat("B", familyLen-1) + "A." + p.secret,
		"other session":    f.sid() + "." + p.family + "." + p.secret,
		"standard base64":  p.sid + "." + p.family + "." + strings.Repeat("+", secretLen-1) + "A",
		"oversized":        strings.Repeat("a", 100_000),
		"sid of 129 bytes": strings.Repeat("s", 129) + "." + p.family + "." + p.secret,
	} {
		_, _, err := f.r.Rotate(ctx, bad, ua, ip)
		if err == nil {
			t.Fatalf("%s: rotated", name)
		}
		wantInvalid(t, err, false)
		if string(f.raw(t, sid, fam.ID)) != string(before) {
			t.Fatalf("%s changed the family", name)
		}
	}
	// A well-formed token of a live family with a secret it never issued: only someone who saw
	// a token of this family knows its id, so this counts as reuse.
	_, _, err := f.r.Rotate(ctx, p.sid+"."+p.family+"."+otherSecret, ua, ip)
	wantInvalid(t, err, true)
	if f.raw(t, sid, fam.ID) != nil {
		t.Fatal("the family survived")
	}
}

func testRevoke(t *testing.T, f *refreshFixture) {
	ctx := context.Background()
	sid := f.sid()
	t1, _ := f.issue(t, sid)
	t2, fam := f.rotate(t, t1)
	t3, _ := f.rotate(t, t2)
	err := f.r.Revoke(ctx, t1) // older than the previous one: refused, nothing changes
	wantInvalid(t, err, false)
	if f.raw(t, sid, fam.ID) == nil {
		t.Fatal("an old token revoked the family")
	}
	wantInvalid(t, f.r.Revoke(ctx, "garbage"), false)
	if err := f.r.Revoke(ctx, t2); err != nil { // the previous token may revoke (a tab behind)
		t.Fatal(err)
	}
	if f.raw(t, sid, fam.ID) != nil {
		t.Fatal("the family survived Revoke")
	}
	if err := f.r.Revoke(ctx, t3); err != nil {
		t.Fatalf("revoking twice: %v", err)
	}
	_, _, err = f.r.Rotate(ctx, t3, ua, ip)
	wantInvalid(t, err, false)
	if fams, err := f.r.Families(ctx, sid); err != nil || len(fams) != 0 {
		t.Fatalf("Families: %+v %v", fams, err)
	}
}

func testRevokeSession(t *testing.T, f *refreshFixture) {
	ctx := context.Background()
	a, b := f.sid(), f.sid()
	a1, _ := f.issue(t, a)
	a2, _ := f.issue(t, a)
	a2, _ = f.rotate(t, a2)
	b1, bf := f.issue(t, b)
	if fams, err := f.r.Families(ctx, a); err != nil || len(fams) != 2 {
		t.Fatalf("Families before: %+v %v", fams, err)
	}
	if err := f.r.RevokeSession(ctx, a); err != nil {
		t.Fatal(err)
	}
	for _, tok := range []string{a1, a2} {
		_, _, err := f.r.Rotate(ctx, tok, ua, ip)
		wantInvalid(t, err, false)
	}
	if fams, err := f.r.Families(ctx, a); err != nil || len(fams) != 0 {
		t.Fatalf("Families after: %+v %v", fams, err)
	}
	if _, fam := f.rotate(t, b1); fam.ID != bf.ID {
		t.Fatal("another session's family was touched")
	}
	if err := f.r.RevokeSession(ctx, a); err != nil {
		t.Fatalf("twice: %v", err)
	}
	if err := f.r.RevokeSession(ctx, "{bad}"); domain.ErrorCode(err) != domain.CodeInvalidInput {
		t.Fatalf("malformed sid: %v", err)
	}
}

// testConcurrentPresentations: a thousand concurrent presentations of one token yield exactly
// one successor; every caller gets it or an error, and the family lives on.
func testConcurrentPresentations(t *testing.T, f *refreshFixture) {
	ctx := context.Background()
	sid := f.sid()
	tok, fam := f.issue(t, sid)
	const n, gate = 1000, 64
	// The first 64 readers of the record are held until all 64 have read it, so that at least
	// 63 of them lose the race to write it.
	counted := &racesKV{RefreshKV: f.kv, gate: gate, open: make(chan struct{})}
	f.r.KV = counted
	results := make([]string, n)
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			results[i], _, errs[i] = f.r.Rotate(ctx, tok, ua, ip)
		})
	}
	close(start)
	wg.Wait()
	successors := map[string]int{}
	failed := 0
	for i := range n {
		if errs[i] != nil {
			failed++
			if errors.Is(errs[i], ErrReuse) {
				t.Fatalf("a concurrent presentation was taken for reuse: %v", errs[i])
			}
			continue
		}
		successors[results[i]]++
	}
	if len(successors) != 1 {
		t.Fatalf("%d distinct successors", len(successors))
	}
	t.Logf("%d of %d presentations failed (e.g. %v); %d writes lost a race and were retried",
		failed, n, firstErr(errs), counted.lost.Load())
	if counted.lost.Load() < gate-1 {
		t.Fatalf("only %d lost races: the race was not exercised", counted.lost.Load())
	}
	var next string
	for s := range successors {
		next = s
	}
	if _, got := f.rotate(t, next); got.Generation != 3 || got.ID != fam.ID {
		t.Fatalf("after the race: %+v", got)
	}
}

// racesKV holds the first gate reads of a family record until all of them are done, and counts
// the transactions whose condition failed: lost races.
type racesKV struct {
	RefreshKV
	lost    atomic.Int64
	gate    int64
	arrived atomic.Int64
	open    chan struct{}
}

func (k *racesKV) Get(ctx context.Context, key string) ([]byte, error) {
	v, err := k.RefreshKV.Get(ctx, key)
	if strings.HasPrefix(key, "rt:") {
		if n := k.arrived.Add(1); n <= k.gate {
			if n == k.gate {
				close(k.open)
			}
			<-k.open
		}
	}
	return v, err
}

func (k *racesKV) Txn(ctx context.Context, conds []store.Cond, ops []store.Op) (bool, error) {
	ok, err := k.RefreshKV.Txn(ctx, conds, ops)
	if err == nil && !ok {
		k.lost.Add(1)
	}
	return ok, err
}

func firstErr(errs []error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
