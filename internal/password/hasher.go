package password

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync/atomic"

	"github.com/gatehouse/gatehouse/internal/domain"
)

// Hasher hashes new passwords with argon2id and verifies stored hashes. Each argon2id hash
// allocates its whole memory cost, so every hash and verification holds one slot of a
// semaphore; callers beyond the bound wait, as long as their context allows. A Hasher is safe
// for concurrent use.
type Hasher struct {
	params    Params
	paramsErr error
	rand      io.Reader
	slots     chan struct{}
	waiting   atomic.Int64

	// dummySalt and dummyKey feed DummyVerify a hash of the current parameters.
	dummySalt []byte
	dummyKey  []byte

	// observe, when set by a test of this package, is called with +1 just after a slot is
	// taken and with -1 just before it is given back.
	observe func(delta int)
}

// New returns a Hasher that hashes with p, runs at most maxConcurrent hashes at once
// (runtime.NumCPU() when maxConcurrent ≤ 0) and draws salts from rand (crypto/rand when nil).
// Parameters are checked with Params.Validate; when they are invalid, Hash and DummyVerify
// return an internal error (configuration should have called Validate first).
func New(p Params, maxConcurrent int, rand io.Reader) *Hasher {
	if maxConcurrent <= 0 {
		maxConcurrent = runtime.NumCPU()
	}
	if rand == nil {
		rand = cryptoRand
	}
	h := &Hasher{params: p, rand: rand, slots: make(chan struct{}, maxConcurrent)}
	if err := p.Validate(); err != nil {
		h.paramsErr = domain.Wrap(domain.CodeInternal, err, "the password hashing parameters are invalid")
		return h
	}
	h.dummySalt = make([]byte, p.SaltLen)
	h.dummyKey = make([]byte, p.KeyLen)
	return h
}

var cryptoRand = rand.Reader

// Params returns the parameters new hashes are made with.
func (h *Hasher) Params() Params { return h.params }

// InFlight returns how many hashes or verifications hold a slot now.
func (h *Hasher) InFlight() int { return len(h.slots) }

// Waiting returns how many callers wait for a slot now.
func (h *Hasher) Waiting() int { return int(h.waiting.Load()) }

// Capacity returns the most hashes that run at once.
func (h *Hasher) Capacity() int { return cap(h.slots) }

// Hash returns the PHC string of a fresh argon2id hash of password with a random salt.
func (h *Hasher) Hash(ctx context.Context, password string) (string, error) {
	if h.paramsErr != nil {
		return "", h.paramsErr
	}
	salt := make([]byte, h.params.SaltLen)
	if _, err := io.ReadFull(h.rand, salt); err != nil {
		return "", domain.Wrap(domain.CodeInternal, err, "cannot read randomness for a password salt")
	}
	var key []byte
	if err := h.withSlot(ctx, func() { key = deriveArgon2id(h.params, password, salt) }); err != nil {
		return "", err
	}
	return encodePHC(h.params, salt, key), nil
}

// Recognised prefixes of stored hashes.
const (
	springBcrypt = "{bcrypt}" // Spring Security's DelegatingPasswordEncoder
	springArgon2 = "{argon2}" // Spring's Argon2PasswordEncoder writes argon2id PHC strings
	phcArgon2    = "$argon2"
)

// Verify reports whether password matches encoded, a stored hash: an argon2id PHC string with
// any parameters within the limits (optionally behind Spring's "{argon2}" prefix) or a bcrypt
// hash "$2a$", "$2b$", "$2y$" (optionally behind "{bcrypt}"). needsRehash is true after a
// match when encoded is not what Hash would write today: bcrypt, a prefix, or other argon2id
// parameters. A wrong password is (false, false, nil). A malformed, unknown or over-costly
// hash is an internal *domain.Error; a context that ends while waiting for a slot is an
// unavailable one.
func (h *Hasher) Verify(ctx context.Context, password, encoded string) (ok, needsRehash bool, err error) {
	stored := encoded
	prefixed := false
	switch {
	case strings.HasPrefix(stored, springBcrypt):
		stored, prefixed = stored[len(springBcrypt):], true
		if !strings.HasPrefix(stored, "$2") {
			return false, false, refused(fmt.Errorf("%w: %s is not followed by a bcrypt hash", errMalformed, springBcrypt))
		}
	case strings.HasPrefix(stored, springArgon2):
		stored, prefixed = stored[len(springArgon2):], true
		if !strings.HasPrefix(stored, phcArgon2) {
			return false, false, refused(fmt.Errorf("%w: %s is not followed by an argon2 PHC string", errMalformed, springArgon2))
		}
	}
	switch {
	case strings.HasPrefix(stored, phcArgon2):
		p, salt, key, perr := parsePHC(stored)
		if perr != nil {
			return false, false, refused(perr)
		}
		var match bool
		err = h.withSlot(ctx, func() {
			match = subtle.ConstantTimeCompare(deriveArgon2id(p, password, salt), key) == 1
		})
		if err != nil || !match {
			return false, false, err
		}
		return true, prefixed || p != h.params, nil
	case strings.HasPrefix(stored, "$2"):
		b, perr := parseBcrypt(stored)
		if perr != nil {
			return false, false, refused(perr)
		}
		var match bool
		if err = h.withSlot(ctx, func() { match = b.matches(password) }); err != nil || !match {
			return false, false, err
		}
		return true, true, nil
	}
	return false, false, refused(fmt.Errorf("%w: no known algorithm prefix", errUnsupported))
}

// DummyVerify spends the time of a real Verify of an argon2id hash with the current parameters
// and then fails, so that answering for an unknown user takes as long as for a known one. It
// returns an error only when no slot could be had (or the parameters are invalid).
func (h *Hasher) DummyVerify(ctx context.Context, password string) error {
	if h.paramsErr != nil {
		return h.paramsErr
	}
	return h.withSlot(ctx, func() {
		subtle.ConstantTimeCompare(deriveArgon2id(h.params, password, h.dummySalt), h.dummyKey)
	})
}

// withSlot runs fn while holding a slot of the semaphore, waiting for one as long as ctx
// allows.
func (h *Hasher) withSlot(ctx context.Context, fn func()) error {
	if err := ctx.Err(); err != nil {
		return unavailable(err)
	}
	select {
	case h.slots <- struct{}{}:
	default:
		h.waiting.Add(1)
		select {
		case h.slots <- struct{}{}:
			h.waiting.Add(-1)
		case <-ctx.Done():
			h.waiting.Add(-1)
			return unavailable(ctx.Err())
		}
	}
	defer func() { <-h.slots }()
	if h.observe != nil {
		h.observe(+1)
		defer h.observe(-1)
	}
	fn()
	return nil
}

func unavailable(cause error) error {
	return domain.Wrap(domain.CodeUnavailable, cause, "too many password checks in progress; try again")
}

// refused turns a parse failure of a stored hash into an internal error with a safe message.
// The stored hash itself never appears in it.
func refused(cause error) error {
	msg := "the stored password hash is malformed"
	switch {
	case errors.Is(cause, errUnsupported):
		msg = "the stored password hash uses an unsupported algorithm"
	case errors.Is(cause, errLimits):
		msg = "the stored password hash has parameters beyond the accepted limits"
	}
	return domain.Wrap(domain.CodeInternal, cause, msg)
}
