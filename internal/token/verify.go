package token

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/keys"
)

// allowedAlgs is the "alg" allow-list (RFC 8725 §3.1): asymmetric algorithms only, never
// "none" or an HMAC, whose key a verifier would share with every forger.
var allowedAlgs = []jose.SignatureAlgorithm{jose.EdDSA, jose.ES256, jose.RS256}

func invalid(format string, args ...any) error {
	return domain.Errorf(domain.CodeTokenInvalid, "access token: "+format, args...)
}

// Verify checks an access token for audience and returns its claims. An expired token is a
// CodeTokenExpired error, every other failure CodeTokenInvalid; messages never repeat the
// token. Whether the session named by the sid claim is still alive is the caller's check.
//
// The returned claims belong to the caller.
func (a *Access) Verify(ctx context.Context, token, audience string) (*Claims, error) {
	a.init()
	switch {
	case token == "":
		return nil, invalid("empty")
	case len(token) > MaxTokenSize:
		return nil, invalid("longer than %d bytes", MaxTokenSize)
	case audience == "":
		return nil, invalid("no audience to check against")
	}
	var sum [sha256.Size]byte
	if a.cache != nil {
		sum = hashToken(token)
		if c, kid, ok := a.cache.get(sum); ok {
			if ks := a.seen.Load(); ks != nil && ks.Verify[kid] != nil {
				if err := a.checkTimes(c); err != nil {
					if domain.ErrorCode(err) == domain.CodeTokenExpired {
						a.cache.remove(sum)
					}
					return nil, err
				}
				if !slices.Contains(c.Audience, audience) {
					return nil, invalid("not meant for this audience")
				}
				return c.clone(), nil
			}
			a.cache.remove(sum) // its key is gone from the key set
		}
	}
	c, kid, err := a.verifySigned(ctx, token)
	if err != nil {
		return nil, err
	}
	// RFC 7519 §4.1.1 iss, §4.1.2 sub: an exact match, no normalisation.
	if c.Issuer != a.Issuer {
		return nil, invalid("issued by someone else")
	}
	if c.Subject == "" {
		return nil, invalid("no subject")
	}
	if err := a.checkTimes(c); err != nil {
		return nil, err
	}
	if a.cache != nil {
		// Cached only once the token is valid now; the entry never outlives exp plus the skew.
		a.cache.put(sum, c, kid, time.Unix(c.Expiry, 0).Add(a.skew()), a.now())
	}
	// RFC 7519 §4.1.3: the audience the caller speaks for must be among "aud".
	if !slices.Contains(c.Audience, audience) {
		return nil, invalid("not meant for this audience")
	}
	return c.clone(), nil
}

// hashToken returns the SHA-256 of token, without a heap copy for tokens of common size.
func hashToken(token string) [sha256.Size]byte {
	var buf [2048]byte
	if len(token) <= len(buf) {
		return sha256.Sum256(append(buf[:0], token...))
	}
	return sha256.Sum256([]byte(token))
}

// checkTimes applies RFC 7519 §4.1.4 exp, §4.1.5 nbf and §4.1.6 iat with the clock-skew bound
// ("some small leeway", §4.1.4).
func (a *Access) checkTimes(c *Claims) error {
	now, skew := a.now(), a.skew()
	if c.Expiry == 0 {
		return invalid("no expiry")
	}
	if !time.Unix(c.Expiry, 0).After(now.Add(-skew)) {
		return domain.Errorf(domain.CodeTokenExpired, "access token: expired")
	}
	if c.NotBefore != 0 && time.Unix(c.NotBefore, 0).After(now.Add(skew)) {
		return invalid("not valid yet")
	}
	if c.IssuedAt != 0 && time.Unix(c.IssuedAt, 0).After(now.Add(skew)) {
		return invalid("issued in the future")
	}
	return nil
}

