package throttle

import (
	"crypto/sha256"
	"encoding/base64"
	"net/netip"
	"strings"

	"github.com/gatehouse/gatehouse/internal/domain"
)

// keys are the session-store keys of one (user, IP) attempt.
type keys struct {
	user, ip, pair   string // sliding windows of failures
	lockPair, lockIP string // lock ends, unix milliseconds
}

// maxPart is the longest user or IP part kept as it is; longer ones are hashed.
const maxPart = 64

func keysFor(username, ip string) (keys, error) {
	u := domain.NormalizeUsername(username)
	if u == "" {
		return keys{}, domain.Errorf(domain.CodeInvalidInput, "throttle: a username is required")
	}
	u, a := part(u), part(clientBucket(ip))
	p := u + "|" + a
	return keys{
		user: "bf:u:" + u, ip: "bf:ip:" + a, pair: "bf:p:" + p,
		lockPair: "bf:lock:p:" + p, lockIP: "bf:lock:ip:" + a,
	}, nil
}

// part returns s when it is short and plain, and otherwise "#" and the base64url SHA-256 of s,
// so that keys stay bounded and free of the separator '|', of hash-tag braces and of anything
// else surprising. A plain part never holds '#', so a hashed part never equals a plain one.
func part(s string) string {
	if len(s) <= maxPart && strings.IndexFunc(s, unplain) < 0 {
		return s
	}
	sum := sha256.Sum256([]byte(s))
	return "#" + base64.RawURLEncoding.EncodeToString(sum[:])
}

// unplain reports a rune that a plain part must not hold.
func unplain(r rune) bool {
	return r <= ' ' || r == 0x7f || r == '|' || r == '#' || r == '{' || r == '}' || r >= 0x80 && r < 0xa0 || r == '\uFFFD'
}

// clientBucket returns the canonical form of the client address: an IPv4 address as such (also
// when given IPv4-mapped or with a port), and an IPv6 address as its /64, because one client
// commonly holds a whole /64 and would otherwise escape the counters by changing address. An
// empty address is "-"; anything else is kept as given.
func clientBucket(ip string) string {
	if ip == "" {
		return "-"
	}
	addr, err := netip.ParseAddr(ip)
	if err != nil {
		ap, err := netip.ParseAddrPort(ip)
		if err != nil {
			return ip
		}
		addr = ap.Addr()
	}
	addr = addr.Unmap().WithZone("")
	if addr.Is4() {
		return addr.String()
	}
	pfx, _ := addr.Prefix(64)
	return pfx.String()
}
