package domain

import (
	"net/url"
	"regexp"
	"strings"
	"time"
)

// System is a sub-system that trusts Gatehouse for sign-in: the OAuth "client", the CAS
// "service". Its ID is also its permission namespace (the first segment of its codes).
type System struct {
	ID           string
	Name         string
	SecretHash   []byte     // keyed hash (HMAC-SHA-256) of the secret; the secret itself is never kept
	RedirectURIs []string   // exact, absolute URLs; compared as parsed URLs
	LogoutURL    string     // back-channel logout endpoint; "" for none
	Protocols    []string   // faces it may use: "sso", "cas", "oidc"; empty means all
	OIDC         OIDCClient // settings of the OpenID Connect face
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// CenterSystemID is the system of Gatehouse itself: its roles govern the admin console, and its
// super-admin role holds "*".
const CenterSystemID = "gatehouse"

var systemIDPattern = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,62}$`)

// ValidSystemID reports whether id can name a system: lower-case letters, digits, - and _,
// starting with a letter, at most 63 characters.
func ValidSystemID(id string) bool { return systemIDPattern.MatchString(id) }

// Protocol names a face of Gatehouse that a system may be allowed to use.
const (
	ProtocolSSO  = "sso"
	ProtocolCAS  = "cas"
	ProtocolOIDC = "oidc"
)

// Validate checks every field of s and reports all problems at once.
func (s *System) Validate() error {
	var p Problems
	if !ValidSystemID(s.ID) {
		p.Add("id", "must be lower-case letters, digits, - or _, starting with a letter, at most 63 characters")
	}
	if strings.TrimSpace(s.Name) == "" || len(s.Name) > 128 {
		p.Add("name", "is required and at most 128 bytes")
	}
	for i, u := range s.RedirectURIs {
		if msg := ValidateRedirectURI(u); msg != "" {
			p.Add("redirect_uris", "entry %d %s", i, msg)
		}
	}
	if s.LogoutURL != "" {
		if msg := ValidateRedirectURI(s.LogoutURL); msg != "" {
			p.Add("logout_url", "%s", msg)
		}
	}
	for _, pr := range s.Protocols {
		if pr != ProtocolSSO && pr != ProtocolCAS && pr != ProtocolOIDC {
			p.Add("protocols", "%q is not one of sso, cas, oidc", pr)
		}
	}
	s.OIDC.validate(&p)
	return p.Err()
}

// AllowsProtocol reports whether the system may use the named face.
func (s *System) AllowsProtocol(name string) bool {
	if len(s.Protocols) == 0 {
		return true
	}
	for _, p := range s.Protocols {
		if p == name {
			return true
		}
	}
	return false
}

// ValidateRedirectURI checks that raw is an absolute http(s) URL with a host, no user info, no
// fragment and no tricks (backslashes, control characters, encoded dots or slashes in the path).
// It returns "" when the URL is acceptable, else what is wrong.
func ValidateRedirectURI(raw string) string {
	if raw == "" || len(raw) > 2048 {
		return "must be a URL of at most 2048 bytes"
	}
	if strings.ContainsAny(raw, "\\ \t\r\n") || strings.IndexFunc(raw, func(r rune) bool { return r < 0x20 || r == 0x7f }) >= 0 {
		return "must not hold spaces, backslashes or control characters"
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "is not a URL"
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return "must use http or https"
	case u.Host == "" || u.Opaque != "":
		return "must be absolute with a host"
	case u.User != nil:
		return "must not hold user info (@)"
	case !asciiHost(u.Hostname()):
		// Go lower-cases "İ" to "i" where browsers apply IDNA and land on another host: only
		// ASCII names compare safely. An IDN is registered in its xn-- form.
		return "must have an ASCII host name (write an internationalised name as xn--)"
	case u.Fragment != "" || strings.Contains(raw, "#"):
		return "must not hold a fragment"
	}
	lower := strings.ToLower(u.EscapedPath())
	for _, bad := range []string{"%2e", "%2f", "%5c", "/./", "/../"} {
		if strings.Contains(lower, bad) {
			return "must not hold encoded dots, encoded slashes or dot segments"
		}
	}
	if strings.HasSuffix(lower, "/..") || strings.HasSuffix(lower, "/.") {
		return "must not hold dot segments"
	}
	return ""
}

// RedirectURIMatches reports whether candidate equals one of the registered URIs exactly, as
// parsed URLs: scheme and host compared case-insensitively, default ports made explicit, path,
// query and everything else byte for byte. A candidate that fails ValidateRedirectURI never matches.
func (s *System) RedirectURIMatches(candidate string) bool {
	if ValidateRedirectURI(candidate) != "" {
		return false
	}
	c := canonicalURL(candidate)
	for _, r := range s.RedirectURIs {
		if canonicalURL(r) == c {
			return true
		}
	}
	return false
}

// asciiHost reports whether host (without brackets and port) is a non-empty run of ASCII
// letters, digits, '.', '-', '_' and, for IPv6 literals, ':'.
func asciiHost(host string) bool {
	if host == "" {
		return false
	}
	for i := 0; i < len(host); i++ {
		c := host[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_' || c == ':') {
			return false
		}
	}
	return true
}

// asciiLower lower-cases ASCII letters only, so that no other character can fold into one.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

func canonicalURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "\x00invalid"
	}
	host := asciiLower(u.Hostname())
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[asciiLower(u.Scheme)]
	}
	return asciiLower(u.Scheme) + "://" + host + ":" + port + u.EscapedPath() + "?" + u.RawQuery
}
