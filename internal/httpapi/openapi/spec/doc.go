// Package spec describes the native API compactly in Go and renders its OpenAPI 3.1 document.
// It is not part of the server: the openapi package embeds the rendered file, and its test
// fails when the file and this description differ (regenerate with go generate in that
// package). Error codes are domain.Code values, their numbers and statuses come from the
// catalog, so a code that does not exist cannot be documented.
package spec
