// Package respond is the one place that writes answers of the native API (/api/...): the
// envelope {"code", "msg", "data"}, the catalog that maps each domain.Code to a stable
// number, an HTTP status and an English and a Chinese message, strict JSON decoding of
// request bodies, the language of the caller, and the answers for unknown paths and methods.
//
// Handlers decode with DecodeJSON, call the core, and hand its result to OK or Created or its
// error to Error. Nothing here knows a route or a domain rule; what a code means is decided
// by the core, how it is shown is decided here. docs/api.md documents the catalog and a test
// keeps the two in step.
package respond
