package respond

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/httpapi/middleware"
)

// Envelope is the shape of every native API answer. Code is 0 on success, else the number
// of the catalog entry; Msg is "ok" or the entry's message in the caller's language.
type Envelope struct {
	Code int    `json:"code"`
	Msg  string `json:"msg"`
	Data any    `json:"data"`
}

// ErrorData is the data of an error answer, when there is any: the problem of each field of
// invalid input, and the caller-safe English detail of the *domain.Error.
type ErrorData struct {
	Fields []domain.FieldError `json:"fields,omitempty"`
	Detail string              `json:"detail,omitempty"`
}

// OK answers 200 with data in the envelope.
func OK(w http.ResponseWriter, r *http.Request, data any) {
	write(w, r, http.StatusOK, Envelope{Code: 0, Msg: "ok", Data: data})
}

// Created answers 201 with data in the envelope.
func Created(w http.ResponseWriter, r *http.Request, data any) {
	write(w, r, http.StatusCreated, Envelope{Code: 0, Msg: "ok", Data: data})
}

// Error answers err in the envelope. A *domain.Error (or an error wrapping one) is shown by
// its catalog entry, with its fields and message as data; anything else is logged with the
// request's logger and answered as internal, its text never shown. Causes of 5xx domain
// errors are logged too. The code joins the request's log attributes.
func Error(w http.ResponseWriter, r *http.Request, err error) {
	ctx := r.Context()
	log := middleware.Logger(ctx)
	var de *domain.Error
	if !errors.As(err, &de) {
		switch {
		case err == nil:
			log.Error("respond.Error called with a nil error")
		case errors.Is(err, context.Canceled) && ctx.Err() != nil:
			log.Info("request abandoned by the client", "err", err)
		default:
			log.Error("internal error", "err", err)
		}
		de = &domain.Error{Code: domain.CodeInternal}
	}
	e, known := entryOf(de.Code)
	if !known {
		log.Error("error code missing from the catalog", "code", string(de.Code), "err", err)
		de = &domain.Error{Code: domain.CodeInternal}
	} else if e.Status >= 500 && de.Err != nil {
		log.Error("request failed", "code", string(de.Code), "err", err)
	}
	middleware.AddLogAttrs(ctx, slog.String("error_code", string(e.Code)))

	var data any
	d := ErrorData{Fields: de.Fields}
	if de.Message != "" && !sameMessage(de.Message, e.English) {
		d.Detail = de.Message
	}
	if len(d.Fields) > 0 || d.Detail != "" {
		data = d
	}
	if de.RetryAfter > 0 {
		// RFC 9110 §10.2.3: whole seconds, rounded up so a client never retries too early.
		w.Header().Set("Retry-After", strconv.FormatInt(int64((de.RetryAfter+time.Second-1)/time.Second), 10))
	}
	if e.Status == http.StatusUnauthorized && w.Header().Get("WWW-Authenticate") == "" {
		// RFC 9110 §15.5.2: a 401 names the scheme; RFC 6750 §3 the bearer error.
		challenge := `Bearer realm="gatehouse"`
		if e.Code == domain.CodeTokenInvalid || e.Code == domain.CodeTokenExpired {
			challenge += `, error="invalid_token"`
		}
		w.Header().Set("WWW-Authenticate", challenge)
	}
	write(w, r, e.Status, Envelope{Code: e.Number, Msg: e.Message(Language(r)), Data: data})
}

// sameMessage reports whether a domain message only repeats the catalog's.
func sameMessage(a, b string) bool {
	return strings.EqualFold(strings.TrimRight(a, ". "), strings.TrimRight(b, ". "))
}

// write sends env with status. Data that cannot be encoded is a bug: it is logged and the
// answer becomes internal.
func write(w http.ResponseWriter, r *http.Request, status int, env Envelope) {
	body, err := json.Marshal(env)
	if err != nil {
		middleware.Logger(r.Context()).Error("encoding an answer", "err", err)
		e := catalog[domain.CodeInternal]
		status = e.Status
		body, _ = json.Marshal(Envelope{Code: e.Number, Msg: e.Message(Language(r))})
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Del("Content-Length")
	w.WriteHeader(status)
	_, _ = w.Write(append(body, '\n'))
}
