package gatehouse

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"
)

// stateTTL bounds a sign-in round trip through the center.
const stateTTL = 10 * time.Minute

// loginState is what a state cookie carries through the round trip to the center.
type loginState struct {
	State    string    `json:"s"`
	Verifier string    `json:"v"` // PKCE code_verifier (RFC 7636 §4.1)
	Return   string    `json:"r"` // local path to return to
	Expires  time.Time `json:"e"`
}

func randomToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("gatehouse: no randomness: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// pkceChallenge is BASE64URL(SHA256(verifier)) (RFC 7636 §4.2, S256).
func pkceChallenge(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// sessionKey is what the store keys a session by: a hash of the cookie value, so that a read
// of the store does not yield usable cookies.
func sessionKey(cookie string) string {
	sum := sha256.Sum256([]byte(cookie))
	return hex.EncodeToString(sum[:])
}

// stateCookieName names the state cookie of one sign-in, so that sign-ins started in several
// tabs do not overwrite each other.
func (c *Client) stateCookieName(state string) string {
	if len(state) > 12 {
		state = state[:12]
	}
	return c.cfg.CookieName + "_st_" + state
}

func (c *Client) mac(name string, payload []byte) []byte {
	m := hmac.New(sha256.New, c.cfg.CookieSecret)
	m.Write([]byte(name))
	m.Write([]byte{0})
	m.Write(payload)
	return m.Sum(nil)
}

// sealState writes a signed state cookie, restricted to the callback path.
func (c *Client) sealState(w http.ResponseWriter, st loginState) {
	payload, _ := json.Marshal(st)
	name := c.stateCookieName(st.State)
	value := base64.RawURLEncoding.EncodeToString(payload) + "." + base64.RawURLEncoding.EncodeToString(c.mac(name, payload))
	http.SetCookie(w, &http.Cookie{
		Name: name, Value: value, Path: c.basePath + pathCallback, MaxAge: int(stateTTL / time.Second),
		HttpOnly: true, Secure: c.secure, SameSite: http.SameSiteLaxMode,
	})
}

// openState reads and checks the state cookie of state, and deletes it.
func (c *Client) openState(w http.ResponseWriter, r *http.Request, state string) (*loginState, error) {
	name := c.stateCookieName(state)
	ck, err := r.Cookie(name)
	if err != nil {
		return nil, errors.New("no sign-in in progress (state cookie missing or expired)")
	}
	http.SetCookie(w, &http.Cookie{Name: name, Value: "", Path: c.basePath + pathCallback, MaxAge: -1,
		HttpOnly: true, Secure: c.secure, SameSite: http.SameSiteLaxMode})
	p64, m64, ok := strings.Cut(ck.Value, ".")
	payload, err1 := base64.RawURLEncoding.DecodeString(p64)
	sum, err2 := base64.RawURLEncoding.DecodeString(m64)
	if !ok || err1 != nil || err2 != nil || !hmac.Equal(sum, c.mac(name, payload)) {
		return nil, errors.New("state cookie forged")
	}
	var st loginState
	if err := json.Unmarshal(payload, &st); err != nil {
		return nil, errors.New("state cookie unreadable")
	}
	if !hmac.Equal([]byte(st.State), []byte(state)) {
		return nil, errors.New("state does not match")
	}
	if !c.cfg.Now().Before(st.Expires) {
		return nil, errors.New("sign-in took too long")
	}
	return &st, nil
}

// localPath accepts only a path of this site as a return address (no scheme, no host, no
// "//" or "/\" that a browser would read as another host).
func localPath(p string) bool {
	return strings.HasPrefix(p, "/") && !strings.HasPrefix(p, "//") && !strings.HasPrefix(p, "/\\") &&
		!strings.ContainsAny(p, "\r\n\x00")
}
