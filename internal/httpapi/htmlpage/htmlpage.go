package htmlpage

import (
	"bytes"
	"errors"
	"html/template"
	"net/http"
	"strings"

	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/httpapi/middleware"
)

// Write executes the template name of tmpl with data into a buffer, then answers status with
// it as text/html, under the Content-Security-Policy csp and Cache-Control: no-store. When
// the template fails it answers 500 "page rendering failed" and sends no part of the page.
func Write(w http.ResponseWriter, status int, csp string, tmpl *template.Template, name string, data any) {
	var buf bytes.Buffer
	if err := tmpl.ExecuteTemplate(&buf, name, data); err != nil {
		http.Error(w, "page rendering failed", http.StatusInternalServerError)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", "text/html; charset=utf-8")
	hd.Set("Content-Security-Policy", csp)
	hd.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// Detail is what a message page answering status shows of err: for bad input (status below
// 500) its caller-safe message and field problems; for a failure of the center nothing, the
// cause going to the request's log as logMsg instead. A nil err shows nothing.
func Detail(r *http.Request, status int, err error, logMsg string) string {
	if err == nil {
		return ""
	}
	if status >= 500 {
		middleware.Logger(r.Context()).Error(logMsg, "err", err)
		return ""
	}
	var b strings.Builder
	b.WriteString(domain.ErrorMessage(err))
	var de *domain.Error
	if errors.As(err, &de) {
		for _, f := range de.Fields {
			b.WriteString("; ")
			b.WriteString(f.Field + " " + f.Problem)
		}
	}
	return b.String()
}
