package throttle

import (
	"context"
	"fmt"
	"github.com/gatehouse/gatehouse/internal/testenv"
	"sync"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/store/kv/memkv"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// clock is the shared settable test clock.
type clock = testenv.Clock

type fixture struct {
	t   *testing.T
	th  *Throttle
	kv  *memkv.Store
	clk *clock
	reg *prometheus.Registry
}

func newFixture(t *testing.T, l Limits) *fixture {
	clk := testenv.NewClock(time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC))
	kv := memkv.New(memkv.Options{Now: clk.Now})
	t.Cleanup(func() { kv.Close() })
	reg := prometheus.NewRegistry()
	return &fixture{t: t, kv: kv, clk: clk, reg: reg,
		th: &Throttle{KV: kv, Limits: l, Now: clk.Now, Metrics: NewMetrics(reg)}}
}

func (f *fixture) check(user, ip string) Verdict {
	f.t.Helper()
	v, err := f.th.Check(context.Background(), user, ip)
	if err != nil {
		f.t.Fatalf("Check(%q, %q): %v", user, ip, err)
	}
	return v
}

func (f *fixture) fail(user, ip string) Verdict {
	f.t.Helper()
	v, err := f.th.Fail(context.Background(), user, ip)
	if err != nil {
		f.t.Fatalf("Fail(%q, %q): %v", user, ip, err)
	}
	return v
}

func (f *fixture) succeed(user, ip string) {
	f.t.Helper()
	if err := f.th.Succeed(context.Background(), user, ip); err != nil {
		f.t.Fatalf("Succeed(%q, %q): %v", user, ip, err)
	}
}

// metric returns the value of a counter in the fixture's registry (0 when absent).
func (f *fixture) metric(name, scope string) float64 {
	f.t.Helper()
	families, err := f.reg.Gather()
	if err != nil {
		f.t.Fatal(err)
	}
	for _, fam := range families {
		if fam.GetName() != name {
			continue
		}
		for _, m := range fam.GetMetric() {
			if scope == "" || labelIs(m, "scope", scope) {
				return m.GetCounter().GetValue()
			}
		}
	}
	return 0
}

func labelIs(m *dto.Metric, name, value string) bool {
	for _, l := range m.GetLabel() {
		if l.GetName() == name && l.GetValue() == value {
			return true
		}
	}
	return false
}

const (
	jack     = "jack"
	home     = "198.51.100.20"
	attacker = "203.0.113.66"
	ms       = time.Millisecond
)

var (
	clean  = Verdict{}
	need   = Verdict{CaptchaRequired: true}
	waitOf = func(d time.Duration) Verdict { return Verdict{CaptchaRequired: true, Delay: d} }
	lockOf = func(d time.Duration) Verdict { return Verdict{Locked: true, RetryAfter: d} }
)

// The sequence of the defaults: captcha after 3, delays 0.5 s doubling from 5 and capped at
// 8 s, lock at 10 for 15 minutes, counting down to its end.
func TestEscalation(t *testing.T) {
	f := newFixture(t, DefaultLimits())
	if v := f.check(jack, attacker); v != clean {
		t.Fatalf("first attempt: %+v, want nothing asked", v)
	}
	want := []Verdict{
		1: clean, 2: clean,
		3: need, 4: need,
		5: waitOf(500 * ms), 6: waitOf(time.Second), 7: waitOf(2 * time.Second),
		8: waitOf(4 * time.Second), 9: waitOf(8 * time.Second),
		10: lockOf(15 * time.Minute),
	}
	for n := 1; n <= 10; n++ {
		f.clk.Add(time.Second)
		if v := f.fail(jack, attacker); v != want[n] {
			t.Fatalf("after failure %d Fail says %+v, want %+v", n, v, want[n])
		}
		if v := f.check(jack, attacker); v != want[n] {
			t.Fatalf("after failure %d Check says %+v, want %+v", n, v, want[n])
		}
	}

	f.clk.Add(5 * time.Minute)
	if v := f.check(jack, attacker); v != lockOf(10*time.Minute) {
		t.Fatalf("5 minutes into the lock: %+v", v)
	}
	f.clk.Add(10*time.Minute - ms)
	if v := f.check(jack, attacker); v != lockOf(ms) {
		t.Fatalf("1 ms before the lock ends: %+v", v)
	}
	// The lock ends with the window of the failures that made it: the pair starts afresh.
	f.clk.Add(ms)
	if v := f.check(jack, attacker); v != clean {
		t.Fatalf("after the lock: %+v, want nothing asked", v)
	}

	if got := f.metric("gatehouse_login_failures_total", "pair"); got != 10 {
		t.Errorf("failures{pair} = %v, want 10", got)
	}
	if got := f.metric("gatehouse_login_locks_total", "pair"); got != 1 {
		t.Errorf("locks{pair} = %v, want 1", got)
	}
	if got := f.metric("gatehouse_login_locks_total", "ip"); got != 0 {
		t.Errorf("locks{ip} = %v, want 0", got)
	}
	// Checks after failures 3 to 9 asked for a captcha; locked ones do not count.
	if got := f.metric("gatehouse_login_captcha_required_total", ""); got != 7 {
		t.Errorf("captcha_required = %v, want 7", got)
	}
}

