package adminapi

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gatehouse/gatehouse/internal/domain"
)

// Paging of every list.
const (
	DefaultLimit = 50
	MaxLimit     = 200
	maxOffset    = 1_000_000_000
	maxQueryLen  = 256
)

// query reads query parameters, collecting every problem for one invalid_input answer.
type query struct {
	v url.Values
	p domain.Problems
}

func newQuery(r *http.Request) *query { return &query{v: r.URL.Query()} }

// str returns the parameter ("" when absent); twice given or too long is a problem.
func (q *query) str(name string) string {
	vs := q.v[name]
	switch {
	case len(vs) == 0:
		return ""
	case len(vs) > 1:
		q.p.Add(name, "is given more than once")
		return ""
	case len(vs[0]) > maxQueryLen:
		q.p.Add(name, "is longer than %d bytes", maxQueryLen)
		return ""
	}
	return vs[0]
}

// int reads a whole number of decimal digits (no sign, no space) within [lo, hi]; absent is def.
func (q *query) int(name string, def, lo, hi int) int {
	s := q.str(name)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil || strings.TrimLeft(s, "0123456789") != "" || n < lo || n > hi {
		q.p.Add(name, "must be a whole number from %d to %d", lo, hi)
		return def
	}
	return n
}

// paging reads offset and limit.
func (q *query) paging() (offset, limit int) {
	return q.int("offset", 0, 0, maxOffset), q.int("limit", DefaultLimit, 1, MaxLimit)
}

func (q *query) time(name string) time.Time {
	s := q.str(name)
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		q.p.Add(name, "must be a time in RFC 3339 form, such as 2025-03-14T15:09:26Z")
	}
	return t
}

func (q *query) err() error { return q.p.Err() }
