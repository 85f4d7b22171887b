package ssoapi

import "testing"

func TestSafeContinue(t *testing.T) {
	for in, want := range map[string]string{
		"/sso/login?a=b":      "/sso/login?a=b",
		"/":                   "/",
		"":                    "/",
		"//evil.test":         "/",
		`/\evil.test`:         "/",
		`/a\b`:                "/",
		"https://evil.test/":  "/",
		"evil.test":           "/",
		"javascript:alert(1)": "/",
		"/a\nb":               "/",
		"/a\x7fb":             "/",
	} {
		if got := SafeContinue(in, ""); got != want {
			t.Errorf("SafeContinue(%q) = %q, want %q", in, got, want)
		}
	}
	if got := SafeContinue("//evil.test", "/center"); got != "/center/" {
		t.Errorf("with a base path: %q", got)
	}
}

func TestWithQuery(t *testing.T) {
	for _, c := range []struct{ uri, want string }{
		{"https://a.test/cb", "https://a.test/cb?ticket=T&state=a+b%26c"},
		{"https://a.test/cb?x=1", "https://a.test/cb?x=1&ticket=T&state=a+b%26c"},
		{"https://a.test/cb?", "https://a.test/cb?ticket=T&state=a+b%26c"},
	} {
		if got := withQuery(c.uri, "ticket", "T", "state", "a b&c"); got != c.want {
			t.Errorf("withQuery(%q) = %q, want %q", c.uri, got, c.want)
		}
	}
	if got := withQuery("https://a.test/cb", "state", ""); got != "https://a.test/cb" {
		t.Errorf("empty values: %q", got)
	}
}

func TestETagMatches(t *testing.T) {
	const tag = `"abc"`
	for _, c := range []struct {
		h    []string
		want bool
	}{
		{[]string{`"abc"`}, true},
		{[]string{`W/"abc"`}, true},
		{[]string{`"x", "abc"`}, true},
		{[]string{`"x"`, `"abc"`}, true},
		{[]string{"*"}, true},
		{[]string{`"abcd"`}, false},
		{nil, false},
	} {
		if got := etagMatches(c.h, tag); got != c.want {
			t.Errorf("etagMatches(%q) = %v", c.h, got)
		}
	}
}
