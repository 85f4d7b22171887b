package auth

import (
	"sync"
	"time"
)

// padding keeps failed sign-ins as slow as successful ones, so that timing does not tell an
// unknown user, a wrong password and a disabled account apart (an imported bcrypt hash, for
// one, is slower to verify than argon2id). It remembers the slowest of the recent password
// checks and pads every failure up to it.
type padding struct {
	mu      sync.Mutex
	slowest time.Duration
	seen    time.Time
}

// observe records how long a password check took.
func (p *padding) observe(now time.Time, d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	// Forget a slow outlier after a minute, so one stalled hash does not slow every failure.
	if d > p.slowest || now.Sub(p.seen) > time.Minute {
		p.slowest, p.seen = d, now
	}
}

// floor returns how long a failed attempt should take at least.
func (p *padding) floor() time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.slowest
}
