package e2e

import (
	"strings"
	"testing"

	"github.com/gatehouse/gatehouse/internal/httpapi/webui"
)

// The sign-in page at /login is either the built front end (web/dist, after `npm run build`)
// or, in a build without it, the minimal server-rendered page. The HTTP-level tests accept
// both; the front end's handling of continue is tested by Vitest and the browser tests.

// isBuiltFrontEnd reports whether body is the built front end's index.html.
func isBuiltFrontEnd(body string) bool {
	return strings.Contains(body, `<div id="app"></div>`)
}

// loginPageFor reports whether body is a sign-in page that will continue to cont: the
// minimal page carries it as data-continue (HTML-escaped); the front end reads it from the
// URL it was loaded with.
func loginPageFor(body, cont string) bool {
	return isBuiltFrontEnd(body) || strings.Contains(body, `data-continue="`+htmlAttr(cont)+`"`)
}

// checkFrontEndPage checks the headers of a page of the built front end.
func checkFrontEndPage(t *testing.T, p page) {
	t.Helper()
	if p.status != 200 || p.header.Get("Content-Security-Policy") != webui.CSP || p.header.Get("Cache-Control") != "no-store" {
		t.Fatalf("front-end page: %d %v", p.status, p.header)
	}
	if strings.Contains(p.body, "<script>") || strings.Contains(p.body, " style=") || strings.Contains(p.body, "onclick") {
		t.Fatal("inline script or style in the front end's index.html")
	}
}
