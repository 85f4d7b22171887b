package domain_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/gatehouse/gatehouse/internal/domain"
)

func TestNormalizeUsername(t *testing.T) {
	tests := []struct{ in, want string }{
		{"jack", "jack"},
		{"Jack", "jack"},
		{"JACK", "jack"},
		{"ＪＡＣＫ", "jack"},
		{"Ｊａｃｋ", "jack"},
		{"  jack\t", "jack"},
		{"\u3000jack\u3000", "jack"}, // ideographic space
		{"\u00a0jack", "jack"},       // no-break space
		{"Jack@Example.COM", "jack@example.com"},
		{"\u212ael", "kel"},        // KELVIN SIGN
		{"\ufb01sh", "fish"},       // ﬁ ligature
		{"user\u2460", "user1"},    // circled digit one
		{"\u216b", "xii"},          // ROMAN NUMERAL TWELVE
		{"\u01c4ak", "džak"},       // DŽ digraph
		{"jose\u0301", "josé"},     // composed by NFKC
		{"张伟", "张伟"},               // unchanged
		{"\u00a8", "\u0308"},       // DIAERESIS: NFKC gives space + combining mark, the space is trimmed
		{"jack\xff", "jack\ufffd"}, // invalid UTF-8 made visible, so that folding is idempotent
		{"\xf4\u01c5", "\ufffddž"}, // NFKC alone would skip the digraph after the broken byte
		{"", ""},
		{"   ", ""},
	}
	for _, tt := range tests {
		if got := domain.NormalizeUsername(tt.in); got != tt.want {
			t.Errorf("NormalizeUsername(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// Folding must be idempotent, or User.Validate would refuse what NormalizeUsername produced.
func TestNormalizeUsernameIdempotent(t *testing.T) {
	for r := rune(0); r <= utf8.MaxRune; r++ {
		if r >= 0xd800 && r <= 0xdfff {
			continue
		}
		for _, s := range []string{string(r), "a" + string(r)} {
			once := domain.NormalizeUsername(s)
			if twice := domain.NormalizeUsername(once); twice != once {
				t.Fatalf("%U: %q → %q → %q", r, s, once, twice)
			}
		}
	}
}

func FuzzNormalizeUsername(f *testing.F) {
	for _, s := range []string{"Jack", "ＪＡＣＫ", " ¨jack", "İstanbul", "ǅ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		once := domain.NormalizeUsername(s)
		if twice := domain.NormalizeUsername(once); twice != once {
			t.Fatalf("%q → %q → %q", s, once, twice)
		}
		if domain.ValidateUsername(once) == "" {
			u := validUser()
			u.Username = once
			if err := u.Validate(); err != nil {
				t.Fatalf("a normalised, valid username %q is refused: %v", once, err)
			}
		}
	})
}

func TestValidateUsername(t *testing.T) {
	tests := []struct {
		in string
		ok bool
	}{
		{"jack", true},
		{"jack.doe_2-x", true},
		{"jack+tag@example.com", true},
		{"张伟", true},
		{"josé", true},
		{"j", true},
		{strings.Repeat("a", 64), true},
		{strings.Repeat("é", 64), true},
		{strings.Repeat("a", 65), false},
		{"", false},
		{"jack doe", false},
		{"jack!", false},
		{"jack/..", false},
		{"jack\n", false},
		{"jack\xff", false},
		{"jose\u0301", false}, // a combining mark is not a letter: normalise first
		{"jack\u200b", false}, // zero-width space
		{"<script>", false},
	}
	for _, tt := range tests {
		if msg := domain.ValidateUsername(tt.in); (msg == "") != tt.ok {
			t.Errorf("ValidateUsername(%q) = %q, want ok=%v", tt.in, msg, tt.ok)
		}
	}
}

func validUser() domain.User {
	return domain.User{ID: "u1", Username: "jack", DisplayName: "Jack", Email: "jack@example.com", Status: domain.UserActive}
}

func TestUserValidate(t *testing.T) {
	tests := []struct {
		name   string
		edit   func(*domain.User)
		fields []string // nil: valid
	}{
		{"valid", func(*domain.User) {}, nil},
		{"no e-mail", func(u *domain.User) { u.Email = "" }, nil},
		{"no display name", func(u *domain.User) { u.DisplayName = "" }, nil},
		{"display name of 128 characters", func(u *domain.User) { u.DisplayName = strings.Repeat("名", 128) }, nil},
		{"disabled", func(u *domain.User) { u.Status = domain.UserDisabled }, nil},
		{"locked", func(u *domain.User) { u.Status = domain.UserLocked }, nil},
		{"upper-case username", func(u *domain.User) { u.Username = "Jack" }, []string{"username"}},
		{"full-width username", func(u *domain.User) { u.Username = "ｊａｃｋ" }, []string{"username"}},
		{"empty username", func(u *domain.User) { u.Username = "" }, []string{"username"}},
		{"username with space", func(u *domain.User) { u.Username = "jack doe" }, []string{"username"}},
		{"username too long", func(u *domain.User) { u.Username = strings.Repeat("a", 65) }, []string{"username"}},
		{"display name too long", func(u *domain.User) { u.DisplayName = strings.Repeat("a", 129) }, []string{"display_name"}},
		{"display name with newline", func(u *domain.User) { u.DisplayName = "Jack\nAdmin" }, []string{"display_name"}},
		{"display name not UTF-8", func(u *domain.User) { u.DisplayName = "J\xffck" }, []string{"display_name"}},
		{"e-mail with a name", func(u *domain.User) { u.Email = "Jack <jack@example.com>" }, []string{"email"}},
		{"e-mail without @", func(u *domain.User) { u.Email = "jack.example.com" }, []string{"email"}},
		{"e-mail with spaces", func(u *domain.User) { u.Email = " jack@example.com" }, []string{"email"}},
		{"e-mail too long", func(u *domain.User) { u.Email = strings.Repeat("a", 250) + "@x.io" }, []string{"email"}},
		{"no status", func(u *domain.User) { u.Status = "" }, []string{"status"}},
		{"unknown status", func(u *domain.User) { u.Status = "banned" }, []string{"status"}},
		{"every problem at once", func(u *domain.User) {
			*u = domain.User{Username: "Jack Doe", DisplayName: "\x00", Email: "nope", Status: "x"}
		}, []string{"username", "display_name", "email", "status"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := validUser()
			tt.edit(&u)
			err := u.Validate()
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

func TestUserStatusValid(t *testing.T) {
	for s, want := range map[domain.UserStatus]bool{
		domain.UserActive: true, domain.UserDisabled: true, domain.UserLocked: true, "": false, "Active": false,
	} {
		if s.Valid() != want {
			t.Errorf("%q.Valid() = %v", s, !want)
		}
	}
}
