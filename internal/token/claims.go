package token

import (
	"bytes"
	"encoding/json"
)

// Claims are the claims of a Gatehouse access token.
//
// RFC 7519 §4.1 registered claims (iss, sub, aud, exp, nbf, iat, jti) and Gatehouse's private
// ones (§4.3): sid ties the token to a session, username and roles spare the sub-system a
// lookup. Times are NumericDate seconds (RFC 7519 §2).
type Claims struct {
	Issuer    string   `json:"iss"`
	Subject   string   `json:"sub"`
	Audience  []string `json:"aud"` // always written as an array; read from a string or an array
	Expiry    int64    `json:"exp"`
	IssuedAt  int64    `json:"iat"`
	NotBefore int64    `json:"nbf"`
	ID        string   `json:"jti"`
	SessionID string   `json:"sid"`
	Username  string   `json:"username"`
	Roles     []string `json:"roles,omitempty"`
}

// UnmarshalJSON reads the claims, accepting "aud" as a single string or an array of strings
// (RFC 7519 §4.1.3).
func (c *Claims) UnmarshalJSON(b []byte) error {
	type plain Claims // without this method
	var raw struct {
		plain
		Audience json.RawMessage `json:"aud"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	*c = Claims(raw.plain)
	c.Audience = nil
	aud := bytes.TrimSpace(raw.Audience)
	switch {
	case len(aud) == 0 || bytes.Equal(aud, []byte("null")):
	case aud[0] == '"':
		var one string
		if err := json.Unmarshal(aud, &one); err != nil {
			return err
		}
		c.Audience = []string{one}
	default:
		if err := json.Unmarshal(aud, &c.Audience); err != nil {
			return err
		}
	}
	return nil
}

// clone returns a copy that shares no slice with c, so that a caller cannot change what the
// cache holds. Both slices share one new backing array (full slice expressions keep an append
// to one from writing into the other).
func (c *Claims) clone() *Claims {
	d := *c
	if n := len(c.Audience) + len(c.Roles); n > 0 {
		all := make([]string, 0, n)
		all = append(append(all, c.Audience...), c.Roles...)
		na := len(c.Audience)
		d.Audience, d.Roles = all[:na:na], all[na:n:n]
		if c.Audience == nil {
			d.Audience = nil
		}
		if c.Roles == nil {
			d.Roles = nil
		}
	}
	return &d
}
