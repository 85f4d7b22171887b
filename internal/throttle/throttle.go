package throttle

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/store"
)

// Limits are the thresholds of the defence. Counts are failures within Window. A zero field
// takes its value from DefaultLimits.
type Limits struct {
	Window           time.Duration // how long a failure counts
	PairCaptchaAfter int           // failures of a (user, IP) pair after which it needs a captcha
	PairDelayAfter   int           // failures after which each attempt waits DelayStep·2^(n−PairDelayAfter)
	DelayStep        time.Duration // the first delay
	MaxDelay         time.Duration // the cap of the delay
	PairLockAfter    int           // failures after which the pair is locked for LockFor
	LockFor          time.Duration // how long a lock lasts
	UserCaptchaAfter int           // failures of a user from anywhere after which it needs a captcha (never a lock)
	IPCaptchaAfter   int           // failures from one IP on any users after which it needs a captcha
	IPLockAfter      int           // failures from one IP after which it is locked for LockFor
}

// DefaultLimits returns the defaults, the same as the configuration's.
func DefaultLimits() Limits {
	return Limits{
		Window:           15 * time.Minute,
		PairCaptchaAfter: 3, PairDelayAfter: 5,
		DelayStep: 500 * time.Millisecond, MaxDelay: 8 * time.Second,
		PairLockAfter: 10, LockFor: 15 * time.Minute,
		UserCaptchaAfter: 20, IPCaptchaAfter: 30, IPLockAfter: 100,
	}
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	set := func(v *int, def int) {
		if *v == 0 {
			*v = def
		}
	}
	setD := func(v *time.Duration, def time.Duration) {
		if *v == 0 {
			*v = def
		}
	}
	setD(&l.Window, d.Window)
	setD(&l.DelayStep, d.DelayStep)
	setD(&l.MaxDelay, d.MaxDelay)
	setD(&l.LockFor, d.LockFor)
	set(&l.PairCaptchaAfter, d.PairCaptchaAfter)
	set(&l.PairDelayAfter, d.PairDelayAfter)
	set(&l.PairLockAfter, d.PairLockAfter)
	set(&l.UserCaptchaAfter, d.UserCaptchaAfter)
	set(&l.IPCaptchaAfter, d.IPCaptchaAfter)
	set(&l.IPLockAfter, d.IPLockAfter)
	return l
}

// delay is what an attempt waits after n failures of its pair.
func (l Limits) delay(n int64) time.Duration {
	if n < int64(l.PairDelayAfter) || l.DelayStep <= 0 {
		return 0
	}
	d := l.DelayStep
	for i := int64(0); i < n-int64(l.PairDelayAfter); i++ {
		if d > l.MaxDelay/2 {
			return l.MaxDelay
		}
		d *= 2
	}
	return min(d, l.MaxDelay)
}

// verdict is what the next attempt must satisfy, given the failures in each window; locks
// are the caller's business.
func (l Limits) verdict(pair, user, ip int64) Verdict {
	return Verdict{
		CaptchaRequired: pair >= int64(l.PairCaptchaAfter) || user >= int64(l.UserCaptchaAfter) ||
			ip >= int64(l.IPCaptchaAfter),
		Delay: l.delay(pair),
	}
}

// KV is what the throttle needs of the session store.
type KV interface {
	store.Windows
	store.Values
	store.Counters
}

// Throttle is the brute-force defence. KV is required; a zero Limits field takes its default;
// Now defaults to time.Now; Metrics may be nil. It is safe for concurrent use; its state lives
// in KV, so every node sharing the store shares the counts.
type Throttle struct {
	KV      KV
	Limits  Limits
	Now     func() time.Time
	Metrics *Metrics
}

// Verdict is what an attempt must satisfy. When Locked is set the attempt is refused and only
// RetryAfter (how long until the lock ends, to be rounded up for a Retry-After header) means
// anything; otherwise the attempt must bring a captcha answer when CaptchaRequired and wait
// Delay before its password is checked.
type Verdict struct {
	CaptchaRequired bool
	Delay           time.Duration
	Locked          bool
	RetryAfter      time.Duration
}

func (t *Throttle) now() time.Time {
	if t.Now == nil {
		return time.Now()
	}
	return t.Now()
}

// Check says what an attempt of username from ip must satisfy. It records nothing; call it
// before any password hashing. The username is normalised here (domain.NormalizeUsername), so
// forms that differ only by case or Unicode form share their counts.
func (t *Throttle) Check(ctx context.Context, username, ip string) (Verdict, error) {
	k, err := keysFor(username, ip)
	if err != nil {
		return Verdict{}, err
	}
	l, now := t.Limits.withDefaults(), t.now()
	if v, err := t.locked(ctx, k, now); err != nil || v.Locked {
		return v, err
	}
	var n [numScopes]int64
	for sc, key := range [numScopes]string{k.pair, k.user, k.ip} {
		if n[sc], err = t.KV.Hits(ctx, key, now, l.Window); err != nil {
			return Verdict{}, err
		}
	}
	v := l.verdict(n[scopePair], n[scopeUser], n[scopeIP])
	if v.CaptchaRequired {
		t.Metrics.captchaRequired()
	}
	return v, nil
}

