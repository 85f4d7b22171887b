package password

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"

	"github.com/gatehouse/gatehouse/internal/domain"
)

// Params are the argon2id cost parameters (RFC 9106 section 3.1).
type Params struct {
	MemoryKiB   uint32 // m: memory in KiB
	Iterations  uint32 // t: passes over the memory
	Parallelism uint8  // p: lanes
	SaltLen     uint32 // bytes of random salt
	KeyLen      uint32 // bytes of derived key (the "tag")
}

// DefaultParams returns OWASP's first recommended argon2id configuration: m=19 MiB, t=2, p=1,
// a 16-byte salt and a 32-byte key.
func DefaultParams() Params {
	return Params{MemoryKiB: 19456, Iterations: 2, Parallelism: 1, SaltLen: 16, KeyLen: 32}
}

// Limits on argon2id parameters, for the hasher's own and for those read from a stored hash, so
// that a planted hash cannot make one verification take minutes or gigabytes.
const (
	MaxMemoryKiB   = 1 << 20 // 1 GiB
	MaxIterations  = 100
	MaxParallelism = 64
	// MaxWork bounds memory × passes (in KiB): 4 GiB of memory traffic, a few seconds of one core.
	MaxWork    = 1 << 22
	MinSaltLen = 8 // RFC 9106 section 3.1
	MaxSaltLen = 256
	MinKeyLen  = 16
	MaxKeyLen  = 256
)

// Validate checks p against the limits and reports every problem at once as an invalid_input
// *domain.Error.
func (p Params) Validate() error {
	var probs domain.Problems
	switch {
	case p.MemoryKiB > MaxMemoryKiB:
		probs.Add("memory_kib", "is above %d (1 GiB)", MaxMemoryKiB)
	case p.MemoryKiB < 8*uint32(p.Parallelism) || p.MemoryKiB == 0:
		probs.Add("memory_kib", "must be at least 8 × parallelism")
	}
	switch {
	case p.Iterations < 1 || p.Iterations > MaxIterations:
		probs.Add("iterations", "must be 1 to %d", MaxIterations)
	case uint64(p.MemoryKiB)*uint64(p.Iterations) > MaxWork:
		probs.Add("iterations", "memory_kib × iterations is above %d", MaxWork)
	}
	if p.Parallelism < 1 || p.Parallelism > MaxParallelism {
		probs.Add("parallelism", "must be 1 to %d", MaxParallelism)
	}
	if p.SaltLen < MinSaltLen || p.SaltLen > MaxSaltLen {
		probs.Add("salt_len", "must be %d to %d bytes", MinSaltLen, MaxSaltLen)
	}
	if p.KeyLen < MinKeyLen || p.KeyLen > MaxKeyLen {
		probs.Add("key_len", "must be %d to %d bytes", MinKeyLen, MaxKeyLen)
	}
	return probs.Err()
}

// b64 is the PHC string format's base64: standard alphabet, no padding.
var b64 = base64.RawStdEncoding.Strict()

// encodePHC writes the PHC string of an argon2id hash, as the reference implementation does:
// $argon2id$v=19$m=19456,t=2,p=1$<salt>$<key>.
func encodePHC(p Params, salt, key []byte) string {
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.MemoryKiB, p.Iterations, p.Parallelism, b64.EncodeToString(salt), b64.EncodeToString(key))
}

// maxEncodedLen bounds a stored hash before any parsing.
const maxEncodedLen = 1024

// Causes of a refused argon2id hash, for logs (wrapped in a *domain.Error).
var (
	errMalformed   = errors.New("malformed hash")
	errUnsupported = errors.New("unsupported algorithm or version")
	errLimits      = errors.New("parameters beyond the accepted limits")
)

