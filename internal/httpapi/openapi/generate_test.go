package openapi

import (
	"bytes"
	"flag"
	"os"
	"testing"

	"github.com/gatehouse/gatehouse/internal/httpapi/openapi/spec"
)

var update = flag.Bool("update", false, "rewrite openapi.json from the spec package")

// TestDocumentIsGenerated keeps the embedded file equal to the description in package spec.
func TestDocumentIsGenerated(t *testing.T) {
	want, err := spec.JSON()
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile("openapi.json", want, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if !bytes.Equal(document, want) {
		t.Fatal("openapi.json differs from package spec: run go generate ./internal/httpapi/openapi")
	}
}
