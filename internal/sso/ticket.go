package sso

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"strings"
	"time"

	"github.com/gatehouse/gatehouse/internal/domain"
)

// Kind says which face a ticket was issued by and may be redeemed at.
type Kind string

// The kinds of ticket.
const (
	KindSSO Kind = "sso" // /sso/login → /sso/validate
	KindCAS Kind = "cas" // /cas/login → /cas/serviceValidate; the ticket is "ST-…" (CAS 3.0 §3.1)
)

// protocol is the domain.System protocol name a kind needs.
func (k Kind) protocol() (string, bool) {
	switch k {
	case KindSSO:
		return domain.ProtocolSSO, true
	case KindCAS:
		return domain.ProtocolCAS, true
	}
	return "", false
}

// Ticket sizes and limits.
const (
	ticketBytes     = 20 // 160 random bits (the brief asks for at least 128)
	casPrefix       = "ST-"
	maxTicketLen    = 64
	keyPrefix       = "tkt:"
	challengeLen    = 43 // BASE64URL(SHA-256) without padding, RFC 7636 §4.2
	minVerifierLen  = 43 // RFC 7636 §4.1
	maxVerifierLen  = 128
	MethodS256      = "S256"
	MaxStateBytes   = 512
	maxRedirectLen  = 2048
	maxUserIDLength = 128
)

// ticketEncoding writes tickets in lower-case hex: CAS 3.0 §3.7 allows only A-Z a-z 0-9 and '-'
// in a ticket, and clients such as mod_auth_cas ignore any other (base64url's '_' included).
var ticketEncoding = hex.EncodeToString

// challengeEncoding is PKCE's BASE64URL without padding (RFC 7636 §4.2).
var challengeEncoding = base64.RawURLEncoding

// record is the stored form of a ticket: short names, times in Unix milliseconds.
type record struct {
	K Kind   `json:"k"`
	S string `json:"s"`           // system id
	R string `json:"r"`           // redirect URI (CAS: service) exactly as presented at issue
	I string `json:"i"`           // session id
	U string `json:"u"`           // user id
	C string `json:"c,omitempty"` // S256 code challenge, "" for none
	E int64  `json:"e"`           // expiry, Unix milliseconds
}

func (r *record) encode() []byte {
	b, err := json.Marshal(r)
	if err != nil { // strings and integers always marshal
		panic("sso: encoding a ticket: " + err.Error())
	}
	return b
}

func (r *record) expired(now time.Time) bool { return !now.Before(time.UnixMilli(r.E)) }

// wellFormedTicket reports whether t could be a ticket of kind k: the right prefix and only
// lower-case hex after it. Anything else is refused before the store is asked.
func wellFormedTicket(k Kind, t string) bool {
	if len(t) == 0 || len(t) > maxTicketLen {
		return false
	}
	body := t
	if k == KindCAS {
		var ok bool
		if body, ok = strings.CutPrefix(t, casPrefix); !ok {
			return false
		}
	}
	if len(body) != hex.EncodedLen(ticketBytes) {
		return false
	}
	for i := 0; i < len(body); i++ {
		if c := body[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

func isB64URL(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_'
}

// ValidChallenge checks a PKCE-style code challenge: only S256 (RFC 7636 §4.2; "plain" would put
// the secret itself in the URL) and exactly 43 base64url characters.
func ValidChallenge(challenge, method string) error {
	if challenge == "" && method == "" {
		return nil
	}
	var p domain.Problems
	if method != MethodS256 {
		p.Add("code_challenge_method", "must be S256")
	}
	if len(challenge) != challengeLen || strings.IndexFunc(challenge, func(r rune) bool { return r > 0x7f || !isB64URL(byte(r)) }) >= 0 {
		p.Add("code_challenge", "must be BASE64URL(SHA-256(code_verifier)): 43 characters")
	}
	return p.Err()
}

// verifierMatches checks a code verifier against the stored challenge in constant time
// (RFC 7636 §4.1 verifier syntax, §4.6 S256 comparison).
func verifierMatches(verifier, challenge string) bool {
	if len(verifier) < minVerifierLen || len(verifier) > maxVerifierLen {
		return false
	}
	for i := 0; i < len(verifier); i++ {
		c := verifier[i]
		if !(isB64URL(c) || c == '.' || c == '~') {
			return false
		}
	}
	sum := sha256.Sum256([]byte(verifier))
	want := challengeEncoding.EncodeToString(sum[:])
	return subtle.ConstantTimeCompare([]byte(want), []byte(challenge)) == 1
}