// Fail records a failed attempt (wrong password or unknown user) of username from ip, sets the
// pair's or the IP's lock when its threshold is reached (again), and returns the verdict for
// the next attempt of the same pair.
func (t *Throttle) Fail(ctx context.Context, username, ip string) (Verdict, error) {
	k, err := keysFor(username, ip)
	if err != nil {
		return Verdict{}, err
	}
	l, now := t.Limits.withDefaults(), t.now()
	windows := [numScopes]struct {
		key string
		top int // the highest threshold of the scope
	}{
		scopePair: {k.pair, l.PairLockAfter},
		scopeUser: {k.user, l.UserCaptchaAfter},
		scopeIP:   {k.ip, l.IPLockAfter},
	}
	var n [numScopes]int64
	for sc, w := range windows {
		if n[sc], err = t.record(ctx, scope(sc), w.key, now, l.Window, w.top); err != nil {
			return Verdict{}, err
		}
	}
	v := l.verdict(n[scopePair], n[scopeUser], n[scopeIP])

	var fresh bool
	if n[scopePair] >= int64(l.PairLockAfter) {
		if err := t.lock(ctx, scopePair, k.lockPair, now, l.LockFor); err != nil {
			return Verdict{}, err
		}
		fresh = true
	}
	if n[scopeIP] >= int64(l.IPLockAfter) {
		if err := t.lock(ctx, scopeIP, k.lockIP, now, l.LockFor); err != nil {
			return Verdict{}, err
		}
		fresh = true
	}
	if fresh {
		// A lock just set ends last: any older one ends no later than now+LockFor.
		return Verdict{Locked: true, RetryAfter: l.LockFor}, nil
	}
	if lv, err := t.locked(ctx, k, now); err != nil || lv.Locked {
		return lv, err
	}
	return v, nil
}

// Succeed records a successful sign-in of username from ip: the pair's failures and lock are
// forgotten. The user's and the IP's windows are kept, so that a success does not hide an
// attack on other users or from other places.
func (t *Throttle) Succeed(ctx context.Context, username, ip string) error {
	k, err := keysFor(username, ip)
	if err != nil {
		return err
	}
	return t.KV.Delete(ctx, k.pair, k.lockPair)
}

// record adds a failure to the window at key, unless the window holds twice its scope's highest
// threshold already: beyond that the count changes no verdict, and not recording keeps the
// window's size bounded under a long attack (it stays above the threshold while the attack
// lasts). It returns the count.
func (t *Throttle) record(ctx context.Context, sc scope, key string, now time.Time, window time.Duration, top int) (int64, error) {
	limit := 2 * int64(top)
	n, err := t.KV.Hits(ctx, key, now, window)
	if err != nil || n >= limit {
		return n, err
	}
	n, err = t.KV.Hit(ctx, key, now, window)
	if err == nil {
		t.Metrics.failure(sc)
	}
	return n, err
}

// lock stores when the lock at key ends; the store forgets it then too.
func (t *Throttle) lock(ctx context.Context, sc scope, key string, now time.Time, d time.Duration) error {
	until := strconv.AppendInt(nil, now.Add(d).UnixMilli(), 10)
	if err := t.KV.Set(ctx, key, until, d); err != nil {
		return err
	}
	t.Metrics.lock(sc)
	return nil
}

// locked reports whether the pair or the IP is locked at now, and until when the later lock
// lasts. The end is read from the stored value on the throttle's clock, so that every node
// and every backend count down alike.
func (t *Throttle) locked(ctx context.Context, k keys, now time.Time) (Verdict, error) {
	var v Verdict
	for _, key := range [...]string{k.lockPair, k.lockIP} {
		raw, err := t.KV.Get(ctx, key)
		if errors.Is(err, domain.ErrNotFound) {
			continue
		}
		if err != nil {
			return Verdict{}, err
		}
		ms, err := strconv.ParseInt(string(raw), 10, 64)
		if err != nil {
			return Verdict{}, domain.Wrap(domain.CodeInternal, err, "throttle: a lock holds no time")
		}
		if left := time.UnixMilli(ms).Sub(now); left > 0 {
			v.Locked, v.RetryAfter = true, max(v.RetryAfter, left)
		}
	}
	return v, nil
}
