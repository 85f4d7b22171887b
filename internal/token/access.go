package token

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/keys"
)

// KeySource provides the signing and verifying keys; *keys.Manager is one.
type KeySource interface {
	Current(ctx context.Context) (*keys.KeySet, error)
	// Reload makes the next Current read the keys again (a kid this node has not seen yet may
	// have been created by a rotation on another node).
	Reload()
}

var _ KeySource = (*keys.Manager)(nil)

// Defaults of Access.
const (
	DefaultAccessTTL = 30 * time.Minute
	DefaultSkew      = 30 * time.Second
	DefaultCacheSize = 10_000
	// MaxTokenSize bounds the work an access token may cause: longer strings are refused
	// before they are parsed.
	MaxTokenSize = 8 << 10
	// reloadEvery bounds how often an unknown kid may make the key set reload.
	reloadEvery = time.Second
)

// Access issues and verifies access tokens. Set the exported fields before first use and do
// not change them afterwards; the zero values of the optional ones take the defaults. An
// Access is safe for concurrent use.
type Access struct {
	Keys   KeySource
	Issuer string // the "iss" of every token, e.g. the public base URL
	// Algorithm signs new tokens: keys.EdDSA (default), keys.ES256 or keys.RS256.
	Algorithm string
	TTL       time.Duration // lifetime of a token; 0 means DefaultAccessTTL
	// Skew is the clock-skew bound applied to exp, nbf and iat; 0 means DefaultSkew and a
	// negative value means none.
	Skew time.Duration
	Now  func() time.Time // default time.Now
	Rand io.Reader        // entropy for jti; default crypto/rand
	// CacheSize bounds the cache of verified tokens; 0 means DefaultCacheSize, a negative value
	// turns the cache off.
	CacheSize int

	once       sync.Once
	cache      *verifiedCache              // nil when off
	seen       atomic.Pointer[keys.KeySet] // the newest key set this Access has read
	lastReload atomic.Int64                // unix nanoseconds of the last Reload caused by an unknown kid
	signer     atomic.Pointer[signerFor]
	jwks       atomic.Pointer[jwksFor]
	randMu     sync.Mutex // io.Reader implementations need not be safe for concurrent use
}

// signerFor is a go-jose signer built for one key.
type signerFor struct {
	kid    string
	signer jose.Signer
}

func (a *Access) init() {
	a.once.Do(func() {
		size := a.CacheSize
		if size == 0 {
			size = DefaultCacheSize
		}
		if size > 0 {
			a.cache = newVerifiedCache(size)
		}
	})
}

func (a *Access) now() time.Time {
	if a.Now != nil {
		return a.Now()
	}
	return time.Now()
}

func (a *Access) ttl() time.Duration {
	if a.TTL > 0 {
		return a.TTL
	}
	return DefaultAccessTTL
}

func (a *Access) skew() time.Duration {
	switch {
	case a.Skew > 0:
		return a.Skew
	case a.Skew < 0:
		return 0
	}
	return DefaultSkew
}

func (a *Access) algorithm() string {
	if a.Algorithm == "" {
		return keys.EdDSA
	}
	return a.Algorithm
}

func (a *Access) random(b []byte) error {
	if a.Rand == nil {
		_, err := rand.Read(b)
		return err
	}
	a.randMu.Lock()
	defer a.randMu.Unlock()
	_, err := io.ReadFull(a.Rand, b)
	return err
}

// current returns the key set and remembers it as the newest one seen, against which cached
// verifications are checked.
func (a *Access) current(ctx context.Context) (*keys.KeySet, error) {
	if a.Keys == nil {
		return nil, domain.Errorf(domain.CodeInternal, "token: Access.Keys is not set")
	}
	ks, err := a.Keys.Current(ctx)
	if err != nil {
		return nil, err
	}
	if a.seen.Load() != ks {
		a.seen.Store(ks)
	}
	return ks, nil
}