// parsePHC reads an argon2id PHC string. It checks the layout strictly and the parameters
// against the limits, so that what it returns is safe to hash with.
func parsePHC(s string) (p Params, salt, key []byte, err error) {
	if len(s) > maxEncodedLen {
		return p, nil, nil, fmt.Errorf("%w: longer than %d bytes", errMalformed, maxEncodedLen)
	}
	parts := strings.Split(s, "$")
	if len(parts) < 2 || parts[0] != "" {
		return p, nil, nil, fmt.Errorf("%w: not a PHC string", errMalformed)
	}
	if parts[1] != "argon2id" {
		return p, nil, nil, fmt.Errorf("%w: %.20q is not argon2id", errUnsupported, parts[1])
	}
	if len(parts) == 5 && strings.HasPrefix(parts[2], "m=") {
		return p, nil, nil, fmt.Errorf("%w: no version field (argon2 1.0)", errUnsupported)
	}
	if len(parts) != 6 {
		return p, nil, nil, fmt.Errorf("%w: want 5 '$'-separated fields, got %d", errMalformed, len(parts)-1)
	}
	if parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return p, nil, nil, fmt.Errorf("%w: version field %.20q, want v=%d", errUnsupported, parts[2], argon2.Version)
	}
	m, t, lanes, err := parseMTP(parts[3])
	if err != nil {
		return p, nil, nil, err
	}
	if !isB64(parts[4]) || !isB64(parts[5]) {
		return p, nil, nil, fmt.Errorf("%w: salt or key is not unpadded standard base64", errMalformed)
	}
	if salt, err = b64.DecodeString(parts[4]); err != nil {
		return p, nil, nil, fmt.Errorf("%w: salt: %v", errMalformed, err)
	}
	if key, err = b64.DecodeString(parts[5]); err != nil {
		return p, nil, nil, fmt.Errorf("%w: key: %v", errMalformed, err)
	}
	if lanes > MaxParallelism {
		return p, nil, nil, fmt.Errorf("%w: p=%d", errLimits, lanes)
	}
	p = Params{MemoryKiB: m, Iterations: t, Parallelism: uint8(lanes), SaltLen: uint32(len(salt)), KeyLen: uint32(len(key))}
	if verr := p.Validate(); verr != nil {
		return p, nil, nil, fmt.Errorf("%w: %v", errLimits, verr)
	}
	return p, salt, key, nil
}

// parseMTP reads "m=<int>,t=<int>,p=<int>" in that order, as PHC requires.
func parseMTP(s string) (m, t, p uint32, err error) {
	fields := strings.Split(s, ",")
	if len(fields) != 3 {
		return 0, 0, 0, fmt.Errorf("%w: want m=,t=,p= parameters", errMalformed)
	}
	var vals [3]uint32
	for i, name := range [3]string{"m=", "t=", "p="} {
		digits, ok := strings.CutPrefix(fields[i], name)
		if !ok {
			return 0, 0, 0, fmt.Errorf("%w: parameter %d must be %s<n>", errMalformed, i+1, name)
		}
		if vals[i], ok = parseDecimal(digits); !ok {
			return 0, 0, 0, fmt.Errorf("%w: parameter %s is not a decimal of at most 10 digits", errMalformed, name)
		}
	}
	return vals[0], vals[1], vals[2], nil
}

// parseDecimal accepts PHC decimals: digits only, no sign, no leading zero, fitting 32 bits.
func parseDecimal(s string) (uint32, bool) {
	if s == "" || len(s) > 10 || len(s) > 1 && s[0] == '0' {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseUint(s, 10, 32)
	return uint32(n), err == nil
}

// isB64 reports whether s is non-empty and holds only the standard base64 alphabet (the
// decoder alone would skip line breaks).
func isB64(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/') {
			return false
		}
	}
	return true
}

// deriveArgon2id computes the key; p must have passed Validate.
func deriveArgon2id(p Params, password string, salt []byte) []byte {
	return argon2.IDKey([]byte(password), salt, p.Iterations, p.MemoryKiB, p.Parallelism, p.KeyLen)
}