func TestDelayDoublesAndIsCapped(t *testing.T) {
	l := Limits{PairDelayAfter: 2, DelayStep: 100 * ms, MaxDelay: time.Second, PairLockAfter: 1000}.withDefaults()
	for _, tc := range []struct {
		n    int64
		want time.Duration
	}{
		{0, 0}, {1, 0}, {2, 100 * ms}, {3, 200 * ms}, {4, 400 * ms}, {5, 800 * ms},
		{6, time.Second}, {7, time.Second}, {100, time.Second}, {1 << 62, time.Second},
	} {
		if got := l.delay(tc.n); got != tc.want {
			t.Errorf("delay after %d failures = %v, want %v", tc.n, got, tc.want)
		}
	}
	// A MaxDelay that is no multiple of the step caps, too, and a huge one does not overflow.
	l.MaxDelay = 300 * ms
	if got := l.delay(4); got != 300*ms {
		t.Errorf("delay capped at 300ms = %v", got)
	}
	l.MaxDelay = time.Duration(1<<63 - 1)
	if got := l.delay(200); got <= 0 {
		t.Errorf("delay with an unbounded cap = %v, want positive", got)
	}
}

func TestSuccessClearsThePair(t *testing.T) {
	f := newFixture(t, Limits{UserCaptchaAfter: 5, IPCaptchaAfter: 5})
	for range 4 {
		f.fail(jack, home)
	}
	if v := f.check(jack, home); v != need {
		t.Fatalf("after 4 failures: %+v", v)
	}
	f.succeed(jack, home)
	if v := f.check(jack, home); v != clean {
		t.Fatalf("after a success: %+v, want nothing asked", v)
	}
	// The user's and the IP's windows still hold the 4 failures.
	if v := f.fail(jack, attacker); v != need {
		t.Fatalf("a 5th failure of the user from elsewhere: %+v, want a captcha (user threshold 5)", v)
	}
	if v := f.fail("jill", home); v != need {
		t.Fatalf("a 5th failure from the IP: %+v, want a captcha (IP threshold 5)", v)
	}

	// A success also lifts the pair's lock.
	for range 10 {
		f.fail("joe", home)
	}
	if v := f.check("joe", home); !v.Locked {
		t.Fatalf("after 10 failures: %+v, want locked", v)
	}
	f.succeed("joe", home)
	if v := f.check("joe", home); v.Locked {
		t.Fatalf("after a success: %+v, want unlocked", v)
	}
}

// An attacker who locks his own pairs with the real user's name only makes the real user
// answer a captcha — and only once the user's own threshold is reached.
func TestAttackerCannotLockOutTheRealUser(t *testing.T) {
	f := newFixture(t, DefaultLimits())
	for range 10 {
		f.fail(jack, attacker)
	}
	if v := f.check(jack, attacker); !v.Locked {
		t.Fatalf("the attacker's pair: %+v, want locked", v)
	}
	if v := f.check(jack, home); v != clean {
		t.Fatalf("the real user after 10 failures elsewhere: %+v, want nothing asked", v)
	}
	const second = "203.0.113.67"
	for range 10 {
		f.fail(jack, second)
	}
	if v := f.check(jack, home); v != need {
		t.Fatalf("the real user after 20 failures elsewhere: %+v, want a captcha and nothing more", v)
	}
	f.succeed(jack, home)
	if v := f.check(jack, attacker); !v.Locked {
		t.Fatalf("the real user's success lifted the attacker's lock: %+v", v)
	}
	if got := f.metric("gatehouse_login_locks_total", "pair"); got != 2 {
		t.Errorf("locks{pair} = %v, want 2", got)
	}
}

