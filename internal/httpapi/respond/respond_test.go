package respond_test

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/httpapi/respond"
)

func TestSuccessEnvelope(t *testing.T) {
	srv, _ := newServer(t)

	a := call(t, srv, "GET", "/api/things/42", "")
	if a.Status != 200 || a.Code != 0 || a.Msg != "ok" || string(a.Data) != `{"id":"42"}` {
		t.Errorf("OK: %d %s", a.Status, a.Raw)
	}
	a = call(t, srv, "POST", "/api/things", `{"name":"lamp","count":2,"tags":["a"]}`, "Content-Type", "application/json")
	if a.Status != 201 || a.Code != 0 || a.Msg != "ok" || string(a.Data) != `{"name":"lamp","count":2,"tags":["a"]}` {
		t.Errorf("Created: %d %s", a.Status, a.Raw)
	}
	// The success message does not depend on the language.
	a = call(t, srv, "GET", "/api/things/1", "", "Accept-Language", "zh-CN")
	if a.Msg != "ok" {
		t.Errorf("zh success msg %q", a.Msg)
	}
}

func TestEveryCodeAnswersItsCatalogEntry(t *testing.T) {
	srv, _ := newServer(t)
	for _, code := range domain.AllCodes {
		e, ok := respond.Lookup(code)
		if !ok {
			t.Fatalf("%s: no catalog entry", code)
		}
		a := call(t, srv, "GET", "/api/errors/"+string(code), "")
		if a.Status != e.Status || a.Code != e.Number || a.Msg != e.English {
			t.Errorf("%s: got %d %s", code, a.Status, a.Raw)
		}
		if d := a.errorData(t); d.Detail != "detail of "+string(code) || d.Fields != nil {
			t.Errorf("%s: data %s", code, a.Data)
		}
		if wa := a.Header.Get("WWW-Authenticate"); (e.Status == 401) != (wa != "") {
			t.Errorf("%s: WWW-Authenticate %q", code, wa)
		}
	}
}

func TestInvalidInputListsFields(t *testing.T) {
	srv, _ := newServer(t)
	a := call(t, srv, "GET", "/api/errors/fields", "")
	if a.Status != 400 || a.Code != 40001 {
		t.Fatalf("got %d %s", a.Status, a.Raw)
	}
	d := a.errorData(t)
	want := []domain.FieldError{{Field: "username", Problem: "is required"}, {Field: "email", Problem: "is not an email address"}}
	if len(d.Fields) != 2 || d.Fields[0] != want[0] || d.Fields[1] != want[1] {
		t.Errorf("fields %+v", d.Fields)
	}
	if d.Detail != "" { // "invalid input" only repeats the catalog's message
		t.Errorf("detail %q", d.Detail)
	}
}

func TestInternalErrorsAreLoggedNotShown(t *testing.T) {
	srv, logs := newServer(t)
	for _, path := range []string{"/api/errors/plain", "/api/errors/unknown", "/api/bad-data"} {
		a := call(t, srv, "GET", path, "")
		if a.Status != 500 || a.Code != 50001 || string(a.Data) != "null" {
			t.Errorf("%s: %d %s", path, a.Status, a.Raw)
		}
		if strings.Contains(a.Raw, "hunter2") || strings.Contains(a.Raw, "never shown") {
			t.Errorf("%s leaked: %s", path, a.Raw)
		}
	}
	out := logs.String()
	for _, want := range []string{"password=hunter2", `"error_code":"internal"`, "no_such_code", `"request_id":`} {
		if !strings.Contains(out, want) {
			t.Errorf("logs lack %s:\n%s", want, out)
		}
	}
	// A 5xx domain error shows its safe message and logs its cause.
	a := call(t, srv, "GET", "/api/errors/wrapped", "")
	if a.Status != 503 || a.Code != 50301 || a.errorData(t).Detail != "the session store is down" || strings.Contains(a.Raw, "10.0.0.7") {
		t.Errorf("wrapped: %d %s", a.Status, a.Raw)
	}
	if !strings.Contains(logs.String(), "redis at 10.0.0.7 refused") {
		t.Error("cause of a 5xx not logged")
	}
}

func TestLanguageFromAcceptLanguage(t *testing.T) {
	srv, _ := newServer(t)
	nf, _ := respond.Lookup(domain.CodeNotFound)
	cases := []struct {
		header string
		want   string
	}{
		{"", "en"},
		{"zh-CN,zh;q=0.9", "zh"},
		{"zh-TW", "zh"},
		{"zh-Hant-HK", "zh"},
		{"ZH", "zh"},
		{"en-US,en;q=0.9,zh-CN;q=0.8", "en"},
		{"zh;q=0.5, en;q=0.9", "en"},
		{"en;q=0.1, zh", "zh"},
		{"fr-FR, zh;q=0.3", "zh"},
		{"fr, de", "en"},
		{"zh;q=0", "en"},
		{"zh;q=0, en", "en"},
		{"*", "en"},
		{"garbage;;q=x", "en"},
		{"zh;q=abc", "en"},
		{"\x00\xff", "en"},
		{strings.Repeat("zh,", 400), "en"}, // too long to bother with
	}
	for _, c := range cases {
		req := httptest.NewRequest("GET", "/", nil)
		if c.header != "" {
			req.Header.Set("Accept-Language", c.header)
		}
		if got := respond.Language(req); got != c.want {
			t.Errorf("Language(%q) = %s, want %s", c.header, got, c.want)
		}
		if strings.ContainsAny(c.header, "\x00\xff") {
			continue // not sendable by the client
		}
		a := call(t, srv, "GET", "/api/errors/not_found", "", "Accept-Language", c.header)
		if want := nf.Message(c.want); a.Msg != want {
			t.Errorf("msg for %q = %q, want %q", c.header, a.Msg, want)
		}
	}
}

func TestUnknownPathAndMethod(t *testing.T) {
	srv, _ := newServer(t)
	for _, path := range []string{"/api/nope", "/api/", "/api/things/1/more"} {
		a := call(t, srv, "GET", path, "")
		if a.Status != 404 || a.Code != 40401 {
			t.Errorf("GET %s: %d %s", path, a.Status, a.Raw)
		}
	}
	a := call(t, srv, "DELETE", "/api/things/1", "")
	if a.Status != 405 || a.Code != 40501 || a.Header.Get("Allow") != "GET, HEAD" {
		t.Errorf("DELETE: %d %s Allow=%q", a.Status, a.Raw, a.Header.Get("Allow"))
	}
	a = call(t, srv, "PUT", "/api/things", "{}", "Content-Type", "application/json", "Accept-Language", "zh")
	if a.Status != 405 || a.Header.Get("Allow") != "POST" || a.Msg != "不支持该请求方法。" {
		t.Errorf("PUT: %d %s Allow=%q", a.Status, a.Raw, a.Header.Get("Allow"))
	}
}

func TestAPIAnswersCarrySecurityHeaders(t *testing.T) {
	srv, _ := newServer(t)
	a := call(t, srv, "GET", "/api/things/1", "")
	for name, want := range map[string]string{
		"Cache-Control":           "no-store",
		"X-Content-Type-Options":  "nosniff",
		"Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
	} {
		if got := a.Header.Get(name); got != want {
			t.Errorf("%s = %q", name, got)
		}
	}
}
