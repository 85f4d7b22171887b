package forwardauth

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"github.com/gatehouse/gatehouse/internal/auth"
	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/gateway"
	"github.com/gatehouse/gatehouse/internal/httpapi/authapi"
)

// The identity headers. Whatever a client sends under the X-Auth- prefix is never believed.
const (
	HeaderUser        = "X-Auth-User"
	HeaderUserID      = "X-Auth-User-Id"
	HeaderRoles       = "X-Auth-Roles"
	HeaderPermissions = "X-Auth-Permissions"
	HeaderSession     = "X-Auth-Session"
	HeaderLoginURL    = "X-Auth-Login-URL"
	AuthHeaderPrefix  = "X-Auth-"
)

var identityHeaders = []string{HeaderUser, HeaderUserID, HeaderRoles, HeaderPermissions, HeaderSession}

// Original is the request a proxy asks about.
type Original struct {
	Method string
	HTTPS  bool
	Host   string // as gateway.CleanHost returns it
	URI    string // escaped path and query, as received
	Path   string // gateway.NormalizePath of the URI's path; "" when refused
	Bad    error  // why the path was refused
}

// URL is the original request's absolute URL.
func (o Original) URL() string {
	scheme := "http"
	if o.HTTPS {
		scheme = "https"
	}
	return scheme + "://" + o.Host + o.URI
}

// Checker authenticates a request for the gateway and applies the matching rule.
type Checker struct {
	Auth     *auth.Service
	Gateway  *gateway.Gateway
	Cookies  authapi.Cookies
	LoginURL string // absolute; "?continue=…" is added
	// ReturnPath is the center's path of the return hop (Handler.back), with the center's base
	// path: "/gateway/return". The login page's continue= is this path, which takes the browser
	// back to the original URL after sign-in, checking its host again.
	ReturnPath string
}

// Result is the outcome of Check.
type Result struct {
	Verdict   gateway.Verdict
	Reason    string
	Rule      *gateway.Rule
	Principal *auth.Principal // nil when anonymous
}

// Check finds the rule of the original request and applies it to the caller behind hdr
// (its Authorization or session cookie) from clientIP. An error is a failure of the engine
// (store down), never a refusal.
func (c *Checker) Check(ctx context.Context, hdr http.Header, o Original, clientIP string) (Result, error) {
	if o.Bad != nil {
		return Result{Verdict: gateway.Forbidden, Reason: "the path is refused: " + o.Bad.Error()}, nil
	}
	rule := c.Gateway.Match(o.Host, o.Path)
	p, err := c.authenticate(ctx, hdr, o.HTTPS)
	if err != nil {
		return Result{}, err
	}
	var subj *gateway.Subject
	if p != nil {
		subj = &gateway.Subject{SessionIP: p.Session.IP, Effective: p.Effective}
	}
	v, why := rule.Decide(subj, clientIP)
	return Result{Verdict: v, Reason: why, Rule: rule, Principal: p}, nil
}

// authenticate recognises the caller by a Bearer token or, failing that, the session cookie
// of the original scheme. Bad or ended credentials count as none; only engine failures are
// errors.
func (c *Checker) authenticate(ctx context.Context, hdr http.Header, https bool) (*auth.Principal, error) {
	var (
		p   *auth.Principal
		err error
	)
	if authz := hdr.Get("Authorization"); authz != "" {
		scheme, tok, ok := strings.Cut(authz, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(tok) == "" {
			return nil, nil
		}
		p, err = c.Auth.AuthenticateBearer(ctx, strings.TrimSpace(tok))
	} else if ck := sessionCookie(hdr, c.Cookies.SessionNameFor(https)); ck != "" {
		p, err = c.Auth.AuthenticateCookie(ctx, ck)
	} else {
		return nil, nil
	}
	if err != nil {
		switch domain.ErrorCode(err) {
		case domain.CodeUnauthenticated, domain.CodeTokenInvalid, domain.CodeTokenExpired,
			domain.CodeSessionExpired, domain.CodeNotFound, domain.CodeInvalidInput:
			return nil, nil
		}
		return nil, err
	}
	return p, nil
}

// sessionCookie returns the value of the named cookie in the Cookie headers.
func sessionCookie(hdr http.Header, name string) string {
	r := http.Request{Header: http.Header{"Cookie": hdr.Values("Cookie")}}
	if ck, err := r.Cookie(name); err == nil {
		return ck.Value
	}
	return ""
}

// SetIdentity writes the identity headers of an allowed result into h, after removing every
// X-Auth-* header h holds. A public rule passed anonymously sets none.
func SetIdentity(h http.Header, res Result) {
	StripAuthHeaders(h)
	p := res.Principal
	if p == nil {
		return
	}
	h.Set(HeaderUser, p.Identity.User.Username)
	h.Set(HeaderUserID, p.UserID())
	h.Set(HeaderSession, p.Session.ID)
	if sys := res.Rule.System; sys != "" {
		e := p.Effective(sys)
		h.Set(HeaderRoles, strings.Join(e.Roles, ","))
		h.Set(HeaderPermissions, strings.Join(e.Permissions.Codes(), ","))
	}
}

// StripAuthHeaders removes every header whose name starts with X-Auth- (any case).
func StripAuthHeaders(h http.Header) {
	for name := range h {
		if len(name) >= len(AuthHeaderPrefix) && strings.EqualFold(name[:len(AuthHeaderPrefix)], AuthHeaderPrefix) {
			delete(h, name)
		}
	}
}

// LoginRedirect is the login URL whose return address (continue=) is the center's return hop
// to the original URL, when the original host is protected; else the bare login URL (never an
// open redirect). The login page only follows same-origin paths; the hop crosses to the host.
func (c *Checker) LoginRedirect(o Original) string {
	if o.Host == "" || !c.Gateway.Protected(o.Host) {
		return c.LoginURL
	}
	sep := "?"
	if strings.Contains(c.LoginURL, "?") {
		sep = "&"
	}
	back := c.ReturnPath + "?url=" + url.QueryEscape(o.URL())
	return c.LoginURL + sep + "continue=" + url.QueryEscape(back)
}

// ReturnTarget checks the url= of the return hop: an absolute http(s) URL on a protected host,
// with no user info. It returns the URL to redirect to.
func (c *Checker) ReturnTarget(raw string) (string, bool) {
	if len(raw) > 8<<10 || strings.ContainsAny(raw, "\\ \t\r\n") {
		return "", false
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "http" && u.Scheme != "https" || u.User != nil || u.Opaque != "" {
		return "", false
	}
	host, ok := gateway.CleanHost(u.Host)
	if !ok || !c.Gateway.Protected(host) || u.Path != "" && !strings.HasPrefix(u.EscapedPath(), "/") {
		return "", false
	}
	return u.String(), true
}

// WantsHTML reports whether the client is a browser navigating (Accept names text/html).
func WantsHTML(h http.Header) bool {
	return strings.Contains(h.Get("Accept"), "text/html")
}
