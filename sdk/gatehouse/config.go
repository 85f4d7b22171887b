package gatehouse

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Config describes one sub-system to the SDK. CenterURL, SystemID, Secret, BaseURL and
// CookieSecret are required; the rest have defaults.
type Config struct {
	CenterURL string // the center's external base URL, e.g. "https://sso.example.com"
	SystemID  string // this system's id at the center
	Secret    string // this system's secret (HTTP Basic at /sso/validate, /sso/touch, /sso/users)
	// BaseURL is this system's own external URL, e.g. "https://shop.example.com"; the SDK
	// serves BaseURL+"/sso/callback", "/sso/logout" and "/sso/backchannel-logout".
	BaseURL string
	// CookieName names the local session cookie; default "gh_"+SystemID ("__Host-" is
	// prepended over HTTPS when BaseURL has no path).
	CookieName string
	// CookieSecret signs the short-lived state cookies of sign-in (at least 32 bytes).
	CookieSecret []byte
	Store        SessionStore // local sessions, ended sids and seen logout tokens; default NewMemoryStore()
	HTTPClient   *http.Client // for the server-to-server calls; default a client with a 10 s timeout
	// TouchEvery bounds how often one local session renews the center's global session;
	// default 1 minute.
	TouchEvery time.Duration
	// Passive reports requests that must not renew the global session (background polling).
	Passive func(*http.Request) bool
	// Issuer is the "iss" of the center's tokens; default CenterURL.
	Issuer string
	// AfterLogoutURL is where the center sends the browser after sign-out; it must be one of
	// the system's registered redirect URIs. Default BaseURL+"/".
	AfterLogoutURL string
	// ClockSkew is tolerated on token times; default 30 s.
	ClockSkew time.Duration
	// RevokedFor is how long an ended sid is remembered for BearerMiddleware; default 24 h
	// (longer than any access token of the center lives).
	RevokedFor time.Duration
	// BearerPermissions makes BearerMiddleware ask the center for the permissions of a token's
	// user (GET /sso/userinfo, once per token); without it Bearer users have roles only.
	BearerPermissions bool
	Logger            *slog.Logger     // default: discard
	Now               func() time.Time // default time.Now
}

// Client is a sub-system's connection to the center. It is safe for concurrent use.
type Client struct {
	cfg      Config
	center   *url.URL
	base     *url.URL
	basePath string // BaseURL's path without a trailing slash
	secure   bool
	keys     *keyCache
	infos    infoCache    // Bearer users by token id (BearerPermissions)
	touches  touchLimiter // in-process bound on touches per session
	log      *slog.Logger
}

// New checks cfg, fills in its defaults and returns a Client.
func New(cfg Config) (*Client, error) {
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	center, err := url.Parse(strings.TrimSuffix(cfg.CenterURL, "/"))
	if err != nil || (center.Scheme != "http" && center.Scheme != "https") || center.Host == "" {
		add("CenterURL must be an absolute http(s) URL")
	}
	base, err := url.Parse(strings.TrimSuffix(cfg.BaseURL, "/"))
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		add("BaseURL must be an absolute http(s) URL")
	}
	if cfg.SystemID == "" {
		add("SystemID is required")
	}
	if cfg.Secret == "" {
		add("Secret is required")
	}
	if len(cfg.CookieSecret) < 32 {
		add("CookieSecret must hold at least 32 bytes")
	}
	if cfg.TouchEvery < 0 || cfg.ClockSkew < 0 || cfg.RevokedFor < 0 {
		add("durations must not be negative")
	}
	if len(problems) > 0 {
		return nil, errors.New("gatehouse: " + strings.Join(problems, "; "))
	}
	c := &Client{cfg: cfg, center: center, base: base, basePath: base.Path, secure: base.Scheme == "https"}
	c.cfg.CenterURL, c.cfg.BaseURL = center.String(), base.String()
	if c.cfg.CookieName == "" {
		c.cfg.CookieName = "gh_" + cfg.SystemID
		if c.secure && c.basePath == "" {
			c.cfg.CookieName = "__Host-" + c.cfg.CookieName
		}
	}
	if c.cfg.Store == nil {
		c.cfg.Store = NewMemoryStore()
	}
	if rs, ok := c.cfg.Store.(*RedisStore); ok && rs.implicit {
		rs.prefix, rs.implicit = "gatehouse:sdk:"+cfg.SystemID+":", false
	}
	if c.cfg.HTTPClient == nil {
		c.cfg.HTTPClient = &http.Client{Timeout: 10 * time.Second}
	}
	if c.cfg.TouchEvery == 0 {
		c.cfg.TouchEvery = time.Minute
	}
	if c.cfg.Issuer == "" {
		c.cfg.Issuer = c.cfg.CenterURL
	}
	if c.cfg.AfterLogoutURL == "" {
		c.cfg.AfterLogoutURL = c.cfg.BaseURL + "/"
	}
	if c.cfg.ClockSkew == 0 {
		c.cfg.ClockSkew = 30 * time.Second
	}
	if c.cfg.RevokedFor == 0 {
		c.cfg.RevokedFor = 24 * time.Hour
	}
	if c.cfg.Now == nil {
		c.cfg.Now = time.Now
	}
	c.log = c.cfg.Logger
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	c.keys = &keyCache{url: c.cfg.CenterURL + "/.well-known/jwks.json", http: c.cfg.HTTPClient, now: c.cfg.Now}
	return c, nil
}

// Store returns the session store the client uses.
func (c *Client) Store() SessionStore { return c.cfg.Store }

// RedirectURI is the callback address to register at the center: BaseURL+"/sso/callback".
func (c *Client) RedirectURI() string { return c.cfg.BaseURL + pathCallback }

// LogoutURL is the back-channel logout address to register at the center:
// BaseURL+"/sso/backchannel-logout".
func (c *Client) LogoutURL() string { return c.cfg.BaseURL + pathBackchannel }

// Paths the middleware serves below BaseURL's path.
const (
	pathCallback    = "/sso/callback"
	pathLogout      = "/sso/logout"
	pathBackchannel = "/sso/backchannel-logout"
)
