package gatehouse

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// allowedAlgs are the only signature algorithms accepted (RFC 8725 §3.1); "none" and HMAC
// never are.
var allowedAlgs = []jose.SignatureAlgorithm{jose.EdDSA, jose.ES256, jose.RS256}

// refetchAfter bounds how often an unknown kid makes the key set be fetched again.
const refetchAfter = 2 * time.Second

// keyCache holds the center's JWK Set (RFC 7517), fetched on first use and again when a token
// names a kid it does not know (a rotation), at most once per refetchAfter.
type keyCache struct {
	url  string
	http *http.Client
	now  func() time.Time

	mu      sync.Mutex
	keys    map[string]jose.JSONWebKey
	fetched time.Time
}

// key returns the verifying key of kid.
func (k *keyCache) key(ctx context.Context, kid string) (jose.JSONWebKey, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if key, ok := k.keys[kid]; ok {
		return key, nil
	}
	if !k.fetched.IsZero() && k.now().Sub(k.fetched) < refetchAfter {
		return jose.JSONWebKey{}, fmt.Errorf("unknown key id %q", kid)
	}
	keys, err := k.fetch(ctx)
	k.fetched = k.now()
	if err != nil {
		return jose.JSONWebKey{}, err
	}
	k.keys = keys
	if key, ok := k.keys[kid]; ok {
		return key, nil
	}
	return jose.JSONWebKey{}, fmt.Errorf("unknown key id %q", kid)
}

func (k *keyCache) fetch(ctx context.Context) (map[string]jose.JSONWebKey, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, k.url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := k.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetching the center's keys: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetching the center's keys: status %d", resp.StatusCode)
	}
	var set jose.JSONWebKeySet
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxAnswer)).Decode(&set); err != nil {
		return nil, fmt.Errorf("the center's key set: %w", err)
	}
	keys := make(map[string]jose.JSONWebKey, len(set.Keys))
	for _, key := range set.Keys {
		if key.KeyID == "" || !key.IsPublic() || !key.Valid() || (key.Use != "" && key.Use != "sig") {
			continue
		}
		keys[key.KeyID] = key
	}
	return keys, nil
}

// tokenClaims are the claims of the center's access and logout tokens.
type tokenClaims struct {
	jwt.Claims
	SID      string                     `json:"sid"`
	Username string                     `json:"username"`
	Roles    []string                   `json:"roles"`
	Events   map[string]json.RawMessage `json:"events"`
	Nonce    json.RawMessage            `json:"nonce"`
}

// maxTokenSize bounds the work one token may cause.
const maxTokenSize = 8 << 10

var errBadToken = errors.New("invalid token")

// verify checks a JWT of the center: size, algorithm allow-list, kid lookup (the key's own alg
// must be the header's), signature, typ (wantTyp, or anything but a logout token when empty),
// iss, aud (this system), exp (required), nbf and iat within the clock-skew bound.
func (c *Client) verify(ctx context.Context, raw, wantTyp string) (*tokenClaims, error) {
	if len(raw) == 0 || len(raw) > maxTokenSize {
		return nil, fmt.Errorf("%w: size", errBadToken)
	}
	tok, err := jwt.ParseSigned(raw, allowedAlgs)
	if err != nil || len(tok.Headers) != 1 {
		return nil, fmt.Errorf("%w: %v", errBadToken, err)
	}
	h := tok.Headers[0]
	typ, _ := h.ExtraHeaders[jose.HeaderType].(string)
	switch {
	case wantTyp != "" && typ != wantTyp:
		return nil, fmt.Errorf("%w: typ %q", errBadToken, typ)
	case wantTyp == "" && typ == typLogout:
		return nil, fmt.Errorf("%w: a logout token is no access token", errBadToken)
	}
	key, err := c.keys.key(ctx, h.KeyID)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errBadToken, err)
	}
	if key.Algorithm != "" && key.Algorithm != h.Algorithm {
		return nil, fmt.Errorf("%w: alg %s for a %s key", errBadToken, h.Algorithm, key.Algorithm)
	}
	var cl tokenClaims
	if err := tok.Claims(key.Key, &cl); err != nil {
		return nil, fmt.Errorf("%w: %v", errBadToken, err)
	}
	if cl.Expiry == nil || cl.IssuedAt == nil {
		return nil, fmt.Errorf("%w: exp and iat are required", errBadToken)
	}
	err = cl.Claims.ValidateWithLeeway(jwt.Expected{
		Issuer: c.cfg.Issuer, AnyAudience: jwt.Audience{c.cfg.SystemID}, Time: c.cfg.Now(),
	}, c.cfg.ClockSkew)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errBadToken, err)
	}
	return &cl, nil
}
