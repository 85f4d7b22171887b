package session

import (
	"crypto/sha256"
	"encoding/base32"
	"encoding/base64"
	"strings"
	"unicode/utf8"

	"github.com/gatehouse/gatehouse/internal/domain"
)

// Sizes of ids and secrets.
const (
	idBytes     = 16 // 128 random bits per session or device id
	secretBytes = 32 // 256 random bits per cookie secret

	// IDLen is the length of a session id: 128 bits in lower-case base32 without padding.
	IDLen = (idBytes*8 + 4) / 5
	// secretLen is the length of a cookie secret: 256 bits in base64url without padding.
	secretLen = (secretBytes*8 + 5) / 6
	// CookieLen is the length of every valid cookie value "<sid>.<secret>".
	CookieLen = IDLen + 1 + secretLen
)

var (
	idEncoding     = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)
	secretEncoding = base64.RawURLEncoding.Strict()
)

// ValidID reports whether sid has the form of a session id. It says nothing about whether the
// session exists.
func ValidID(sid string) bool {
	if len(sid) != IDLen {
		return false
	}
	for i := 0; i < len(sid); i++ {
		if c := sid[i]; !('a' <= c && c <= 'z' || '2' <= c && c <= '7') {
			return false
		}
	}
	return true
}

// parseCookie splits a cookie value into its session id and the SHA-256 of its secret. It
// looks at nothing else: whether the session exists and the hash matches is the caller's check.
func parseCookie(v string) (sid string, hash [sha256.Size]byte, ok bool) {
	if len(v) != CookieLen || v[IDLen] != '.' {
		return "", hash, false
	}
	sid = v[:IDLen]
	if !ValidID(sid) {
		return "", hash, false
	}
	var secret [secretBytes + 2]byte // DecodedLen(secretLen) rounds up
	n, err := secretEncoding.Decode(secret[:], []byte(v[IDLen+1:]))
	if err != nil || n != secretBytes {
		return "", hash, false
	}
	return sid, sha256.Sum256(secret[:secretBytes]), true
}

// Keys in the session store. Every key of one session carries its id as the hash tag.
func sessionKey(sid string) string { return "sess:{" + sid + "}" }
func userKey(userID string) string { return "usess:{" + userID + "}" }

// Limits on what a new session records.
const (
	maxUserIDLen    = 128
	maxDeviceIDLen  = 64
	maxIPLen        = 64  // an IPv6 address with a zone fits
	maxUserAgentLen = 256 // longer User-Agents are cut: the session keeps one for display only
)

// validUserID: a user id is used inside a hash tag, so it must not hold braces; nor controls.
func validUserID(id string) bool {
	return id != "" && len(id) <= maxUserIDLen && !strings.ContainsAny(id, "{}") && printable(id)
}

// validDeviceID: letters, digits, '-' and '_' (what the login code derives from a device
// cookie), at most 64 of them.
func validDeviceID(id string) bool {
	if id == "" || len(id) > maxDeviceIDLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// printable reports whether s is valid UTF-8 without control characters.
func printable(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return false
		}
	}
	return true
}

// validate checks what the login code hands over; it cleans what is only shown (the
// User-Agent is cut to a bounded length and made valid UTF-8).
func (n *NewSession) validate() error {
	var p domain.Problems
	if !validUserID(n.UserID) {
		p.Add("user_id", "must be 1 to %d printable bytes without braces", maxUserIDLen)
	}
	if len(n.Username) > 4*domain.MaxUsernameLen || !printable(n.Username) {
		p.Add("username", "must be valid, printable UTF-8 of at most %d characters", domain.MaxUsernameLen)
	}
	if n.DeviceID != "" && !validDeviceID(n.DeviceID) {
		p.Add("device_id", "must be 1 to %d letters, digits, - or _", maxDeviceIDLen)
	}
	if len(n.IP) > maxIPLen || !printable(n.IP) {
		p.Add("ip", "must be at most %d printable bytes", maxIPLen)
	}
	if err := p.Err(); err != nil {
		return err
	}
	n.UserAgent = clip(strings.ToValidUTF8(n.UserAgent, "\uFFFD"), maxUserAgentLen)
	return nil
}

// clip cuts s to at most n bytes without splitting a UTF-8 sequence.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
