package middleware

import (
	"errors"
	"fmt"
	"net/http"
	"runtime/debug"

	"github.com/gatehouse/gatehouse/internal/domain"
)

// ErrorWriter writes an error answer; respond.Error is the one of the native API.
type ErrorWriter func(w http.ResponseWriter, r *http.Request, err error)

// Recover turns a panic into an error log with the stack and a 500: for /api/ paths written
// by writeAPI as an internal *domain.Error (no cause, so nothing of the panic reaches the
// client or is logged twice), elsewhere as plain text. When the handler had already started
// its answer the connection is aborted instead. http.ErrAbortHandler passes through unlogged.
func Recover(writeAPI ErrorWriter) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rec := &recorder{ResponseWriter: w}
			defer func() {
				v := recover()
				if v == nil {
					return
				}
				if err, ok := v.(error); ok && errors.Is(err, http.ErrAbortHandler) {
					panic(v)
				}
				Logger(r.Context()).Error("panic while serving",
					"panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				if rec.written() {
					panic(http.ErrAbortHandler)
				}
				if writeAPI != nil && isAPI(r.URL.Path) {
					writeAPI(rec, r, &domain.Error{Code: domain.CodeInternal})
					return
				}
				http.Error(rec, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
			}()
			next.ServeHTTP(rec, r)
		})
	}
}
