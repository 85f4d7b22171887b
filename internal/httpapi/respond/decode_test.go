package respond_test

import (
	"bytes"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/httpapi/respond"
)

func TestDecodeJSONThroughTheRouter(t *testing.T) {
	srv, _ := newServer(t)
	const js = "application/json"
	cases := []struct {
		name, ctype, body string
		number            int
		detail            string // a part of data.detail
	}{
		{"no content type", "", `{"name":"x"}`, 41501, "Content-Type"},
		{"form", "application/x-www-form-urlencoded", "name=x", 41501, "application/json"},
		{"text", "text/plain", `{"name":"x"}`, 41501, "application/json"},
		{"bad media type", "application/json; ===", `{"name":"x"}`, 41501, "application/json"},
		{"latin-1", "application/json; charset=iso-8859-1", `{"name":"x"}`, 41501, "UTF-8"},
		{"oversized", js, `{"name":"` + strings.Repeat("x", testBodyLimit) + `"}`, 41301, "exceeds 1024 bytes"},
		{"oversized after the value", js, `{"name":"x"}` + strings.Repeat(" ", testBodyLimit), 41301, "exceeds"},
		{"empty", js, "", 40002, "empty"},
		{"only spaces", js, "   \n", 40002, "empty"},
		{"malformed", js, `{"name":"x",}`, 40002, "byte offset 12"},
		{"not json", js, `name=x`, 40002, "byte offset 1"},
		{"truncated", js, `{"name":"x"`, 40002, "ends early"},
		{"unknown field", js, `{"name":"x","admin":true}`, 40002, `unknown field "admin"`},
		{"trailing garbage", js, `{"name":"x"} garbage`, 40002, "after the JSON value that ends at byte offset 12"},
		{"two values", js, `{"name":"x"}{"name":"y"}`, 40002, "after the JSON value"},
		{"wrong type", js, `{"name":"x","count":"two"}`, 40002, `field "count" must be a number`},
		{"wrong type in array", js, `{"tags":[1]}`, 40002, `field "tags" must be a string`},
		{"overflow", js, `{"count":1e400}`, 40002, `field "count" must be a number`},
		{"array body", js, `[1,2]`, 40002, "the body must be an object, not array"},
		{"string body", js, `"x"`, 40002, "the body must be an object, not string"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			headers := []string{}
			if c.ctype != "" {
				headers = append(headers, "Content-Type", c.ctype)
			}
			a := call(t, srv, "POST", "/api/things", c.body, headers...)
			if a.Code != c.number || a.Status != c.number/100 {
				t.Fatalf("got %d %s", a.Status, a.Raw)
			}
			if d := a.errorData(t); !strings.Contains(d.Detail, c.detail) {
				t.Errorf("detail %q lacks %q", d.Detail, c.detail)
			}
		})
	}
	// Accepted variants.
	for _, ct := range []string{"application/json", "application/json; charset=utf-8", "Application/JSON; Charset=UTF-8"} {
		a := call(t, srv, "POST", "/api/things", ` {"name":"x"} `+"\n", "Content-Type", ct)
		if a.Status != 201 {
			t.Errorf("%q: %d %s", ct, a.Status, a.Raw)
		}
	}
}

func TestDecodeJSONDefaultLimit(t *testing.T) {
	// Without middleware.BodyLimit the limit is 1 MiB.
	var dst struct{ S string }
	body := `{"S":"` + strings.Repeat("a", 1<<20) + `"}`
	req := httptest.NewRequest("POST", "/api/x", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.ContentLength = -1 // as for a chunked body: the reader must stop it
	err := respond.DecodeJSON(httptest.NewRecorder(), req, &dst)
	if domain.ErrorCode(err) != domain.CodeBodyTooLarge || !strings.Contains(err.Error(), "1048576") {
		t.Fatalf("got %v", err)
	}
	req = httptest.NewRequest("POST", "/api/x", strings.NewReader(body[:1<<19]+`"}`))
	req.Header.Set("Content-Type", "application/json")
	if err := respond.DecodeJSON(httptest.NewRecorder(), req, &dst); err != nil {
		t.Fatalf("half a MiB: %v", err)
	}
}

func TestDecodeJSONIntoNonPointerIsInternal(t *testing.T) {
	req := httptest.NewRequest("POST", "/api/x", strings.NewReader(`{}`))
	req.Header.Set("Content-Type", "application/json")
	var dst struct{}
	err := respond.DecodeJSON(httptest.NewRecorder(), req, dst)
	var de *domain.Error
	if !errors.As(err, &de) || de.Code != domain.CodeInternal {
		t.Fatalf("got %v", err)
	}
}

// documented are the codes DecodeJSON may give.
var documented = map[domain.Code]bool{
	domain.CodeUnsupportedMedia: true, domain.CodeBodyTooLarge: true, domain.CodeMalformedBody: true,
}

func FuzzDecodeJSON(f *testing.F) {
	for _, s := range []string{
		``, `{}`, `{"name":"x","count":1,"tags":["a"]}`, `{"name":1}`, `{"x":1}`, `[]`, `null`,
		`{"name":"x"} {}`, `{"count":1e999}`, `{"name":"\ud800"}`, "{\"name\":\"\xff\"}", `{{`,
		`{"tags":[` + strings.Repeat(`"a",`, 300) + `"a"]}`, strings.Repeat("[", 5000),
	} {
		f.Add([]byte(s), "application/json")
	}
	f.Add([]byte(`{}`), "text/plain")
	f.Add([]byte(`{}`), "application/json; charset=utf-16")
	f.Fuzz(func(t *testing.T, body []byte, ctype string) {
		req := httptest.NewRequest("POST", "/api/things", bytes.NewReader(body))
		req.Header.Set("Content-Type", ctype)
		var dst thing
		err := respond.DecodeJSON(httptest.NewRecorder(), req, &dst)
		if err == nil {
			return
		}
		var de *domain.Error
		if !errors.As(err, &de) || !documented[de.Code] {
			t.Fatalf("undocumented error %T %v", err, err)
		}
		if _, ok := respond.Lookup(de.Code); !ok || de.Message == "" {
			t.Fatalf("error without catalog entry or message: %v", err)
		}
		if de.Code == domain.CodeBodyTooLarge && len(body) <= 1<<20 {
			t.Fatalf("a small body called too large: %v", err)
		}
	})
}

var _ http.Handler = respond.Fallback(http.NewServeMux())
