package respond

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/httpapi/middleware"
)

// DecodeJSON decodes the body of r, one JSON value, into dst. Every failure is a
// *domain.Error:
//
//   - unsupported_media unless Content-Type is application/json (charset utf-8 allowed);
//   - body_too_large past the limit of the context (middleware.BodyLimit, else 1 MiB);
//   - malformed_body for an empty body, malformed JSON, a field dst does not have, a value
//     of the wrong type, or data after the value, its message saying which field or byte
//     offset;
//   - internal when dst cannot be decoded into (a bug of the caller).
func DecodeJSON(w http.ResponseWriter, r *http.Request, dst any) error {
	if err := checkContentType(r.Header.Get("Content-Type")); err != nil {
		return err
	}
	limit := middleware.BodyLimitFrom(r.Context())
	if r.ContentLength > limit {
		return tooLarge(limit)
	}
	if r.Body == nil {
		return domain.Errorf(domain.CodeMalformedBody, "the request body is empty")
	}
	body := http.MaxBytesReader(w, r.Body, limit)
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return decodeError(err, dec, limit)
	}
	end := dec.InputOffset()
	var extra json.RawMessage
	switch err := dec.Decode(&extra); {
	case errors.Is(err, io.EOF):
		return nil
	case err != nil && asMaxBytes(err):
		return tooLarge(limit)
	default:
		return domain.Errorf(domain.CodeMalformedBody,
			"unexpected data after the JSON value that ends at byte offset %d", end)
	}
}

func checkContentType(ct string) error {
	if ct == "" {
		return domain.Errorf(domain.CodeUnsupportedMedia, "Content-Type application/json is required")
	}
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil || mt != "application/json" {
		return domain.Errorf(domain.CodeUnsupportedMedia, "Content-Type must be application/json")
	}
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
		return domain.Errorf(domain.CodeUnsupportedMedia, "JSON must be encoded as UTF-8")
	}
	return nil
}

func decodeError(err error, dec *json.Decoder, limit int64) error {
	var (
		syntax  *json.SyntaxError
		typeErr *json.UnmarshalTypeError
		invalid *json.InvalidUnmarshalError
		own     *domain.Error
	)
	switch {
	case asMaxBytes(err):
		return tooLarge(limit)
	case errors.Is(err, io.EOF):
		return domain.Errorf(domain.CodeMalformedBody, "the request body is empty")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return domain.Errorf(domain.CodeMalformedBody, "the JSON ends early, at byte offset %d", dec.InputOffset())
	case errors.As(err, &syntax):
		// Offset counts the bytes read, the bad one included; callers want its position.
		return domain.Errorf(domain.CodeMalformedBody, "malformed JSON at byte offset %d", max(syntax.Offset-1, 0))
	case errors.As(err, &typeErr):
		if typeErr.Field != "" {
			return domain.Errorf(domain.CodeMalformedBody, "field %q must be %s", typeErr.Field, kind(typeErr.Type.Kind().String()))
		}
		return domain.Errorf(domain.CodeMalformedBody, "the body must be %s, not %s", kind(typeErr.Type.Kind().String()), typeErr.Value)
	case errors.As(err, &own):
		return own // from an UnmarshalJSON method of dst
	case errors.As(err, &invalid):
		return domain.Wrap(domain.CodeInternal, err, "")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		// encoding/json has no type for it: `json: unknown field "name"`.
		return domain.Errorf(domain.CodeMalformedBody, "unknown field %s", strings.TrimPrefix(err.Error(), "json: unknown field "))
	default:
		// A reader failure (the client went away) or a decoding error of a custom type.
		return domain.Wrap(domain.CodeMalformedBody, err, "the request body could not be read as JSON")
	}
}

// kind names a Go kind as a JSON caller would.
func kind(k string) string {
	switch {
	case k == "string":
		return "a string"
	case k == "bool":
		return "a boolean"
	case strings.HasPrefix(k, "int"), strings.HasPrefix(k, "uint"), strings.HasPrefix(k, "float"):
		return "a number in range"
	case k == "slice", k == "array":
		return "an array"
	case k == "struct", k == "map":
		return "an object"
	}
	return "of another type"
}

func asMaxBytes(err error) bool {
	var mb *http.MaxBytesError
	return errors.As(err, &mb)
}

func tooLarge(limit int64) error {
	return domain.Errorf(domain.CodeBodyTooLarge, "the request body exceeds %d bytes", limit)
}
