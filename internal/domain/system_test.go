package domain_test

import (
	"errors"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/gatehouse/gatehouse/internal/domain"
)

func TestRedirectURIMatches(t *testing.T) {
	s := &domain.System{ID: "demo", Name: "Demo", RedirectURIs: []string{
		"https://app.example.com/callback",
		"http://localhost:8080/cb",
		"http://intranet/cb",
		"https://app.example.com/cb?tenant=a",
		"https://root.example.com/",
		"https://kiosk.example.com/cb",
	}}
	tests := []struct {
		candidate string
		want      bool
	}{
		{"https://app.example.com/callback", true},
		{"https://app.example.com:443/callback", true},
		{"https://APP.Example.COM/callback", true},
		{"HTTPS://app.example.com/callback", true},
		{"http://localhost:8080/cb", true},
		{"http://intranet:80/cb", true},
		{"https://app.example.com/cb?tenant=a", true},
		{"https://root.example.com/", true},
		{"https://KIOSK.example.com/cb", true},

		{"http://app.example.com/callback", false},       // scheme
		{"https://app.example.com:8443/callback", false}, // port
		{"https://app.example.com:80/callback", false},   // http's port on https
		{"http://localhost/cb", false},
		{"http://localhost:8081/cb", false},
		{"https://app.example.com/callback/", false},       // trailing slash
		{"https://app.example.com/callback/extra", false},  // prefix-only match
		{"https://app.example.com/call", false},            // prefix of the registered path
		{"https://app.example.com/CALLBACK", false},        // path case
		{"https://app.example.com/c%61llback", false},      // encoded unreserved character
		{"https://app.example.com/callback?x=1", false},    // added query
		{"https://app.example.com/cb?tenant=b", false},     // other query
		{"https://app.example.com/cb", false},              // query missing
		{"https://app.example.com/cb?tenant=a&x=1", false}, // query extended
		{"https://root.example.com", false},                // empty path is not "/": exact means exact
		{"https://app.example.com/callback#x", false},
		{"https://app.example.com/callback#", false},
		{"https://app.example.com@evil.com/callback", false},
		{"https://user@app.example.com/callback", false},
		{"https://user:pw@app.example.com/callback", false},
		{"https://evil.com\\@app.example.com/callback", false},
		{"https://app.example.com\\callback", false},
		{"https://app.example.com/%2e%2e/callback", false},
		{"https://app.example.com/x/%2E%2E/callback", false},
		{"https://app.example.com/x/../callback", false},
		{"https://app.example.com/./callback", false},
		{"https://app.example.com/callback%2f", false},
		{"https://app.example.com.evil.com/callback", false},
		{"http://\u0130ntranet/cb", false},           // Go lower-cases İ to i; a browser goes to xn--ntranet-…
		{"http://%C4%B0ntranet/cb", false},           // the same, percent-encoded
		{"https://\u212Aiosk.example.com/cb", false}, // KELVIN SIGN
		{"https://аpp.example.com/callback", false},  // Cyrillic а
		{"https://evil.com/callback", false},
		{"https://evil.com/?next=https://app.example.com/callback", false},
		{"//app.example.com/callback", false},
		{"/callback", false},
		{"javascript:alert(1)", false},
		{"javascript://app.example.com/callback", false},
		{"data:text/html,hi", false},
		{"https:app.example.com/callback", false},
		{" https://app.example.com/callback", false},
		{"https://app.example.com/callback\n", false},
		{"https://app.example.com/call\tback", false},
		{"https://app.example.com/callback\x00", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := s.RedirectURIMatches(tt.candidate); got != tt.want {
			t.Errorf("RedirectURIMatches(%q) = %v, want %v", tt.candidate, got, tt.want)
		}
	}
	if (&domain.System{}).RedirectURIMatches("https://app.example.com/callback") {
		t.Error("a system without redirect URIs matched")
	}
}

func TestValidateRedirectURI(t *testing.T) {
	tests := []struct {
		raw  string
		want string // a word of the message; "" when acceptable
	}{
		{"https://app.example.com/callback", ""},
		{"http://localhost:8080/cb?x=1", ""},
		{"https://[::1]:8443/cb", ""},
		{"https://app.example.com", ""},
		{"", "2048"},
		{"https://a.io/" + strings.Repeat("a", 2048), "2048"},
		{"https://a.io/a b", "spaces"},
		{"https://a.io/a\\b", "backslashes"},
		{"https://a.io/\x7f", "control"},
		{"https://a.io/\r", "control"},
		{"ftp://a.io/x", "http or https"},
		{"javascript:alert(1)", "http or https"},
		{"/relative", "http or https"},
		{"https:opaque", "absolute"},
		{"https:///path", "absolute"},
		{"https://u@a.io/", "user info"},
		{"https://a.io/#f", "fragment"},
		{"https://a.io/#", "fragment"},
		{"https://a.io/%2e/x", "encoded dots"},
		{"https://a.io/%2F", "encoded dots"},
		{"https://a.io/%5c", "encoded dots"},
		{"https://a.io/a/../b", "dot segments"},
		{"https://a.io/a/./b", "dot segments"},
		{"https://a.io/a/..", "dot segments"},
		{"https://a.io/a/.", "dot segments"},
		{"https://a.io/%zz", "not a URL"},
		{"https://bücher.example/cb", "ASCII host"},
		{"https://xn--bcher-kva.example/cb", ""},
		{"https://B\u0130.example/cb", "ASCII host"},
		{"https://[fe80::1%25eth0]/cb", "ASCII host"},
		{"http://my_service:8080/cb", ""},
	}
	for _, tt := range tests {
		got := domain.ValidateRedirectURI(tt.raw)
		if tt.want == "" && got != "" || tt.want != "" && !strings.Contains(got, tt.want) {
			t.Errorf("ValidateRedirectURI(%q) = %q, want %q", tt.raw, got, tt.want)
		}
	}
}

func TestSystemValidate(t *testing.T) {
	valid := func() domain.System {
		return domain.System{ID: "demo", Name: "Demo", RedirectURIs: []string{"https://demo.example.com/sso/callback"},
			LogoutURL: "https://demo.example.com/sso/logout", Protocols: []string{"sso", "cas", "oidc"}}
	}
	tests := []struct {
		name   string
		edit   func(*domain.System)
		fields []string
	}{
		{"valid", func(*domain.System) {}, nil},
		{"minimal", func(s *domain.System) { *s = domain.System{ID: "a", Name: "A"} }, nil},
		{"id of 63 characters", func(s *domain.System) { s.ID = "a" + strings.Repeat("b", 62) }, nil},
		{"id of 64 characters", func(s *domain.System) { s.ID = "a" + strings.Repeat("b", 63) }, []string{"id"}},
		{"upper-case id", func(s *domain.System) { s.ID = "Demo" }, []string{"id"}},
		{"id starting with a digit", func(s *domain.System) { s.ID = "1demo" }, []string{"id"}},
		{"id with a colon", func(s *domain.System) { s.ID = "de:mo" }, []string{"id"}},
		{"id with a dot", func(s *domain.System) { s.ID = "de.mo" }, []string{"id"}},
		{"empty id", func(s *domain.System) { s.ID = "" }, []string{"id"}},
		{"blank name", func(s *domain.System) { s.Name = "  " }, []string{"name"}},
		{"long name", func(s *domain.System) { s.Name = strings.Repeat("n", 129) }, []string{"name"}},
		{"bad redirect URI", func(s *domain.System) { s.RedirectURIs = append(s.RedirectURIs, "https://x@evil.com/") }, []string{"redirect_uris"}},
		{"bad logout URL", func(s *domain.System) { s.LogoutURL = "javascript:alert(1)" }, []string{"logout_url"}},
		{"unknown protocol", func(s *domain.System) { s.Protocols = []string{"saml"} }, []string{"protocols"}},
		{"every problem", func(s *domain.System) {
			*s = domain.System{ID: "-", Name: "", RedirectURIs: []string{"x"}, LogoutURL: "y", Protocols: []string{"SSO"}}
		}, []string{"id", "name", "redirect_uris", "logout_url", "protocols"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := valid()
			tt.edit(&s)
			err := s.Validate()
			if tt.fields == nil {
				if err != nil {
					t.Fatalf("Validate = %v", err)
				}
				return
			}
			var de *domain.Error
			if !errors.As(err, &de) || de.Code != domain.CodeInvalidInput {
				t.Fatalf("Validate = %v, want invalid_input", err)
			}
			var got []string
			for _, f := range de.Fields {
				got = append(got, f.Field)
			}
			if !slices.Equal(got, tt.fields) {
				t.Fatalf("fields %q, want %q (%v)", got, tt.fields, err)
			}
		})
	}
}

func TestAllowsProtocol(t *testing.T) {
	all := &domain.System{}
	for _, p := range []string{domain.ProtocolSSO, domain.ProtocolCAS, domain.ProtocolOIDC} {
		if !all.AllowsProtocol(p) {
			t.Errorf("a system without a list refuses %q", p)
		}
	}
	cas := &domain.System{Protocols: []string{domain.ProtocolCAS}}
	if !cas.AllowsProtocol(domain.ProtocolCAS) || cas.AllowsProtocol(domain.ProtocolOIDC) {
		t.Error("a CAS-only system answers wrongly")
	}
	if !domain.ValidSystemID(domain.CenterSystemID) {
		t.Error("the center's own id is not a valid system id")
	}
}

// FuzzRedirectURIMatches: never panics; a valid URI matches itself; a match is only ever with
// a valid candidate of the same scheme, host (ignoring case), port (defaults explicit), path
// and query.
func FuzzRedirectURIMatches(f *testing.F) {
	for _, s := range [][2]string{
		{"https://app.example.com/callback", "https://app.example.com/callback"},
		{"https://app.example.com/callback", "https://APP.example.com:443/callback"},
		{"https://app.example.com/callback", "https://app.example.com@evil.com/callback"},
		{"https://app.example.com/cb", "https://app.example.com/x/%2e%2e/cb"},
		{"http://[::1]:8080/cb", "http://[::1]:8080/cb"},
		{"https://a.io/cb?x=1", "https://a.io/cb?x=1#"},
		{"https://a.io/cb", "https://a.io\\@b.io/cb"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, registered, candidate string) {
		s := &domain.System{RedirectURIs: []string{registered}}
		if !s.RedirectURIMatches(candidate) {
			if domain.ValidateRedirectURI(candidate) == "" && candidate == registered {
				t.Fatalf("the valid URI %q does not match itself", candidate)
			}
			return
		}
		if msg := domain.ValidateRedirectURI(candidate); msg != "" {
			t.Fatalf("%q matched although it %s", candidate, msg)
		}
		r, err1 := url.Parse(registered)
		c, err2 := url.Parse(candidate)
		if err1 != nil || err2 != nil {
			t.Fatalf("matched an unparsable URL: %v %v", err1, err2)
		}
		if c.User != nil || c.Fragment != "" || c.Opaque != "" {
			t.Fatalf("matched %q with user info, fragment or opaque part", candidate)
		}
		port := func(u *url.URL) string {
			if p := u.Port(); p != "" {
				return p
			}
			return map[string]string{"http": "80", "https": "443"}[u.Scheme]
		}
		for _, b := range []byte(c.Hostname()) {
			if b >= 0x80 {
				t.Fatalf("matched %q with a non-ASCII host", candidate)
			}
		}
		if r.Scheme != c.Scheme || !strings.EqualFold(r.Hostname(), c.Hostname()) || port(r) != port(c) ||
			r.EscapedPath() != c.EscapedPath() || r.RawQuery != c.RawQuery {
			t.Fatalf("%q matched %q but differs from it", candidate, registered)
		}
	})
}
