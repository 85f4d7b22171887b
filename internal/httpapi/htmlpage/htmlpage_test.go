package htmlpage

import (
	"errors"
	"html/template"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gatehouse/gatehouse/internal/domain"
)

var tmpl = template.Must(template.New("p").Parse(`<p>{{.A}}</p>{{if .Fail}}{{call .Fail}}{{end}}`))

type data struct {
	A    string
	Fail func() (string, error)
}

func TestWrite(t *testing.T) {
	w := httptest.NewRecorder()
	Write(w, 400, "default-src 'none'", tmpl, "p", data{A: "<b>"})
	if w.Code != 400 || w.Body.String() != "<p>&lt;b&gt;</p>" {
		t.Fatalf("%d %q", w.Code, w.Body)
	}
	h := w.Header()
	if h.Get("Content-Type") != "text/html; charset=utf-8" || h.Get("Content-Security-Policy") != "default-src 'none'" || h.Get("Cache-Control") != "no-store" {
		t.Fatalf("headers %v", h)
	}
}

// TestWriteFailureSendsNoPartialPage: a template failing half way answers 500 and none of it.
func TestWriteFailureSendsNoPartialPage(t *testing.T) {
	w := httptest.NewRecorder()
	Write(w, 200, "x", tmpl, "p", data{A: "half", Fail: func() (string, error) { return "", errors.New("boom") }})
	if w.Code != 500 || strings.Contains(w.Body.String(), "half") {
		t.Fatalf("%d %q", w.Code, w.Body)
	}
	w = httptest.NewRecorder()
	Write(w, 200, "x", tmpl, "missing", nil)
	if w.Code != 500 {
		t.Fatalf("unknown template: %d", w.Code)
	}
}

func TestDetail(t *testing.T) {
	r := httptest.NewRequest("GET", "/", nil)
	bad := &domain.Error{Code: domain.CodeInvalidInput, Message: "bad service", Err: errors.New("secret cause"),
		Fields: []domain.FieldError{{Field: "service", Problem: "is not registered"}}}
	if got := Detail(r, 400, bad, "x"); got != "bad service; service is not registered" {
		t.Fatalf("bad input: %q", got)
	}
	if got := Detail(r, 503, bad, "x"); got != "" {
		t.Fatalf("a failure of the center shows %q", got)
	}
	if got := Detail(r, 400, nil, "x"); got != "" {
		t.Fatalf("no error shows %q", got)
	}
}
