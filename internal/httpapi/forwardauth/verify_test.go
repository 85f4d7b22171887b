package forwardauth

import (
	"net/http"
	"testing"
)

func TestParseOriginalURL(t *testing.T) {
	for _, c := range []struct {
		raw, host, uri, path string
		https, bad           bool
	}{
		{raw: "http://app.test/a/b?x=1", host: "app.test", uri: "/a/b?x=1", path: "/a/b"},
		{raw: "https://App.Test:8443", host: "app.test:8443", uri: "/", path: "/", https: true},
		{raw: "https://app.test?x", host: "app.test", uri: "/?x", path: "/", https: true},
		{raw: "http://app.test/public/%2e%2e/admin", host: "app.test", uri: "/public/%2e%2e/admin", path: "/admin"},
		{raw: "http://app.test/a%2Fb", host: "app.test", uri: "/a%2Fb", bad: true},
	} {
		o, err := parseOriginalURL(c.raw)
		if err != nil || o.Host != c.host || o.URI != c.uri || o.HTTPS != c.https || o.Path != c.path || (o.Bad != nil) != c.bad {
			t.Errorf("parseOriginalURL(%q) = %+v, %v", c.raw, o, err)
		}
	}
	for _, raw := range []string{"app.test/x", "ftp://app.test/", "javascript://x/", "http://user@evil/", `http://app.test\@evil/`, "http:///x", "http://a b/"} {
		if o, err := parseOriginalURL(raw); err == nil {
			t.Errorf("parseOriginalURL(%q) = %+v, want an error", raw, o)
		}
	}
}

func TestStripAuthHeaders(t *testing.T) {
	h := http.Header{"X-Auth-User": {"a"}, "x-auth-roles": {"b"}, "X-Authority": {"keep"}, "Accept": {"keep"}}
	StripAuthHeaders(h)
	if len(h) != 2 || h.Get("X-Authority") != "keep" || h.Get("Accept") != "keep" {
		t.Fatalf("%v", h)
	}
}
