package domain_test

import (
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/gatehouse/gatehouse/internal/domain"
)

func TestErrorCodeAndMessage(t *testing.T) {
	nf := domain.Errorf(domain.CodeNotFound, "user %q not found", "jack")
	wrapped := fmt.Errorf("loading: %w", nf)
	cause := domain.Wrap(domain.CodeUnavailable, io.ErrUnexpectedEOF, "the database is unavailable")
	tests := []struct {
		err  error
		code domain.Code
		msg  string
	}{
		{nil, "", ""},
		{io.EOF, domain.CodeInternal, ""},
		{nf, domain.CodeNotFound, `user "jack" not found`},
		{wrapped, domain.CodeNotFound, `user "jack" not found`},
		{cause, domain.CodeUnavailable, "the database is unavailable"},
	}
	for _, tt := range tests {
		if got := domain.ErrorCode(tt.err); got != tt.code {
			t.Errorf("ErrorCode(%v) = %q, want %q", tt.err, got, tt.code)
		}
		if got := domain.ErrorMessage(tt.err); got != tt.msg {
			t.Errorf("ErrorMessage(%v) = %q, want %q", tt.err, got, tt.msg)
		}
	}
	if !errors.Is(wrapped, domain.ErrNotFound) || errors.Is(wrapped, domain.ErrConflict) {
		t.Error("errors.Is does not match by code")
	}
	if errors.Is(domain.ErrNotFound, nf) {
		t.Error("a sentinel matched an error with a message")
	}
	if !errors.Is(cause, io.ErrUnexpectedEOF) {
		t.Error("the cause is not reachable with errors.Is")
	}
	if got, want := cause.Error(), "unavailable: the database is unavailable: unexpected EOF"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestProblems(t *testing.T) {
	var p domain.Problems
	if p.Err() != nil {
		t.Fatal("no problems but an error")
	}
	p.Add("name", "is required")
	p.Add("age", "must be at least %d", 18)
	err := p.Err()
	if !errors.Is(err, domain.ErrInvalid) {
		t.Fatalf("Err() = %v, want invalid_input", err)
	}
	if got, want := err.Error(), "invalid_input: invalid input; name: is required; age: must be at least 18"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}
