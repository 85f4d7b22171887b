package password_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/password"
)

func TestPolicyCheck(t *testing.T) {
	const (
		short    = "must be at least 8 characters"
		long     = "must be at most 256 bytes"
		control  = "must not contain control characters such as tabs or line breaks"
		username = "must not contain the username"
		common   = "is one of the most common passwords"
		utf      = "is not valid UTF-8 text"
	)
	tests := []struct {
		name, password, username string
		want                     []string
	}{
		{"good", "correct horse battery staple", "jack", nil},
		{"exactly 8", "vX7#kq2!", "jack", nil},
		{"7 characters", "vX7#kq2", "jack", []string{short}},
		{"empty", "", "jack", []string{short}},
		{"8 code points in 24 bytes", "密码密码密码密码", "jack", nil},
		{"7 code points in 21 bytes", "密码密码密码密", "jack", []string{short}},
		{"emoji count once each", "🔑🔑🔑🔑🔑🔑🔑🔑", "jack", nil},
		{"256 bytes", strings.Repeat("ab", 128), "jack", nil},
		{"257 bytes", strings.Repeat("ab", 128) + "c", "jack", []string{long}},
		{"100 characters, 300 bytes", strings.Repeat("密", 100), "jack", []string{long}},
		{"tab", "correct\thorse", "jack", []string{control}},
		{"newline", "correct horse\n", "jack", []string{control}},
		{"NUL", "correct\x00horse", "jack", []string{control}},
		{"DEL", "correct\x7fhorse", "jack", []string{control}},
		{"C1 control", "correct\u0085horse", "jack", []string{control}},
		{"zero-width joiner is fine", "👩\u200d💻 at work today", "jack", nil},
		{"spaces are fine", "        a       ", "jack", nil},
		{"invalid UTF-8", "correct\xffhorse", "jack", []string{utf}},
		{"invalid UTF-8 and too long", strings.Repeat("\xff", 300), "jack", []string{utf, long}},
		{"seed password", "jack123", "jack", []string{short, username}},
		{"contains username", "xxjackxx2024", "jack", []string{username}},
		{"contains username, other case", "My-JACK-account", "jack", []string{username}},
		{"contains username, full width", "ｊａｃｋ-rocks-2024", "jack", []string{username}},
		{"username not normalised", "my-jack-account", "JACK", []string{username}},
		{"short username only when equal", "my-jo-account", "jo", nil},
		{"password is the username", "jojojojo", "jojojojo", []string{username}},
		{"short username, equal", "jo", "jo", []string{short, username}},
		{"no username", "correct horse", "", nil},
		{"common", "password", "jack", []string{common}},
		{"common, other case", "PassWord", "jack", []string{common}},
		{"common, full width", "ＰＡＳＳＷＯＲＤ", "jack", []string{common}},
		{"common with digits", "qwerty123", "jack", []string{common}},
		{"common, admin123", "admin123", "jack", []string{common}},
		{"control and short", "ja\tck", "jack", []string{control, short}},
		{"short, username and common", "admin", "admin", []string{short, username, common}},
		{"long and username", strings.Repeat("jack", 70), "jack", []string{long, username}},
	}
	p := password.DefaultPolicy()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := p.Check(tt.password, tt.username)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("Check = %v, want nil", err)
				}
				return
			}
			var de *domain.Error
			if !errors.As(err, &de) || de.Code != domain.CodeWeakPassword {
				t.Fatalf("Check = %v, want a weak_password *domain.Error", err)
			}
			var got []string
			for _, f := range de.Fields {
				if f.Field != "password" {
					t.Errorf("problem on field %q", f.Field)
				}
				got = append(got, f.Problem)
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("problems %q, want %q", got, tt.want)
			}
		})
	}
}

func TestPolicySwitches(t *testing.T) {
	p := password.Policy{MinLength: 4}
	if err := p.Check("password", "password"); err != nil {
		t.Errorf("a policy without ForbidCommon and ForbidUsername refused: %v", err)
	}
	if err := p.Check(strings.Repeat("x", 10000), ""); err != nil {
		t.Errorf("a policy without MaxLength refused a long password: %v", err)
	}
}

func TestPolicyValidate(t *testing.T) {
	if err := password.DefaultPolicy().Validate(); err != nil {
		t.Fatal(err)
	}
	for _, p := range []password.Policy{{}, {MinLength: 8, MaxLength: 4}, {MinLength: 8, MaxLength: 1 << 20}} {
		if domain.ErrorCode(p.Validate()) != domain.CodeInvalidInput {
			t.Errorf("%+v: Validate = %v, want invalid_input", p, p.Validate())
		}
	}
}

func TestPolicyDescribe(t *testing.T) {
	got := password.DefaultPolicy().Describe()
	for _, want := range []string{"At least 8 characters.", "256 bytes", "username", "common"} {
		if !slices.ContainsFunc(got, func(s string) bool { return strings.Contains(s, want) }) {
			t.Errorf("Describe() = %q lacks %q", got, want)
		}
	}
	if d := (password.Policy{}).Describe(); len(d) != 1 {
		t.Errorf("an empty policy describes %q, want only the character rule", d)
	}
}
