package captcha

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/store"
)

// Policy says when sign-in asks for a captcha.
type Policy string

// The policies.
const (
	Always        Policy = "always"         // every sign-in
	AfterFailures Policy = "after_failures" // when the brute-force defence asks for one (default)
	Never         Policy = "never"          // never; delays and locks still apply
)

// ParsePolicy returns the policy named s; "" is AfterFailures.
func ParsePolicy(s string) (Policy, error) {
	switch p := Policy(s); p {
	case "":
		return AfterFailures, nil
	case Always, AfterFailures, Never:
		return p, nil
	}
	return "", domain.Errorf(domain.CodeInvalidInput, "captcha policy must be always, after_failures or never, not %q", s)
}

// Required reports whether a sign-in must bring a captcha answer under p, given whether the
// brute-force defence asks for one.
func (p Policy) Required(flagged bool) bool {
	switch p {
	case Always:
		return true
	case Never:
		return false
	}
	return flagged
}

// Defaults and limits.
const (
	DefaultTTL    = 2 * time.Minute
	DefaultLength = 5
	MinLength     = 4
	MaxLength     = 10

	// MaxIDBytes and MaxAnswerBytes bound what Check accepts; longer input is refused before
	// the store is touched.
	MaxIDBytes     = 64
	MaxAnswerBytes = 32

	// Alphabet holds the characters of answers: upper-case letters and digits without the
	// look-alikes 0/O/Q, 1/I/L. Answers are checked case-insensitively.
	Alphabet = "23456789ABCDEFGHJKMNPRSTUVWXYZ"

	keyPrefix = "captcha:"
	idBytes   = 16 // 128 random bits
)

// Challenge is a new captcha: the id to send back with the answer, the image to show, and how
// long the answer stays valid.
type Challenge struct {
	ID        string
	Image     string // "data:image/png;base64,…"
	ExpiresIn time.Duration
}

// Captcha makes and checks captchas. Zero fields take their defaults; KV is required. It is
// safe for concurrent use.
type Captcha struct {
	KV     store.Values
	TTL    time.Duration    // how long an answer stays valid; DefaultTTL
	Length int              // characters per answer, MinLength to MaxLength; DefaultLength
	Now    func() time.Time // the clock that decides expiry along with the store's; time.Now
	Rand   io.Reader        // entropy for ids and answers; crypto/rand.Reader

	randMu sync.Mutex // an injected io.Reader need not be safe for concurrent use
}

func (c *Captcha) ttl() time.Duration {
	if c.TTL == 0 {
		return DefaultTTL
	}
	return c.TTL
}

func (c *Captcha) length() int {
	if c.Length == 0 {
		return DefaultLength
	}
	return c.Length
}

func (c *Captcha) now() time.Time {
	if c.Now == nil {
		return time.Now()
	}
	return c.Now()
}

// read fills p from Rand.
func (c *Captcha) read(p []byte) error {
	if c.Rand == nil {
		_, err := rand.Read(p)
		return err
	}
	c.randMu.Lock()
	defer c.randMu.Unlock()
	_, err := io.ReadFull(c.Rand, p)
	return err
}

// New makes a challenge: a fresh id and answer, the answer stored under the id for TTL, and its
// image.
func (c *Captcha) New(ctx context.Context) (Challenge, error) {
	ttl, n := c.ttl(), c.length()
	if ttl < 0 {
		return Challenge{}, domain.Errorf(domain.CodeInternal, "captcha: the ttl must not be negative")
	}
	if n < MinLength || n > MaxLength {
		return Challenge{}, domain.Errorf(domain.CodeInternal, "captcha: the length must be from %d to %d, not %d", MinLength, MaxLength, n)
	}
	raw := make([]byte, idBytes)
	if err := c.read(raw); err != nil {
		return Challenge{}, domain.Wrap(domain.CodeInternal, err, "captcha: no entropy")
	}
	answer, err := c.answer(n)
	if err != nil {
		return Challenge{}, domain.Wrap(domain.CodeInternal, err, "captcha: no entropy")
	}
	png, err := draw(answer)
	if err != nil {
		return Challenge{}, err
	}
	id := base64.RawURLEncoding.EncodeToString(raw)
	if err := c.KV.Set(ctx, keyPrefix+id, encode(c.now().Add(ttl), answer), ttl); err != nil {
		return Challenge{}, err
	}
	return Challenge{
		ID:        id,
		Image:     "data:image/png;base64," + base64.StdEncoding.EncodeToString(png),
		ExpiresIn: ttl,
	}, nil
}

// maxRounds bounds the reads of answer, so that a broken source cannot make it loop forever.
const maxRounds = 32

var errBiasedSource = errors.New("the entropy source keeps giving rejected bytes")

// answer returns n characters of Alphabet, each uniform: bytes at or above the largest multiple
// of the alphabet's size are rejected rather than folded, which would favour the first letters.
func (c *Captcha) answer(n int) (string, error) {
	const limit = 256 - 256%len(Alphabet)
	out := make([]byte, 0, n)
	buf := make([]byte, 2*n)
	for round := 0; len(out) < n; round++ {
		if round == maxRounds {
			// A sound source rejects 1 byte in 16; this one is broken, not unlucky.
			return "", errBiasedSource
		}
		if err := c.read(buf); err != nil {
			return "", err
		}
		for _, b := range buf {
			if int(b) < limit && len(out) < n {
				out = append(out, Alphabet[int(b)%len(Alphabet)])
			}
		}
	}
	return string(out), nil
}

// Check reports whether answer is the answer of the challenge id. The challenge is consumed by
// this call, whatever its outcome. An empty answer never matches (and still consumes); an empty,
// malformed or oversized id or an oversized answer is refused without touching the store. A
// store failure reads as a wrong answer.
func (c *Captcha) Check(ctx context.Context, id, answer string) bool {
	if !validID(id) || len(answer) > MaxAnswerBytes {
		return false
	}
	v, err := c.KV.GetDel(ctx, keyPrefix+id)
	if err != nil {
		return false
	}
	until, want, ok := decode(v)
	if !ok || !c.now().Before(until) {
		return false
	}
	got := strings.ToUpper(strings.TrimSpace(answer))
	if got == "" {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(got), []byte(strings.ToUpper(want))) == 1
}

// validID accepts 1 to MaxIDBytes characters of the base64url alphabet, so that no other input
// reaches the store.
func validID(id string) bool {
	if id == "" || len(id) > MaxIDBytes {
		return false
	}
	for i := 0; i < len(id); i++ {
		b := id[i]
		if !('a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9' || b == '-' || b == '_') {
			return false
		}
	}
	return true
}

// encode stores the expiry (unix milliseconds) with the answer, so that Check refuses an old
// answer on its own clock even when the store's expiry lags.
func encode(until time.Time, answer string) []byte {
	b := strconv.AppendInt(nil, until.UnixMilli(), 10)
	b = append(b, ':')
	return append(b, answer...)
}

func decode(v []byte) (until time.Time, answer string, ok bool) {
	s := string(v)
	i := strings.IndexByte(s, ':')
	if i < 0 {
		return time.Time{}, "", false
	}
	ms, err := strconv.ParseInt(s[:i], 10, 64)
	if err != nil || i+1 == len(s) {
		return time.Time{}, "", false
	}
	return time.UnixMilli(ms), s[i+1:], true
}
