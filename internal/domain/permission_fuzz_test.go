package domain_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/gatehouse/gatehouse/internal/domain"
)

// referenceValid is the rule of permission.go's comment, written plainly: one to eight
// segments, at most 256 bytes, each segment '*' or [a-z0-9_.-]+.
func referenceValid(code string) bool {
	if len(code) < 1 || len(code) > 256 {
		return false
	}
	segs := strings.Split(code, ":")
	if len(segs) > 8 {
		return false
	}
	for _, s := range segs {
		if s == "*" {
			continue
		}
		if s == "" || strings.Trim(s, "abcdefghijklmnopqrstuvwxyz0123456789_.-") != "" {
			return false
		}
	}
	return true
}

// referenceMatch: a '*' in the middle matches exactly one segment, a '*' at the end one or more.
func referenceMatch(pattern, required string) bool {
	pat, req := strings.Split(pattern, ":"), strings.Split(required, ":")
	n := len(pat)
	if pat[n-1] == "*" {
		if len(req) < n {
			return false
		}
		n-- // the trailing '*' takes req[n-1:]
	} else if len(req) != n {
		return false
	}
	for i := range n {
		if pat[i] != "*" && pat[i] != req[i] {
			return false
		}
	}
	return true
}

func referenceAllows(codes []string, required string) bool {
	if !referenceValid(required) {
		return false
	}
	for _, c := range codes {
		if referenceValid(c) && referenceMatch(c, required) {
			return true
		}
	}
	return false
}

func FuzzParsePermission(f *testing.F) {
	for _, s := range []string{"*", "demo:*", "demo:article:*", "demo:*:read", "a:b:c:d:e:f:g:h", "a:b:c:d:e:f:g:h:i",
		"", ":", "demo:", ":demo", "Demo", "demo::x", "demo:**", strings.Repeat("a", 257), "démo"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, code string) {
		segs, err := domain.ParsePermission(code)
		if (err == nil) != referenceValid(code) {
			t.Fatalf("ParsePermission(%q) error %v, reference says valid=%v", code, err, referenceValid(code))
		}
		if err != nil {
			if domain.ErrorCode(err) != domain.CodeInvalidInput {
				t.Fatalf("code %q", domain.ErrorCode(err))
			}
			return
		}
		if strings.Join(segs, ":") != code {
			t.Fatalf("segments %q do not join back to %q", segs, code)
		}
		// Allows agrees on validity: "*" grants exactly the valid codes.
		if !domain.NewPermissions([]string{"*"}).Allows(code) {
			t.Fatalf(`"*" does not allow the valid code %q`, code)
		}
		// A valid code grants itself.
		if !domain.NewPermissions([]string{code}).Allows(code) {
			t.Fatalf("%q does not allow itself", code)
		}
	})
}

// FuzzAllows compares Allows with the reference matcher. codes holds several codes, one per
// line.
func FuzzAllows(f *testing.F) {
	seeds := [][2]string{
		{"demo:*", "demo:article:read"},
		{"demo:*", "demo"},
		{"demo:*:read", "demo:article:read"},
		{"demo:*:read", "demo:a:b:read"},
		{"*", "x:y"},
		{"*", "X"},
		{"demo:article:*\nshop:*", "shop:order"},
		{"demo:*", "demo:article:"},
		{"*:*", "a"},
		{"a:b:c:d:e:f:g:*", "a:b:c:d:e:f:g:h:i"},
		{"demo:*", "demo:*"},
		{"demo:*:read", "demo:*"},
	}
	for _, s := range seeds {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, codes, required string) {
		list := strings.Split(codes, "\n")
		p := domain.NewPermissions(list)
		got, want := p.Allows(required), referenceAllows(list, required)
		if got != want {
			t.Fatalf("%q.Allows(%q) = %v, reference says %v", list, required, got, want)
		}
		var valid []string
		for _, c := range list {
			if referenceValid(c) && !slices.Contains(valid, c) {
				valid = append(valid, c)
			}
		}
		slices.Sort(valid)
		if got := p.Codes(); !slices.Equal(got, valid) {
			t.Fatalf("Codes() = %q, want %q", got, valid)
		}
	})
}
