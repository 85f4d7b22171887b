package throttle

import (
	"context"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/store/kv/rediskv"
	"github.com/gatehouse/gatehouse/internal/testenv"
)

func openRedis(tb testing.TB) *rediskv.Store {
	tb.Helper()
	kv, err := rediskv.Open(context.Background(), testenv.RedisURL(tb), rediskv.Options{Prefix: testenv.Unique("t") + ":"})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { kv.Close() })
	return kv
}

// The core sequence on a real Redis, in real time: small thresholds, so that it runs at once
// well within the one-minute window; delays depend on counts only, so they are exact, while lock
// times are only bounded.
func TestRedis(t *testing.T) {
	ctx := context.Background()
	l := Limits{
		Window: time.Minute, PairCaptchaAfter: 2, PairDelayAfter: 3, DelayStep: 10 * ms, MaxDelay: 30 * ms,
		PairLockAfter: 6, LockFor: time.Minute, UserCaptchaAfter: 9, IPCaptchaAfter: 8, IPLockAfter: 12,
	}
	th := &Throttle{KV: openRedis(t), Limits: l}
	step := func(what string, got Verdict, err error, want Verdict) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if want.Locked {
			if !got.Locked || got.RetryAfter <= 0 || got.RetryAfter > l.LockFor {
				t.Fatalf("%s: %+v, want locked for at most %v", what, got, l.LockFor)
			}
			return
		}
		if got != want {
			t.Fatalf("%s: %+v, want %+v", what, got, want)
		}
	}

	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}

	v, err := th.Check(ctx, jack, attacker)
	step("first check", v, err, clean)
	want := []Verdict{1: clean, 2: need, 3: waitOf(10 * ms), 4: waitOf(20 * ms), 5: waitOf(30 * ms), 6: {Locked: true}}
	for n := 1; n <= 6; n++ {
		v, err := th.Fail(ctx, jack, attacker)
		step("Fail", v, err, want[n])
		v, err = th.Check(ctx, jack, attacker)
		step("Check", v, err, want[n])
	}

	// The real user elsewhere is not locked; the user threshold asks for a captcha only.
	v, err = th.Check(ctx, jack, home)
	step("the real user after 6 failures elsewhere", v, err, clean)
	for range 3 {
		_, err := th.Fail(ctx, jack, "203.0.113.99")
		must("Fail from a second IP", err)
	}
	v, err = th.Check(ctx, jack, home)
	step("the real user after 9 failures elsewhere", v, err, need)

	// A success clears the pair and its lock, not the user's window.
	must("Succeed", th.Succeed(ctx, jack, attacker))
	v, err = th.Check(ctx, jack, attacker)
	step("the pair after a success", v, err, need)

	// Spraying from one IP: 6 failures so far from attacker; 6 more users lock the IP.
	for _, u := range []string{"a", "b", "c", "d", "e"} {
		_, err := th.Fail(ctx, u, attacker)
		must("spray", err)
	}
	v, err = th.Fail(ctx, "f", attacker)
	step("the 12th failure from one IP", v, err, Verdict{Locked: true})
	v, err = th.Check(ctx, "g", attacker)
	step("a new user from the locked IP", v, err, Verdict{Locked: true})
}

func BenchmarkRedisCheck(b *testing.B) {
	th := &Throttle{KV: openRedis(b), Limits: DefaultLimits()}
	ctx := context.Background()
	for b.Loop() {
		if _, err := th.Check(ctx, jack, home); err != nil {
			b.Fatal(err)
		}
	}
}
