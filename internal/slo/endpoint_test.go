package slo

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// endpoint is the skeleton of a sub-system's logout endpoint in these tests: a test HTTP server
// that answers with the status it is told to (0 means 200) and reports the status of every
// answered request on hits. A request it is to take goes to accept, which records it (and may
// write the 200 itself); an error from accept fails the test and is answered 400.
type endpoint struct {
	t      testing.TB
	label  string // names the receiver in test errors
	srv    *httptest.Server
	accept func(http.ResponseWriter, *http.Request) error

	statusMu sync.Mutex
	status   int
	hits     chan int
}

func newEndpoint(t testing.TB, label string, accept func(http.ResponseWriter, *http.Request) error) *endpoint {
	e := &endpoint{t: t, label: label, accept: accept, hits: make(chan int, 100_000)}
	e.srv = httptest.NewServer(http.HandlerFunc(e.serve))
	t.Cleanup(e.srv.Close)
	return e
}

func (e *endpoint) setStatus(code int) {
	e.statusMu.Lock()
	e.status = code
	e.statusMu.Unlock()
}

func (e *endpoint) serve(w http.ResponseWriter, req *http.Request) {
	e.statusMu.Lock()
	status := e.status
	e.statusMu.Unlock()
	if status != 0 && status != http.StatusOK {
		w.WriteHeader(status)
		e.hits <- status
		return
	}
	if err := e.accept(w, req); err != nil {
		e.t.Errorf("%s: %v", e.label, err)
		w.WriteHeader(http.StatusBadRequest)
		e.hits <- http.StatusBadRequest
		return
	}
	e.hits <- http.StatusOK
}