// Password spraying: one failure on each of many users from one IP.
func TestIPSprayingLocksTheIP(t *testing.T) {
	f := newFixture(t, DefaultLimits())
	user := func(i int) string { return fmt.Sprintf("user%03d", i) }
	for i := range 100 {
		switch v := f.check(user(i), attacker); {
		case i < 30 && v != clean:
			t.Fatalf("attempt %d: %+v, want nothing asked", i+1, v)
		case i >= 30 && v != need:
			t.Fatalf("attempt %d: %+v, want a captcha (IP threshold 30)", i+1, v)
		}
		v := f.fail(user(i), attacker)
		if (i == 99) != v.Locked {
			t.Fatalf("failure %d: %+v", i+1, v)
		}
	}
	if v := f.check("somebody-else", attacker); v != lockOf(15*time.Minute) {
		t.Fatalf("a new user from the spraying IP: %+v, want the IP locked", v)
	}
	if v := f.check(user(0), home); v != clean {
		t.Fatalf("a sprayed user from another IP: %+v, want nothing asked", v)
	}
	if got := f.metric("gatehouse_login_locks_total", "ip"); got != 1 {
		t.Errorf("locks{ip} = %v, want 1", got)
	}
	f.clk.Add(15 * time.Minute)
	if v := f.check("somebody-else", attacker); v.Locked {
		t.Fatalf("after LockFor: %+v, want unlocked", v)
	}
}

func TestSlidingWindowForgets(t *testing.T) {
	f := newFixture(t, DefaultLimits()) // window 15 minutes, captcha after 3
	f.fail(jack, home)
	f.clk.Add(10 * time.Minute)
	f.fail(jack, home)
	f.clk.Add(5 * time.Minute) // the first failure is exactly one window old: forgotten
	if v := f.fail(jack, home); v != clean {
		t.Fatalf("3 failures, the first 15 minutes ago: %+v, want nothing asked", v)
	}
	f.clk.Add(time.Minute)
	if v := f.fail(jack, home); v != need {
		t.Fatalf("3 failures within 6 minutes: %+v, want a captcha", v)
	}
	f.clk.Add(15 * time.Minute)
	if v := f.check(jack, home); v != clean {
		t.Fatalf("a window after the last failure: %+v, want nothing asked", v)
	}
}

// Spellings of one user share counts; so do IPv4 forms and addresses of one IPv6 /64.
func TestSameUserSameClient(t *testing.T) {
	f := newFixture(t, DefaultLimits())
	f.fail("Jack", "192.0.2.1")
	f.fail(" JACK ", "::ffff:192.0.2.1")
	f.fail("Ｊａｃｋ", "192.0.2.1:51234")
	if v := f.check(jack, "192.0.2.1"); v != need {
		t.Fatalf("3 failures under three spellings and address forms: %+v, want a captcha", v)
	}
	f.fail(jack, "2001:db8:1:2::1")
	f.fail(jack, "2001:db8:1:2:ffff::9")
	f.fail(jack, "[2001:db8:1:2::77]:443")
	if v := f.check(jack, "2001:db8:1:2:aaaa::1"); v != need {
		t.Fatalf("3 failures from one /64: %+v, want a captcha", v)
	}
	if v := f.check(jack, "2001:db8:1:3::1"); v != clean {
		t.Fatalf("the next /64: %+v, want nothing asked", v)
	}
}

func TestKeysStayBoundedAndDistinct(t *testing.T) {
	long := string(make([]byte, 10000))
	cases := [][2]string{
		{"a|b", "c"}, {"a", "b|c"}, {"a", "b"}, {"#x", "y"}, {"{tag}", "1.2.3.4"},
		{"jürgen", "1.2.3.4"}, {"x" + long, "1.2.3.4"}, {"bob", long}, {"bob", ""}, {"bob", "-"},
		{"bob\xff", "1.2.3.4"}, {"a b", "1.2.3.4"},
	}
	seen := map[string][2]string{}
	for _, c := range cases {
		k, err := keysFor(c[0], c[1])
		if err != nil {
			t.Fatalf("keysFor(%q, %q): %v", c[0], c[1], err)
		}
		for _, key := range []string{k.user, k.ip, k.pair, k.lockPair, k.lockIP} {
			if len(key) > 160 {
				t.Errorf("key of %.20q, %.20q is %d bytes long", c[0], c[1], len(key))
			}
			for _, r := range key {
				if r == '{' || r == '}' || r < ' ' {
					t.Errorf("key %q holds %q", key, r)
				}
			}
		}
		if prev, dup := seen[k.pair]; dup && prev != c {
			if !(c[1] == "" && prev[1] == "-" || c[1] == "-" && prev[1] == "") {
				t.Errorf("%q and %q share the pair key %q", prev, c, k.pair)
			}
		}
		seen[k.pair] = c
	}
}