// Issue signs an access token for subject (a user id) in session sid, valid for the audience
// (one or more system ids) and carrying the roles the user holds there.
//
// RFC 7519 §7.1: the claims are serialized as a JSON object and secured as a JWS (RFC 7515
// §3.1 compact serialization); the header names the key ("kid", §4.1.4) and "typ": "JWT"
// (RFC 7519 §5.1).
func (a *Access) Issue(ctx context.Context, subject, username, sid string, audience, roles []string) (string, *Claims, error) {
	a.init()
	if a.Issuer == "" {
		return "", nil, domain.Errorf(domain.CodeInternal, "token: Access.Issuer is not set")
	}
	var p domain.Problems
	if subject == "" {
		p.Add("subject", "is required")
	}
	if sid == "" {
		p.Add("sid", "is required")
	}
	if len(audience) == 0 {
		p.Add("audience", "at least one is required")
	}
	for _, aud := range audience {
		if aud == "" {
			p.Add("audience", "must not hold an empty string")
			break
		}
	}
	if err := p.Err(); err != nil {
		return "", nil, err
	}
	signer, err := a.signerNow(ctx)
	if err != nil {
		return "", nil, err
	}
	var jti [16]byte
	if err := a.random(jti[:]); err != nil {
		return "", nil, domain.Wrap(domain.CodeInternal, err, "token: no entropy for jti")
	}
	now := a.now().Unix()
	c := &Claims{
		Issuer:    a.Issuer,
		Subject:   subject,
		Audience:  append([]string(nil), audience...),
		IssuedAt:  now,
		NotBefore: now,
		Expiry:    now + int64(a.ttl()/time.Second),
		ID:        base64.RawURLEncoding.EncodeToString(jti[:]),
		SessionID: sid,
		Username:  username,
		Roles:     append([]string(nil), roles...),
	}
	if len(c.Roles) == 0 {
		c.Roles = nil
	}
	// jwt.Signed(…).Claims(c) would marshal, decode and marshal again to merge claim sets; one
	// marshal is enough for one struct (a third of the cost of Issue).
	payload, err := json.Marshal(c)
	if err != nil {
		return "", nil, domain.Wrap(domain.CodeInternal, err, "token: encode claims")
	}
	obj, err := signer.Sign(payload)
	if err != nil {
		return "", nil, domain.Wrap(domain.CodeInternal, err, "token: signing failed")
	}
	tok, err := obj.CompactSerialize()
	if err != nil {
		return "", nil, domain.Wrap(domain.CodeInternal, err, "token: signing failed")
	}
	return tok, c, nil
}

// signerNow returns a signer for the active key of the configured algorithm, building a new one
// when the key changed (a rotation).
func (a *Access) signerNow(ctx context.Context) (jose.Signer, error) {
	alg := a.algorithm()
	switch alg {
	case keys.EdDSA, keys.ES256, keys.RS256:
	default:
		return nil, domain.Errorf(domain.CodeInternal, "token: signing algorithm %q is not EdDSA, ES256 or RS256", alg)
	}
	ks, err := a.current(ctx)
	if err != nil {
		return nil, err
	}
	k := ks.Signing[alg]
	if k == nil || k.Signer == nil {
		return nil, domain.Errorf(domain.CodeInternal, "token: there is no active %s signing key (run: gatehouse keys rotate)", alg)
	}
	if s := a.signer.Load(); s != nil && s.kid == k.ID {
		return s.signer, nil
	}
	// RFC 7515 §4.1.4 "kid" and §4.1.9 "typ" in the protected header.
	s, err := jose.NewSigner(
		jose.SigningKey{Algorithm: jose.SignatureAlgorithm(alg), Key: jose.JSONWebKey{Key: k.Signer, KeyID: k.ID, Algorithm: alg}},
		(&jose.SignerOptions{}).WithType("JWT"),
	)
	if err != nil {
		return nil, domain.Wrap(domain.CodeInternal, err, "token: signing key "+k.ID+" is not usable")
	}
	a.signer.Store(&signerFor{kid: k.ID, signer: s})
	return s, nil
}
