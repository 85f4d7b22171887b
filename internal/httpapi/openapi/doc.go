// Package openapi serves the OpenAPI 3.1 document of the native API at GET /api/openapi.json.
//
// The document is the embedded file openapi.json, rendered from the compact description in
// the spec package (go generate in this directory rewrites it; a test fails while the two
// differ). A test in internal/e2e compares the document with the routes the code registers,
// in both directions, and requests every documented route from a running server.
//
// This package owns no behaviour of the API: it only describes it.
package openapi

//go:generate go test -run TestDocumentIsGenerated -update .
