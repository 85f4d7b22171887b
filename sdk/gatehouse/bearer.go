package gatehouse

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// BearerMiddleware protects an API with the center's access tokens: it verifies the
// "Authorization: Bearer" token locally against the center's cached JWKS (algorithm
// allow-list, kid, signature, iss = the center, aud = this system, exp/nbf/iat), refuses a
// token whose sid was ended by a back-channel logout, and puts the User (id, username, roles,
// sid; no permissions — tokens do not carry them) into the context. It answers 401 with a
// WWW-Authenticate challenge (RFC 6750 §3) otherwise.
func (c *Client) BearerMiddleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, ok := bearerToken(r)
		if !ok {
			w.Header().Set("WWW-Authenticate", `Bearer realm="gatehouse"`)
			http.Error(w, "bearer token required", http.StatusUnauthorized)
			return
		}
		u, err := c.VerifyAccessToken(r.Context(), raw)
		if err != nil {
			if !errors.Is(err, errBadToken) {
				c.log.Error("gatehouse: verifying an access token", "err", err)
			}
			w.Header().Set("WWW-Authenticate", `Bearer realm="gatehouse", error="invalid_token"`)
			http.Error(w, "invalid token", http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r.WithContext(WithUser(r.Context(), u)))
	})
}

// VerifyAccessToken checks an access token of the center for this system and returns its user.
func (c *Client) VerifyAccessToken(ctx context.Context, raw string) (*User, error) {
	cl, err := c.verify(ctx, raw, "")
	if err != nil {
		return nil, err
	}
	if cl.Subject == "" || cl.SID == "" {
		return nil, fmt.Errorf("%w: sub and sid are required", errBadToken)
	}
	ended, err := c.cfg.Store.SIDEnded(ctx, cl.SID)
	if err != nil {
		return nil, err
	}
	if ended {
		return nil, fmt.Errorf("%w: the session has ended", errBadToken)
	}
	return &User{ID: cl.Subject, Username: cl.Username, Roles: cl.Roles, SessionID: cl.SID}, nil
}

func bearerToken(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	if len(h) < 7 || !strings.EqualFold(h[:7], "Bearer ") {
		return "", false
	}
	t := strings.TrimSpace(h[7:])
	return t, t != ""
}