func TestInvalidInput(t *testing.T) {
	f := newFixture(t, DefaultLimits())
	ctx := context.Background()
	for _, user := range []string{"", "   "} {
		if _, err := f.th.Check(ctx, user, home); domain.ErrorCode(err) != domain.CodeInvalidInput {
			t.Errorf("Check(%q): %v, want invalid input", user, err)
		}
		if _, err := f.th.Fail(ctx, user, home); domain.ErrorCode(err) != domain.CodeInvalidInput {
			t.Errorf("Fail(%q): %v, want invalid input", user, err)
		}
		if err := f.th.Succeed(ctx, user, home); domain.ErrorCode(err) != domain.CodeInvalidInput {
			t.Errorf("Succeed(%q): %v, want invalid input", user, err)
		}
	}
}

func TestStoreDown(t *testing.T) {
	f := newFixture(t, DefaultLimits())
	f.kv.Close()
	ctx := context.Background()
	if _, err := f.th.Check(ctx, jack, home); domain.ErrorCode(err) != domain.CodeUnavailable {
		t.Errorf("Check: %v, want unavailable", err)
	}
	if _, err := f.th.Fail(ctx, jack, home); domain.ErrorCode(err) != domain.CodeUnavailable {
		t.Errorf("Fail: %v, want unavailable", err)
	}
	if err := f.th.Succeed(ctx, jack, home); domain.ErrorCode(err) != domain.CodeUnavailable {
		t.Errorf("Succeed: %v, want unavailable", err)
	}
}

// Beyond twice its highest threshold a window records no more, yet stays above it.
func TestSaturatedWindowStopsGrowing(t *testing.T) {
	f := newFixture(t, Limits{UserCaptchaAfter: 3})
	for i := range 20 {
		f.clk.Add(time.Second)
		f.fail(jack, fmt.Sprintf("192.0.2.%d", i))
	}
	k, _ := keysFor(jack, home)
	n, err := f.kv.Hits(context.Background(), k.user, f.clk.Now(), 15*time.Minute)
	if err != nil || n != 6 {
		t.Fatalf("the user's window holds %d (%v), want 6", n, err)
	}
	if got := f.metric("gatehouse_login_failures_total", "user"); got != 6 {
		t.Errorf("failures{user} = %v, want 6", got)
	}
	if got := f.metric("gatehouse_login_failures_total", "pair"); got != 20 {
		t.Errorf("failures{pair} = %v, want 20", got)
	}
	if v := f.check(jack, home); v != need {
		t.Fatalf("the real user during the attack: %+v, want a captcha", v)
	}
}

// Without Metrics nothing is counted and nothing breaks; NewMetrics twice on one registry
// shares the counters.
func TestMetricsOptionalAndShared(t *testing.T) {
	f := newFixture(t, DefaultLimits())
	f.th.Metrics = nil
	for range 10 {
		f.fail(jack, home)
	}
	f.check("jill", home)
	reg := prometheus.NewRegistry()
	a, b := NewMetrics(reg), NewMetrics(reg)
	a.lock(scopeIP)
	b.lock(scopeIP)
	f.reg = reg
	if got := f.metric("gatehouse_login_locks_total", "ip"); got != 2 {
		t.Errorf("shared locks{ip} = %v, want 2", got)
	}
	NewMetrics(nil).captchaRequired() // unregistered, still usable
}

func TestConcurrentFailuresAllCount(t *testing.T) {
	f := newFixture(t, Limits{PairLockAfter: 50, IPLockAfter: 1000, UserCaptchaAfter: 1000, IPCaptchaAfter: 1000})
	var wg sync.WaitGroup
	for range 40 {
		wg.Go(func() {
			if _, err := f.th.Fail(context.Background(), jack, home); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if v := f.check(jack, home); v.Delay != 8*time.Second {
		t.Fatalf("after 40 concurrent failures: %+v, want the capped delay", v)
	}
}
