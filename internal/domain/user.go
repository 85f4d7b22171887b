package domain

import (
	"net/mail"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// UserStatus is the lifecycle state of an account.
type UserStatus string

// The account states. Only an active user can sign in.
const (
	UserActive   UserStatus = "active"
	UserDisabled UserStatus = "disabled" // switched off by an operator
	UserLocked   UserStatus = "locked"   // locked by policy until an operator unlocks it
)

// Valid reports whether s is one of the known states.
func (s UserStatus) Valid() bool {
	return s == UserActive || s == UserDisabled || s == UserLocked
}

// User is a person (or service account) who can sign in.
type User struct {
	ID                string
	Username          string // normalised: NFKC, lower case; unique
	DisplayName       string
	Email             string
	Status            UserStatus
	PasswordHash      string // PHC string (argon2id) or an imported bcrypt hash; never shown
	PasswordChangedAt time.Time
	CreatedAt         time.Time
	UpdatedAt         time.Time
	// Version grows on every change to the user or to their role grants, so that cached
	// permissions can tell they are stale.
	Version int64
}

// Limits on user fields.
const (
	MaxUsernameLen    = 64
	MaxDisplayNameLen = 128
	MaxEmailLen       = 254
)

// NormalizeUsername folds a username to its canonical form: Unicode NFKC, then lower case,
// with surrounding space removed. "Jack", "JACK" and "Ｊａｃｋ" are one user. Folding twice
// changes nothing: invalid UTF-8 becomes U+FFFD first (NFKC and ToLower treat it differently),
// and space is trimmed after NFKC, which turns some marks into space + combining mark.
func NormalizeUsername(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	// Lower-casing can undo NFKC ("Y" + combining ring lowers to "y" + ring, which NFKC composes
	// to "ẙ"), and NFKC can undo lower case; repeat both until nothing changes, so that
	// normalising twice changes nothing (a few rounds always suffice; the bound is a guard).
	for range 4 {
		next := strings.TrimSpace(strings.ToLower(norm.NFKC.String(s)))
		if next == s {
			break
		}
		s = next
	}
	return s
}

// ValidateUsername checks an already normalised username.
func ValidateUsername(s string) string {
	switch {
	case s == "":
		return "is required"
	case !utf8.ValidString(s):
		return "is not valid UTF-8"
	case utf8.RuneCountInString(s) > MaxUsernameLen:
		return "is longer than 64 characters"
	}
	for _, r := range s {
		if !(unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("._-@+", r)) {
			return "may hold only letters, digits and . _ - @ +"
		}
	}
	return ""
}

// Validate checks every field of u and reports all problems at once. It expects Username to
// be normalised already.
func (u *User) Validate() error {
	var p Problems
	if msg := ValidateUsername(u.Username); msg != "" {
		p.Add("username", "%s", msg)
	} else if u.Username != NormalizeUsername(u.Username) {
		p.Add("username", "is not normalised")
	}
	if !utf8.ValidString(u.DisplayName) || utf8.RuneCountInString(u.DisplayName) > MaxDisplayNameLen {
		p.Add("display_name", "must be valid text of at most %d characters", MaxDisplayNameLen)
	} else if strings.IndexFunc(u.DisplayName, unicode.IsControl) >= 0 {
		p.Add("display_name", "must not hold control characters")
	}
	if u.Email != "" {
		if len(u.Email) > MaxEmailLen {
			p.Add("email", "is longer than %d bytes", MaxEmailLen)
		} else if a, err := mail.ParseAddress(u.Email); err != nil || a.Address != u.Email {
			p.Add("email", "is not a plain e-mail address")
		}
	}
	if !u.Status.Valid() {
		p.Add("status", "must be active, disabled or locked")
	}
	return p.Err()
}

// UserFilter selects users for a listing.
type UserFilter struct {
	Query  string     // substring of username, display name or e-mail; "" for all
	Status UserStatus // "" for any
	Offset int
	Limit  int // 0 means the store's default page size
}
