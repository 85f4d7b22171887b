package gateway

import (
	"errors"
	"testing"
)

func TestNormalizePath(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"", "/"},
		{"/", "/"},
		{"/public/a", "/public/a"},
		{"/admin/../public", "/public"},
		{"/public/../admin", "/admin"},
		{"//admin", "/admin"},
		{"/a//b///c", "/a/b/c"},
		{"/./admin/.", "/admin"},
		{"/../../admin", "/admin"},
		{"/%2e%2e/admin", "/admin"},
		{"/public/%2e%2e/admin", "/admin"},
		{"/public/%2E%2E/admin", "/admin"},
		{"/public/.%2e/admin", "/admin"},
		{"/%61dmin", "/admin"},
		{"/a%7eb", "/a~b"},
		{"/a%20b", "/a%20b"},
		{"/a%3fb", "/a%3Fb"},
		{"/admin;jsessionid=1/x", "/admin/x"},
		{"/public/..;/admin", "/admin"},
		{"/admin/", "/admin/"},
		{"/admin/x/..", "/admin"},
		{"/%252e%252e/admin", "/%252e%252e/admin"},
	} {
		got, err := NormalizePath(c.in)
		if err != nil || got != c.want {
			t.Errorf("NormalizePath(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
}

func TestNormalizePathRefuses(t *testing.T) {
	for _, c := range []struct {
		in   string
		want error
	}{
		{"/admin%2Fx", ErrEncodedSlash},
		{"/public%2f..%2fadmin", ErrEncodedSlash},
		{"/public%5C..%5Cadmin", ErrEncodedSlash},
		{`/public\..\admin`, ErrBackslash},
		{"/a%00b", ErrControl},
		{"/a\x01b", ErrControl},
		{"/a%zz", ErrBadEscape},
		{"/a%2", ErrBadEscape},
		{"admin", ErrNotAbsolute},
	} {
		if got, err := NormalizePath(c.in); !errors.Is(err, c.want) {
			t.Errorf("NormalizePath(%q) = %q, %v; want %v", c.in, got, err, c.want)
		}
	}
}

// FuzzNormalizePath: the result is a fixed point, starts with '/', and holds no dot segment,
// empty segment or backslash.
func FuzzNormalizePath(f *testing.F) {
	for _, s := range []string{"/", "/admin/../public", "//a", "/%2e%2e/x", "/a;b/..;/c", "/a%2fb"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out, err := NormalizePath(in)
		if err != nil {
			return
		}
		again, err := NormalizePath(out)
		if err != nil || again != out {
			t.Fatalf("%q → %q → %q, %v", in, out, again, err)
		}
		for _, seg := range splitPath(out) {
			if seg == "." || seg == ".." || seg == "" {
				t.Fatalf("%q → %q keeps segment %q", in, out, seg)
			}
		}
	})
}
