package gatehouse

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Middleware protects next with the center's sign-in. It serves /sso/callback, /sso/logout
// and /sso/backchannel-logout below BaseURL's path; for every other request it puts the
// signed-in User into the context, renewing the center's global session at most every
// Config.TouchEvery, or sends an anonymous browser to the center's sign-in — except for
// handlers marked with Optional, which are called without a user. An anonymous request that
// is not a browser navigation (not GET or HEAD, or one asking for JSON) gets 401.
func (c *Client) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case c.basePath + pathCallback:
			c.callback(w, r)
			return
		case c.basePath + pathLogout:
			c.logout(w, r)
			return
		case c.basePath + pathBackchannel:
			c.backchannel(w, r)
			return
		}
		u, err := c.currentUser(w, r)
		if err != nil {
			c.log.Error("gatehouse: local session", "err", err)
			http.Error(w, "sign-in is unavailable", http.StatusServiceUnavailable)
			return
		}
		if u != nil {
			next.ServeHTTP(w, r.WithContext(WithUser(r.Context(), u)))
			return
		}
		if isOptional(next, r) {
			next.ServeHTTP(w, r)
			return
		}
		c.challenge(w, r)
	})
}

// optional marks a handler that anonymous requests reach.
type optional struct{ http.Handler }

// Optional marks h as open to anonymous requests: Middleware calls it with the user when one
// is signed in and without one otherwise, instead of sending the browser to sign in. It works
// on the handler given to Middleware or on a handler registered on an *http.ServeMux given to
// Middleware.
func Optional(h http.Handler) http.Handler { return optional{h} }

func isOptional(next http.Handler, r *http.Request) bool {
	if _, ok := next.(optional); ok {
		return true
	}
	if mux, ok := next.(*http.ServeMux); ok {
		h, _ := mux.Handler(r)
		_, ok := h.(optional)
		return ok
	}
	return false
}

// currentUser finds the local session of the request, renews the global session when due and
// returns its user, or nil for an anonymous request.
func (c *Client) currentUser(w http.ResponseWriter, r *http.Request) (*User, error) {
	ck, err := r.Cookie(c.cfg.CookieName)
	if err != nil || ck.Value == "" {
		return nil, nil
	}
	ctx := r.Context()
	id := sessionKey(ck.Value)
	s, err := c.cfg.Store.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	now := c.cfg.Now()
	if s == nil || !now.Before(s.ExpiresAt) {
		c.clearSession(w)
		return nil, nil
	}
	if now.Sub(s.TouchedAt) >= c.cfg.TouchEvery && (c.cfg.Passive == nil || !c.cfg.Passive(r)) &&
		c.touches.claim(id, now, c.cfg.TouchEvery) {
		alive, exp, err := c.Touch(ctx, s.User.SessionID)
		var ce *CenterError
		switch {
		case err == nil && !alive, errors.As(err, &ce) && ce.Status < 500 && ce.Status != http.StatusTooManyRequests:
			// The center says the global session is gone: this one ends with it.
			_ = c.cfg.Store.Delete(ctx, id)
			c.clearSession(w)
			return nil, nil
		case err != nil:
			// The center is unreachable: keep the local session; the next touch is due after
			// TouchEvery.
			c.log.Warn("gatehouse: touch failed", "err", err)
		default:
			s.TouchedAt = now
			if !exp.IsZero() {
				s.ExpiresAt = exp
			}
			if err := c.cfg.Store.Save(ctx, id, s, s.ExpiresAt); errors.Is(err, ErrSessionEnded) {
				c.clearSession(w)
				return nil, nil
			} else if err != nil {
				return nil, err
			}
		}
	}
	u := s.User
	return &u, nil
}

// wantsBrowserRedirect tells a navigation of a browser from an API call.
func wantsBrowserRedirect(r *http.Request) bool {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return false
	}
	if r.Header.Get("X-Requested-With") != "" {
		return false
	}
	accept := r.Header.Get("Accept")
	return accept == "" || strings.Contains(accept, "text/html") || strings.Contains(accept, "*/*")
}

// challenge answers an anonymous request: a browser is sent to sign in, anything else gets 401.
func (c *Client) challenge(w http.ResponseWriter, r *http.Request) {
	if !wantsBrowserRedirect(r) {
		w.Header().Set("WWW-Authenticate", `Cookie realm="gatehouse"`)
		http.Error(w, "sign-in required", http.StatusUnauthorized)
		return
	}
	http.Redirect(w, r, c.LoginURL(w, r.URL.RequestURI()), http.StatusFound)
}

