package password_test

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/password"
)

func ExampleHasher_Hash() {
	h := password.New(password.DefaultParams(), 0, nil)
	encoded, err := h.Hash(context.Background(), "correct horse battery staple")
	if err != nil {
		panic(err)
	}
	fmt.Println(strings.HasPrefix(encoded, "$argon2id$v=19$m=19456,t=2,p=1$"))
	// Output: true
}

// A user imported from Spring Security signs in: the bcrypt hash verifies and asks to be
// replaced by an argon2id one.
func ExampleHasher_Verify() {
	h := password.New(password.DefaultParams(), 0, nil)
	ctx := context.Background()
	stored := "{bcrypt}$2a$10$AQol1A.LkxoJ5dEzS5o5E.QG9jD.hncoeCGdVaMQZaiYZ98V/JyRq"
	ok, needsRehash, err := h.Verify(ctx, "jack123", stored)
	fmt.Println(ok, needsRehash, err)
	if ok && needsRehash {
		stored, _ = h.Hash(ctx, "jack123") // and save it
	}
	ok, needsRehash, err = h.Verify(ctx, "jack123", stored)
	fmt.Println(ok, needsRehash, err)
	// Output:
	// true true <nil>
	// true false <nil>
}

// For an unknown user, spend the time of a real verification before answering.
func ExampleHasher_DummyVerify() {
	h := password.New(password.DefaultParams(), 0, nil)
	if err := h.DummyVerify(context.Background(), "whatever was typed"); err != nil {
		fmt.Println("busy:", err)
	}
	fmt.Println("invalid credentials")
	// Output: invalid credentials
}

func ExamplePolicy_Check() {
	err := password.DefaultPolicy().Check("jack123", "jack")
	fmt.Println(domain.ErrorCode(err))
	var de *domain.Error
	if errors.As(err, &de) {
		for _, f := range de.Fields {
			fmt.Println("-", f.Problem)
		}
	}
	// Output:
	// weak_password
	// - must be at least 8 characters
	// - must not contain the username
}

func ExamplePolicy_Describe() {
	for _, rule := range password.DefaultPolicy().Describe() {
		fmt.Println(rule)
	}
	// Output:
	// At least 8 characters.
	// At most 256 bytes: a plain English letter, digit or symbol takes one, an accented letter or another script two to four.
	// Any letters, digits, symbols, spaces or emoji; no tabs, line breaks or other control characters.
	// It must not contain your username.
	// It must not be one of the most commonly used passwords.
}
