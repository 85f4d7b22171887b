package password

import (
	"fmt"

	"golang.org/x/crypto/bcrypt"
)

// MaxBcryptCost bounds the cost of an imported bcrypt hash: 2^15 rounds take a couple of
// seconds of one core. Spring Security's default is 10.
const MaxBcryptCost = 15

// bcryptLen is the length of a modular-crypt bcrypt hash: "$2b$" + 2-digit cost + "$" +
// 22 characters of salt + 31 of hash.
const bcryptLen = 60

type bcryptHash struct {
	encoded string
	cost    int
}

// parseBcrypt checks the layout of a bcrypt hash strictly: the minor versions a, b and y
// (the same algorithm in this implementation), a two-digit cost within the limits, and 53
// characters of bcrypt's base64 alphabet.
func parseBcrypt(s string) (bcryptHash, error) {
	if len(s) != bcryptLen {
		return bcryptHash{}, fmt.Errorf("%w: a bcrypt hash has %d characters", errMalformed, bcryptLen)
	}
	if s[0] != '$' || s[1] != '2' || s[3] != '$' || s[6] != '$' {
		return bcryptHash{}, fmt.Errorf("%w: not a $2?$nn$ bcrypt hash", errMalformed)
	}
	if m := s[2]; m != 'a' && m != 'b' && m != 'y' {
		return bcryptHash{}, fmt.Errorf("%w: bcrypt version 2%c", errUnsupported, m)
	}
	if s[4] < '0' || s[4] > '9' || s[5] < '0' || s[5] > '9' {
		return bcryptHash{}, fmt.Errorf("%w: bcrypt cost is not two digits", errMalformed)
	}
	cost := int(s[4]-'0')*10 + int(s[5]-'0')
	if cost < bcrypt.MinCost || cost > MaxBcryptCost {
		return bcryptHash{}, fmt.Errorf("%w: bcrypt cost %d outside %d..%d", errLimits, cost, bcrypt.MinCost, MaxBcryptCost)
	}
	for i := 7; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '/') {
			return bcryptHash{}, fmt.Errorf("%w: bcrypt salt and hash must be bcrypt base64", errMalformed)
		}
	}
	return bcryptHash{encoded: s, cost: cost}, nil
}

// matches compares in constant time (bcrypt.CompareHashAndPassword uses subtle). Like every
// bcrypt, it reads only the first 72 bytes of the password.
func (b bcryptHash) matches(password string) bool {
	return bcrypt.CompareHashAndPassword([]byte(b.encoded), []byte(password)) == nil
}
