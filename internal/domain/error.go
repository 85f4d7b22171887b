package domain

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Code is a stable, machine-readable error code. Each code has a fixed number, HTTP status
// and translated message in the catalog of the API layer; the domain only names them.
type Code string

// The codes of the catalog (docs/api.md). Never renumber or reuse one.
const (
	CodeInvalidInput       Code = "invalid_input"       // a field failed validation
	CodeMalformedBody      Code = "malformed_body"      // the body is not the JSON it should be
	CodeUnsupportedMedia   Code = "unsupported_media"   // wrong Content-Type
	CodeBodyTooLarge       Code = "body_too_large"      // the body exceeds the limit
	CodeUnauthenticated    Code = "unauthenticated"     // no or no valid credentials
	CodeInvalidCredentials Code = "invalid_credentials" // wrong username or password, or account unusable
	CodeCaptchaRequired    Code = "captcha_required"    // a captcha answer is required
	CodeCaptchaInvalid     Code = "captcha_invalid"     // the captcha answer is wrong, used or expired
	CodeTokenInvalid       Code = "token_invalid"       // a token failed verification
	CodeTokenExpired       Code = "token_expired"       // a token is past its expiry
	CodeSessionExpired     Code = "session_expired"     // the session has ended
	CodeForbidden          Code = "forbidden"           // authenticated but not allowed
	CodeNotFound           Code = "not_found"           // the thing does not exist
	CodeConflict           Code = "conflict"            // it exists already, or changed meanwhile
	CodeWeakPassword       Code = "weak_password"       // the password policy refused the password
	CodeTooManyRequests    Code = "too_many_requests"   // throttled or temporarily locked
	CodeMethodNotAllowed   Code = "method_not_allowed"  // the route exists for other methods
	CodeUnavailable        Code = "unavailable"         // a dependency is down
	CodeInternal           Code = "internal"            // a bug or an unexpected failure
)

// AllCodes lists every code above, in declaration order, so that the API layer can prove
// its catalog complete.
var AllCodes = []Code{
	CodeInvalidInput, CodeMalformedBody, CodeUnsupportedMedia, CodeBodyTooLarge,
	CodeUnauthenticated, CodeInvalidCredentials, CodeCaptchaRequired, CodeCaptchaInvalid,
	CodeTokenInvalid, CodeTokenExpired, CodeSessionExpired, CodeForbidden, CodeNotFound,
	CodeConflict, CodeWeakPassword, CodeTooManyRequests, CodeMethodNotAllowed, CodeUnavailable,
	CodeInternal,
}

// Error is the one error type of Gatehouse. Code says what kind of failure it is; Message is
// safe to show to the caller (it never holds secrets); Fields lists per-field problems of
// invalid input; Err is the cause, for logs only.
type Error struct {
	Code    Code
	Message string
	Fields  []FieldError
	Err     error
	// RetryAfter, when positive, says when the caller may try again (throttling, locks).
	RetryAfter time.Duration
}

// FieldError is one problem with one input field.
type FieldError struct {
	Field   string `json:"field"`
	Problem string `json:"problem"`
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(string(e.Code))
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	for _, f := range e.Fields {
		fmt.Fprintf(&b, "; %s: %s", f.Field, f.Problem)
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// Is makes errors.Is(err, domain.ErrNotFound) match any *Error of the same code.
func (e *Error) Is(target error) bool {
	var t *Error
	if errors.As(target, &t) {
		return t.Code == e.Code && t.Message == "" && t.Err == nil && t.Fields == nil
	}
	return false
}

// Errorf returns an *Error of the given code with a formatted, caller-safe message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Wrap returns an *Error of the given code whose cause is err (kept for logs).
func Wrap(code Code, err error, message string) *Error {
	return &Error{Code: code, Message: message, Err: err}
}

// ErrorCode returns the code of err: its own when it is (or wraps) an *Error, internal otherwise,
// and "" for nil.
func ErrorCode(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// ErrorMessage returns the caller-safe message of err ("" when it has none or is not an *Error).
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return ""
}

// Sentinels for errors.Is checks.
var (
	ErrNotFound = &Error{Code: CodeNotFound}
	ErrConflict = &Error{Code: CodeConflict}
	ErrInvalid  = &Error{Code: CodeInvalidInput}
)

// Problems collects field errors so that a validator reports every problem at once.
type Problems []FieldError

// Add records a problem with a field.
func (p *Problems) Add(field, format string, args ...any) {
	*p = append(*p, FieldError{Field: field, Problem: fmt.Sprintf(format, args...)})
}

// Err returns nil when there is no problem, else an invalid_input *Error listing them all.
func (p Problems) Err() error {
	if len(p) == 0 {
		return nil
	}
	return &Error{Code: CodeInvalidInput, Message: "invalid input", Fields: p}
}
