package token

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"net/netip"
	"time"
)

// The parts of a refresh token "<sid>.<family>.<secret>". The family id and the secret are
// random (128 and 256 bits) and base64url without padding; the sid is the session's own id,
// which must use the base64url alphabet too (so that it can hold neither '.' nor a '{' or '}'
// that would move the hash tag of the keys built from it).
const (
	familyBytes    = 16
	secretBytes    = 32
	familyLen      = 22 // base64.RawURLEncoding.EncodedLen(familyBytes)
	secretLen      = 43 // base64.RawURLEncoding.EncodedLen(secretBytes)
	maxSIDLen      = 128
	maxRefreshSize = maxSIDLen + 1 + familyLen + 1 + secretLen
)

// refreshToken is a parsed refresh token.
type refreshToken struct {
	sid, family, secret string
}

// parseRefresh splits a refresh token into its parts and checks their shape, so that nothing
// malformed reaches the store. It does not decode the secret: only its hash is ever compared.
func parseRefresh(s string) (refreshToken, bool) {
	if len(s) > maxRefreshSize {
		return refreshToken{}, false
	}
	var parts [3]string
	n, start := 0, 0
	for i := 0; i <= len(s); i++ {
		if i < len(s) && s[i] != '.' {
			continue
		}
		if n == 3 {
			return refreshToken{}, false
		}
		parts[n], n, start = s[start:i], n+1, i+1
	}
	t := refreshToken{sid: parts[0], family: parts[1], secret: parts[2]}
	if n != 3 || !validSID(t.sid) || !canonical(t.family, familyBytes) || !canonical(t.secret, secretBytes) {
		return refreshToken{}, false
	}
	return t, true
}

// validSID reports whether sid is 1..maxSIDLen base64url characters.
func validSID(sid string) bool {
	if sid == "" || len(sid) > maxSIDLen {
		return false
	}
	for i := 0; i < len(sid); i++ {
		if !base64url(sid[i]) {
			return false
		}
	}
	return true
}

// canonical reports whether s is the unpadded base64url encoding of exactly n bytes, in its one
// canonical form (the unused low bits of the last character are zero), so that one secret has
// one spelling.
func canonical(s string, n int) bool {
	if len(s) != base64.RawURLEncoding.EncodedLen(n) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !base64url(s[i]) {
			return false
		}
	}
	_, err := base64.RawURLEncoding.Strict().DecodeString(s)
	return err == nil
}

func base64url(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_'
}

func (t refreshToken) String() string { return t.sid + "." + t.family + "." + t.secret }

// familyKey is the record of a family; the session id is the hash tag, so that every key of a
// session's families lives in one Redis Cluster slot.
func familyKey(sid, family string) string { return "rt:{" + sid + "}:" + family }

// successorKey holds the sealed successor of a family's last rotation, for the grace window only.
func successorKey(sid, family string) string { return "rtn:{" + sid + "}:" + family }

// familiesKey is the set of a session's family ids.
func familiesKey(sid string) string { return "rtf:{" + sid + "}" }

// tokenHash is what the store keeps of a token: its SHA-256, never the token.
func tokenHash(token string) []byte {
	sum := sha256.Sum256([]byte(token))
	return sum[:]
}

// sameHash compares two hashes in constant time.
func sameHash(a, b []byte) bool {
	return len(a) == sha256.Size && subtle.ConstantTimeCompare(a, b) == 1
}

// fingerprint is the SHA-256 of the device's User-Agent and, when bindIP, of its IP address
// (normalised, so that "::ffff:192.0.2.1" and "192.0.2.1" are one address).
func fingerprint(userAgent, ip string, bindIP bool) []byte {
	h := sha256.New()
	h.Write([]byte(userAgent))
	if bindIP {
		if a, err := netip.ParseAddr(ip); err == nil {
			ip = a.Unmap().WithZone("").String()
		}
		h.Write([]byte{0})
		h.Write([]byte(ip))
	}
	return h.Sum(nil)
}

// record is a family as stored at familyKey: compact JSON of about 300 bytes.
type record struct {
	User      string `json:"u"`
	System    string `json:"s,omitempty"`
	Center    bool   `json:"m,omitempty"` // may mint tokens for the center's own API
	Current   []byte `json:"c"`           // hash of the live token
	Previous  []byte `json:"p,omitempty"` // hash of the token it replaced
	RotatedAt int64  `json:"r,omitempty"` // unix milliseconds of the last rotation
	Gen       int    `json:"g"`
	Print     []byte `json:"f"`           // device fingerprint
	BindIP    bool   `json:"i,omitempty"` // the fingerprint covers the IP address
	Created   int64  `json:"t"`           // unix milliseconds
	Expires   int64  `json:"e"`           // unix milliseconds; absolute, never extended
}

func (r *record) family(sid, id string) *Family {
	f := &Family{
		ID: id, SessionID: sid, UserID: r.User, System: r.System, Center: r.Center, Generation: r.Gen,
		CreatedAt: time.UnixMilli(r.Created), ExpiresAt: time.UnixMilli(r.Expires),
	}
	if r.RotatedAt != 0 {
		f.RotatedAt = time.UnixMilli(r.RotatedAt)
	}
	return f
}

func decodeRecord(b []byte) (*record, error) {
	r := new(record)
	if err := json.Unmarshal(b, r); err != nil {
		return nil, err
	}
	return r, nil
}
