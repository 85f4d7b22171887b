package config

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"reflect"
	"strings"
	"time"

	"github.com/go-viper/mapstructure/v2"

	"github.com/gatehouse/gatehouse/internal/domain"
)

// decoderConfig is the strict decoding of settings: unknown keys are errors, a duration must be
// a string with a unit, a whole number must fit its field. weak, for the strings of the
// environment and of flags, also parses numbers and booleans from strings and splits lists at
// commas; a YAML file is decoded without it, so `demo: "yes"` or `max_body_bytes: "1MB"` fail.
func decoderConfig(weak bool, result any) *mapstructure.DecoderConfig {
	hooks := []mapstructure.DecodeHookFunc{durationHook, numberHook(weak)}
	if weak {
		hooks = append(hooks, listHook)
	}
	return &mapstructure.DecoderConfig{
		DecodeHook:       mapstructure.ComposeDecodeHookFunc(hooks...),
		ErrorUnused:      true,
		WeaklyTypedInput: weak,
		TagName:          "koanf",
		Result:           result,
	}
}

// durationHook parses Go duration strings ("30s", "168h"); a bare number is refused rather
// than read as nanoseconds.
func durationHook(from, to reflect.Type, data any) (any, error) {
	if to != durationType || from == durationType {
		return data, nil
	}
	if from.Kind() != reflect.String {
		return nil, hookErrorf("must be %s (with a unit)", describe(durationType))
	}
	s := strings.TrimSpace(reflect.ValueOf(data).String())
	d, err := time.ParseDuration(s)
	if err != nil {
		return nil, hookErrorf("must be %s, not %q", describe(durationType), s)
	}
	return d, nil
}

// numberHook converts whole numbers (and, when weak, decimal strings) to the integer type of
// the field, refusing fractions, negative values for unsigned fields and values out of range.
func numberHook(weak bool) mapstructure.DecodeHookFuncType {
	return func(from, to reflect.Type, data any) (any, error) {
		if to == durationType || from == to || !isInteger(to.Kind()) {
			return data, nil
		}
		v, n := reflect.ValueOf(data), new(big.Int)
		switch k := from.Kind(); {
		case k >= reflect.Int && k <= reflect.Int64:
			n.SetInt64(v.Int())
		case k >= reflect.Uint && k <= reflect.Uint64:
			n.SetUint64(v.Uint())
		case k == reflect.Float32 || k == reflect.Float64:
			f := v.Float()
			if math.IsInf(f, 0) || f != math.Trunc(f) {
				return nil, hookErrorf("must be a whole number")
			}
			big.NewFloat(f).Int(n)
		case k == reflect.String && weak:
			if _, ok := n.SetString(strings.TrimSpace(v.String()), 10); !ok {
				return nil, hookErrorf("must be a whole number")
			}
		default:
			return data, nil // mapstructure reports the mismatch
		}
		out := reflect.New(to).Elem()
		if k := to.Kind(); k >= reflect.Uint && k <= reflect.Uint64 {
			if n.Sign() < 0 {
				return nil, hookErrorf("must not be negative")
			}
			if !n.IsUint64() || out.OverflowUint(n.Uint64()) {
				return nil, hookErrorf("must be at most %d", uint64(math.MaxUint64)>>(64-to.Bits()))
			}
			out.SetUint(n.Uint64())
			return out.Interface(), nil
		}
		if !n.IsInt64() || out.OverflowInt(n.Int64()) {
			return nil, hookErrorf("is out of range")
		}
		out.SetInt(n.Int64())
		return out.Interface(), nil
	}
}

func isInteger(k reflect.Kind) bool {
	return k >= reflect.Int && k <= reflect.Uint64 && k != reflect.Uintptr
}

// listHook splits a comma-separated string into a list, trimming spaces and dropping empty
// items: "10.0.0.0/8, 127.0.0.1".
func listHook(from, to reflect.Type, data any) (any, error) {
	if from.Kind() != reflect.String || to.Kind() != reflect.Slice || to.Elem().Kind() != reflect.String {
		return data, nil
	}
	var out []string
	for item := range strings.SplitSeq(reflect.ValueOf(data).String(), ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out, nil
}

// hookError is a problem found by one of the hooks above, worded for the user.
type hookError string

func (e hookError) Error() string { return string(e) }

func hookErrorf(format string, args ...any) error { return hookError(fmt.Sprintf(format, args...)) }

// problemOf words a decoding error for a value of type t: a hook's own words, or else what
// the value must be. mapstructure's messages are not shown: they may quote a secret.
func problemOf(err error, t reflect.Type) string {
	var he hookError
	if errors.As(err, &he) {
		return string(he)
	}
	return "must be " + describe(t)
}

// leafErrors undoes the wrapping and errors.Join of mapstructure, down to its DecodeErrors.
func leafErrors(err error) []error {
	switch e := err.(type) {
	case *mapstructure.DecodeError:
		return []error{e}
	case interface{ Unwrap() []error }:
		var out []error
		for _, inner := range e.Unwrap() {
			out = append(out, leafErrors(inner)...)
		}
		return out
	case interface{ Unwrap() error }:
		if inner := e.Unwrap(); inner != nil {
			return leafErrors(inner)
		}
	}
	return []error{err}
}

// problemsError is the error of Load and Validate. It prints one problem per line as
// "key: problem" and unwraps to the *domain.Error (code invalid_input) whose Fields hold them.
type problemsError struct{ err *domain.Error }

// newError returns nil for no problem. It folds multi-line problems (YAML parse errors have
// them) onto one line, so that each problem keeps one line of the message.
func newError(p domain.Problems) error {
	if len(p) == 0 {
		return nil
	}
	for i, f := range p {
		if strings.Contains(f.Problem, "\n") {
			lines := strings.Split(f.Problem, "\n")
			for j := range lines {
				lines[j] = strings.TrimSpace(lines[j])
			}
			p[i].Problem = strings.Join(lines, " ")
		}
	}
	return &problemsError{err: &domain.Error{Code: domain.CodeInvalidInput, Message: "invalid configuration", Fields: p}}
}

func (e *problemsError) Error() string {
	lines := make([]string, len(e.err.Fields))
	for i, f := range e.err.Fields {
		lines[i] = f.Field + ": " + f.Problem
	}
	return strings.Join(lines, "\n")
}

func (e *problemsError) Unwrap() error { return e.err }
