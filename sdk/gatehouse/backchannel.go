package gatehouse

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// typLogout is the JWT "typ" of a logout token (OpenID Connect Back-Channel Logout 1.0 §2.4).
const typLogout = "logout+jwt"

// eventBackchannelLogout is the event member a logout token must hold (§2.4).
const eventBackchannelLogout = "http://schemas.openid.net/event/backchannel-logout"

// maxLogoutBody bounds the form of a back-channel logout request.
const maxLogoutBody = 16 << 10

// errReplay reports a logout token whose jti was seen before.
var errReplay = errors.New("logout token replayed")

// backchannel receives the center's logout token (POST, form field logout_token), verifies it
// and ends every local session of its sid: 200 when done, 400 for a bad or replayed token
// (Back-Channel Logout 1.0 §2.8), 503 when the store fails so that the center retries.
func (c *Client) backchannel(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	r.Body = http.MaxBytesReader(w, r.Body, maxLogoutBody)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	sid, err := c.Logout(r.Context(), r.PostForm.Get("logout_token"))
	switch {
	case errors.Is(err, errBadToken), errors.Is(err, errReplay):
		c.log.Warn("gatehouse: logout token refused", "err", err)
		http.Error(w, "invalid logout token", http.StatusBadRequest)
	case err != nil:
		c.log.Error("gatehouse: back-channel logout", "err", err)
		http.Error(w, "try again", http.StatusServiceUnavailable)
	default:
		c.log.Info("gatehouse: back-channel logout", "sid", sid)
		w.WriteHeader(http.StatusOK)
	}
}

// Logout verifies a logout token of the center and ends every local session of its sid,
// remembering the sid as ended (for BearerMiddleware) for Config.RevokedFor. It returns the
// sid. A token is accepted once: a replayed jti is refused and changes nothing.
func (c *Client) Logout(ctx context.Context, logoutToken string) (string, error) {
	cl, err := c.verify(ctx, logoutToken, typLogout)
	if err != nil {
		return "", err
	}
	// §2.6: events must hold the back-channel logout member, nonce must be absent, and a
	// jti is needed to detect replays. Gatehouse always names the sid.
	if _, ok := cl.Events[eventBackchannelLogout]; !ok {
		return "", fmt.Errorf("%w: no back-channel logout event", errBadToken)
	}
	if len(cl.Nonce) > 0 {
		return "", fmt.Errorf("%w: a logout token has no nonce", errBadToken)
	}
	if cl.ID == "" || cl.SID == "" {
		return "", fmt.Errorf("%w: jti and sid are required", errBadToken)
	}
	until := cl.Expiry.Time().Add(c.cfg.ClockSkew)
	if min := c.cfg.Now().Add(time.Minute); until.Before(min) {
		until = min
	}
	first, err := c.cfg.Store.FirstUse(ctx, cl.ID, until)
	if err != nil {
		return "", err
	}
	if !first {
		return "", fmt.Errorf("%w: jti %s", errReplay, cl.ID)
	}
	if err := c.cfg.Store.EndSID(ctx, cl.SID, c.cfg.Now().Add(c.cfg.RevokedFor)); err != nil {
		return "", err
	}
	return cl.SID, nil
}