// LoginURL starts a sign-in that returns to returnTo (a local path) and returns the center's
// address to send the browser to. It writes the signed state cookie to w.
func (c *Client) LoginURL(w http.ResponseWriter, returnTo string) string {
	if !localPath(returnTo) {
		returnTo = c.basePath + "/"
	}
	st := loginState{State: randomToken(), Verifier: randomToken(), Return: returnTo, Expires: c.cfg.Now().Add(stateTTL)}
	c.sealState(w, st)
	q := url.Values{
		"system":                {c.cfg.SystemID},
		"redirect_uri":          {c.RedirectURI()},
		"state":                 {st.State},
		"code_challenge":        {pkceChallenge(st.Verifier)},
		"code_challenge_method": {"S256"},
	}
	return c.cfg.CenterURL + "/sso/login?" + q.Encode()
}

// callback completes a sign-in: state check, ticket validation, a new local session.
func (c *Client) callback(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	q := r.URL.Query()
	st, err := c.openState(w, r, q.Get("state"))
	if err != nil {
		http.Error(w, "sign-in failed: "+err.Error(), http.StatusBadRequest)
		return
	}
	if e := q.Get("error"); e != "" {
		http.Error(w, "sign-in failed at the center: "+e, http.StatusUnauthorized)
		return
	}
	ticket := q.Get("ticket")
	if ticket == "" {
		http.Error(w, "sign-in failed: no ticket", http.StatusBadRequest)
		return
	}
	v, err := c.Validate(r.Context(), ticket, c.RedirectURI(), st.Verifier)
	if err != nil {
		c.log.Warn("gatehouse: ticket refused", "err", err)
		http.Error(w, "sign-in failed: the center refused the ticket", http.StatusUnauthorized)
		return
	}
	if old, err := r.Cookie(c.cfg.CookieName); err == nil && old.Value != "" {
		// A sign-in replaces whatever session the browser held: a new cookie value every time
		// (no fixation), the old session gone.
		if err := c.cfg.Store.Delete(r.Context(), sessionKey(old.Value)); err != nil {
			c.log.Warn("gatehouse: ending the previous local session", "err", err)
		}
	}
	if err := c.openSession(r.Context(), w, v); err != nil {
		c.log.Error("gatehouse: opening a local session", "err", err)
		http.Error(w, "sign-in failed", http.StatusServiceUnavailable)
		return
	}
	http.Redirect(w, r, st.Return, http.StatusSeeOther)
}

// openSession stores a new local session for a validation and sets its cookie.
func (c *Client) openSession(ctx context.Context, w http.ResponseWriter, v *Validation) error {
	now := c.cfg.Now()
	exp := v.SessionExpiresAt
	if exp.IsZero() {
		exp = now.Add(30 * time.Minute)
	}
	value := randomToken()
	s := &Session{User: v.User, ExpiresAt: exp, TouchedAt: now}
	if err := c.cfg.Store.Save(ctx, sessionKey(value), s, exp); err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: c.cfg.CookieName, Value: value, Path: c.cookiePath(),
		HttpOnly: true, Secure: c.secure, SameSite: http.SameSiteLaxMode})
	return nil
}

func (c *Client) cookiePath() string {
	if c.basePath == "" {
		return "/"
	}
	return c.basePath
}

func (c *Client) clearSession(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: c.cfg.CookieName, Value: "", Path: c.cookiePath(), MaxAge: -1,
		HttpOnly: true, Secure: c.secure, SameSite: http.SameSiteLaxMode})
}

// logout ends the local session and sends the browser to the center's /sso/logout, which ends
// the global session and, through back-channel logout, every other system's.
func (c *Client) logout(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	if ck, err := r.Cookie(c.cfg.CookieName); err == nil && ck.Value != "" {
		if err := c.cfg.Store.Delete(r.Context(), sessionKey(ck.Value)); err != nil {
			c.log.Error("gatehouse: ending a local session", "err", err)
		}
	}
	c.clearSession(w)
	http.Redirect(w, r, c.CenterLogoutURL(), http.StatusSeeOther)
}

// CenterLogoutURL is the center's sign-out address for this system's browsers.
func (c *Client) CenterLogoutURL() string {
	q := url.Values{"system": {c.cfg.SystemID}, "redirect_uri": {c.cfg.AfterLogoutURL}}
	return c.cfg.CenterURL + "/sso/logout?" + q.Encode()
}

// touchLimiter lets one request per session and TouchEvery in this process touch the center,
// so that a burst of requests of one session, all seeing the same stale TouchedAt, makes one
// call.
type touchLimiter struct {
	mu   sync.Mutex
	last map[string]time.Time
}

func (l *touchLimiter) claim(id string, now time.Time, every time.Duration) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if t, ok := l.last[id]; ok && now.Sub(t) < every {
		return false
	}
	if l.last == nil {
		l.last = map[string]time.Time{}
	}
	if len(l.last) >= maxInfos {
		for k, t := range l.last {
			if now.Sub(t) >= every {
				delete(l.last, k)
			}
		}
	}
	l.last[id] = now
	return true
}