// verifySigned parses the JWS, finds its key and checks the signature; it returns the claims
// and the kid. It checks no claim.
func (a *Access) verifySigned(ctx context.Context, token string) (*Claims, string, error) {
	if !compactShape(token) {
		return nil, "", invalid("not a compact JWS")
	}
	// RFC 7515 §7.1 compact serialization; §4.1.1: the algorithm must be one we accept,
	// checked before anything else of the token is trusted.
	jws, err := jose.ParseSignedCompact(token, allowedAlgs)
	if err != nil {
		return nil, "", domain.Wrap(domain.CodeTokenInvalid, err, "access token: malformed or of an algorithm not accepted")
	}
	if len(jws.Signatures) != 1 {
		return nil, "", invalid("not exactly one signature")
	}
	h := jws.Signatures[0].Header
	// RFC 7519 §5.1 / RFC 9068 §2.1: "typ", when present, says JWT or at+jwt.
	if typ, ok := h.ExtraHeaders[jose.HeaderType]; ok && !acceptedType(typ) {
		return nil, "", invalid("of an unexpected type")
	}
	// RFC 7515 §4.1.4: the key is named by "kid"; we require it.
	if h.KeyID == "" {
		return nil, "", invalid("no key id")
	}
	k, err := a.lookup(ctx, h.KeyID)
	if err != nil {
		return nil, "", err
	}
	// RFC 8725 §3.1: the key decides the algorithm. An Ed25519 key never checks an ES256
	// signature, nor an RSA key an EdDSA one.
	if k.Algorithm != h.Algorithm {
		return nil, "", invalid("signed with an algorithm its key does not use")
	}
	payload, err := jws.Verify(k.Public)
	if err != nil {
		return nil, "", domain.Wrap(domain.CodeTokenInvalid, err, "access token: bad signature")
	}
	c := new(Claims)
	if err := json.Unmarshal(payload, c); err != nil {
		return nil, "", domain.Wrap(domain.CodeTokenInvalid, err, "access token: claims are not valid JSON")
	}
	return c, k.ID, nil
}

// lookup finds the verifying key of kid. A kid that the current set lacks may come from a
// rotation on another node: the set is reloaded, at most once per reloadEvery across all
// callers, so that a flood of made-up kids cannot turn into a flood of SQL queries.
func (a *Access) lookup(ctx context.Context, kid string) (*keys.Key, error) {
	ks, err := a.current(ctx)
	if err != nil {
		return nil, err
	}
	if k := ks.Verify[kid]; k != nil {
		return k, nil
	}
	now := a.now().UnixNano()
	last := a.lastReload.Load()
	if now-last < int64(reloadEvery) || !a.lastReload.CompareAndSwap(last, now) {
		return nil, invalid("signed by an unknown key")
	}
	a.Keys.Reload()
	if ks, err = a.current(ctx); err != nil {
		return nil, err
	}
	if k := ks.Verify[kid]; k != nil {
		return k, nil
	}
	return nil, invalid("signed by an unknown key")
}

func acceptedType(v any) bool {
	s, ok := v.(string)
	if !ok {
		return false
	}
	s = strings.ToLower(s) // RFC 7515 §4.1.9: compared case-insensitively,
	s = strings.TrimPrefix(s, "application/")
	return s == "jwt" || s == "at+jwt" // with "application/" optional
}

// compactShape reports whether s is three non-empty base64url segments joined by two dots and
// nothing else: no padding, white space or other bytes that a lenient decoder would skip, and
// each segment in its canonical form (the unused low bits of its last character zero), so that
// one signed token has exactly one spelling.
func compactShape(s string) bool {
	segments, start := 0, 0
	for i := 0; i <= len(s); i++ {
		if i < len(s) && s[i] != '.' {
			if !base64url(s[i]) {
				return false
			}
			continue
		}
		if !canonicalSegment(s[start:i]) {
			return false
		}
		segments, start = segments+1, i+1
	}
	return segments == 3
}

// canonicalSegment reports whether seg, already known to be base64url characters, is a
// non-empty unpadded encoding whose last character carries no stray bits.
func canonicalSegment(seg string) bool {
	var unused uint
	switch len(seg) % 4 {
	case 0:
		return len(seg) > 0
	case 1:
		return false
	case 2:
		unused = 4
	case 3:
		unused = 2
	}
	return base64Value(seg[len(seg)-1])&(1<<unused-1) == 0
}

func base64Value(c byte) byte {
	switch {
	case 'A' <= c && c <= 'Z':
		return c - 'A'
	case 'a' <= c && c <= 'z':
		return c - 'a' + 26
	case '0' <= c && c <= '9':
		return c - '0' + 52
	case c == '-':
		return 62
	}
	return 63 // '_'
}
