package identity

import "regexp"

var (
	bcryptPattern   = regexp.MustCompile(`^(\{bcrypt\})?\$2[aby]\$(0[4-9]|[12][0-9]|3[01])\$[./A-Za-z0-9]{53}$`)
	argon2idPattern = regexp.MustCompile(`^\$argon2id\$v=19\$m=\d{1,8},t=\d{1,3},p=\d{1,3}\$[A-Za-z0-9+/]{11,}\$[A-Za-z0-9+/]{16,}$`)
)

// RecognizedHash reports whether an imported password hash has a form Gatehouse can verify:
// argon2id in PHC form, or bcrypt ($2a$, $2b$, $2y$, optionally with Spring's {bcrypt} prefix).
func RecognizedHash(h string) bool {
	return bcryptPattern.MatchString(h) || argon2idPattern.MatchString(h)
}
