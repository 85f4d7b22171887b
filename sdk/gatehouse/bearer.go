package gatehouse

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"
)

// BearerMiddleware protects an API with the center's access tokens: it verifies the
// "Authorization: Bearer" token locally against the center's cached JWKS (algorithm
// allow-list, kid, signature, iss = the center, aud = this system, exp/nbf/iat), refuses a
// token whose sid was ended by a back-channel logout, and puts the User into the context. It
// answers 401 with a WWW-Authenticate challenge (RFC 6750 §3) otherwise.
//
// Access tokens carry id, username, roles and sid, not permissions. With
// Config.BearerPermissions the user's permissions (and display name and email) are asked of
// the center (GET /sso/userinfo) the first time a token is seen and kept until it expires.
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
			var ce *CenterError
			if !errors.Is(err, errBadToken) && !(errors.As(err, &ce) && ce.Status < 500) {
				c.log.Error("gatehouse: verifying an access token", "err", err)
				http.Error(w, "sign-in is unavailable", http.StatusServiceUnavailable)
				return
			}
			w.Header().Set("WWW-Authenticate", `Bearer realm="gatehouse", error="invalid_token"`)
			http.Error(w, "invalid token", http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r.WithContext(WithUser(r.Context(), u)))
	})
}

// VerifyAccessToken checks an access token of the center for this system and returns its user
// (with permissions when Config.BearerPermissions is set).
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
	u := &User{ID: cl.Subject, Username: cl.Username, Roles: cl.Roles, SessionID: cl.SID}
	if !c.cfg.BearerPermissions {
		return u, nil
	}
	if info, ok := c.infos.get(cl.ID, c.cfg.Now()); ok {
		return info, nil
	}
	info, err := c.UserInfo(ctx, raw)
	if err != nil {
		return nil, err
	}
	if info.ID != u.ID {
		return nil, fmt.Errorf("%w: the center knows the token as another user's", errBadToken)
	}
	info.SessionID = cl.SID
	c.infos.put(cl.ID, info, cl.Expiry.Time(), c.cfg.Now())
	return info, nil
}

func bearerToken(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	if len(h) < 7 || !strings.EqualFold(h[:7], "Bearer ") {
		return "", false
	}
	t := strings.TrimSpace(h[7:])
	return t, t != ""
}

// maxInfos bounds the users kept by token id for Bearer permissions.
const maxInfos = 10_000

// infoCache keeps the center's user document per access token (jti) until the token expires.
type infoCache struct {
	mu sync.Mutex
	m  map[string]infoEntry
}

type infoEntry struct {
	u   *User
	exp time.Time
}

func (ic *infoCache) get(jti string, now time.Time) (*User, bool) {
	if jti == "" {
		return nil, false
	}
	ic.mu.Lock()
	defer ic.mu.Unlock()
	e, ok := ic.m[jti]
	if !ok || !now.Before(e.exp) {
		return nil, false
	}
	u := *e.u
	return &u, true
}

func (ic *infoCache) put(jti string, u *User, exp, now time.Time) {
	if jti == "" {
		return
	}
	ic.mu.Lock()
	defer ic.mu.Unlock()
	if ic.m == nil {
		ic.m = map[string]infoEntry{}
	}
	if len(ic.m) >= maxInfos {
		for k, e := range ic.m {
			if !now.Before(e.exp) || len(ic.m) >= maxInfos {
				delete(ic.m, k)
			}
		}
	}
	cp := *u
	ic.m[jti] = infoEntry{u: &cp, exp: exp}
}
