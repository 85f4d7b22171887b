package password

import (
	_ "embed"
	"fmt"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/gatehouse/gatehouse/internal/domain"
)

// Policy is what a new password must satisfy. Length is counted in Unicode code points for the
// minimum and in bytes for the maximum, which bounds the hashing work.
type Policy struct {
	MinLength      int  // characters (code points); ≤ 0 for no minimum
	MaxLength      int  // bytes of UTF-8; ≤ 0 for no maximum
	ForbidUsername bool // the password must not contain the username
	ForbidCommon   bool // the password must not be one of the most common passwords
}

// Policy defaults.
const (
	DefaultMinLength = 8
	DefaultMaxLength = 256
	// MaxMaxLength bounds MaxLength in Validate.
	MaxMaxLength = 4096
)

// DefaultPolicy returns the recommended policy: 8 to 256 bytes (NIST SP 800-63B section
// 5.1.1.2 asks for at least 8 characters and no composition rules), no username, no common
// password.
func DefaultPolicy() Policy {
	return Policy{MinLength: DefaultMinLength, MaxLength: DefaultMaxLength, ForbidUsername: true, ForbidCommon: true}
}

// Validate checks the policy itself, for configuration, and reports every problem at once.
func (p Policy) Validate() error {
	var probs domain.Problems
	if p.MinLength < 1 {
		probs.Add("min_length", "must be at least 1")
	}
	if p.MaxLength < 1 || p.MaxLength > MaxMaxLength {
		probs.Add("max_length", "must be 1 to %d bytes", MaxMaxLength)
	} else if p.MaxLength < p.MinLength {
		probs.Add("max_length", "must be at least min_length")
	}
	return probs.Err()
}

// Check returns nil when password satisfies the policy for the user named username, else a
// weak_password *domain.Error whose Fields list every problem (all on the field "password").
func (p Policy) Check(password, username string) error {
	var probs domain.Problems
	const field = "password"
	if !utf8.ValidString(password) {
		probs.Add(field, "is not valid UTF-8 text")
		if p.MaxLength > 0 && len(password) > p.MaxLength {
			probs.Add(field, "must be at most %d bytes", p.MaxLength)
		}
		return weak(probs)
	}
	if strings.IndexFunc(password, unicode.IsControl) >= 0 {
		probs.Add(field, "must not contain control characters such as tabs or line breaks")
	}
	if n := utf8.RuneCountInString(password); n < p.MinLength {
		probs.Add(field, "must be at least %d characters", p.MinLength)
	}
	if p.MaxLength > 0 && len(password) > p.MaxLength {
		probs.Add(field, "must be at most %d bytes", p.MaxLength)
	}
	folded := fold(password)
	if p.ForbidUsername && containsUsername(folded, fold(username)) {
		probs.Add(field, "must not contain the username")
	}
	if p.ForbidCommon && isCommon(folded) {
		probs.Add(field, "is one of the most common passwords")
	}
	return weak(probs)
}

// Describe returns the rules of p in plain English, one sentence each, for display next to a
// password field.
func (p Policy) Describe() []string {
	var rules []string
	if p.MinLength > 0 {
		rules = append(rules, fmt.Sprintf("At least %d characters.", p.MinLength))
	}
	if p.MaxLength > 0 {
		rules = append(rules, fmt.Sprintf("At most %d bytes: a plain English letter, digit or symbol takes one, an accented letter or another script two to four.", p.MaxLength))
	}
	rules = append(rules, "Any letters, digits, symbols, spaces or emoji; no tabs, line breaks or other control characters.")
	if p.ForbidUsername {
		rules = append(rules, "It must not contain your username.")
	}
	if p.ForbidCommon {
		rules = append(rules, "It must not be one of the most commonly used passwords.")
	}
	return rules
}

func weak(probs domain.Problems) error {
	if len(probs) == 0 {
		return nil
	}
	return &domain.Error{Code: domain.CodeWeakPassword, Message: "the password does not meet the password policy", Fields: probs}
}

// fold brings text to the form that comparisons use: Unicode NFKC, lower case, so that
// "ＰａｓｓＷｏｒｄ" is "password".
func fold(s string) string { return strings.ToLower(norm.NFKC.String(s)) }

// containsUsername reports whether the folded password holds the folded username. Usernames of
// one or two characters would forbid too much, so for them only equality counts.
func containsUsername(password, username string) bool {
	username = strings.TrimSpace(username)
	switch {
	case username == "":
		return false
	case utf8.RuneCountInString(username) < 3:
		return password == username
	default:
		return strings.Contains(password, username)
	}
}

//go:embed common.txt
var commonText string

// commonSet is the embedded list as a set, built on first use.
var commonSet = sync.OnceValue(func() map[string]struct{} {
	set := make(map[string]struct{}, 512)
	for line := range strings.Lines(commonText) {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		set[fold(line)] = struct{}{}
	}
	return set
})

// isCommon reports whether the folded password is on the embedded list.
func isCommon(folded string) bool {
	_, ok := commonSet()[folded]
	return ok
}
