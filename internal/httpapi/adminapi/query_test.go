package adminapi

import (
	"net/http/httptest"
	"testing"

	"github.com/gatehouse/gatehouse/internal/domain"
)

func TestPaging(t *testing.T) {
	for _, c := range []struct {
		query         string
		offset, limit int
		bad           []string
	}{
		{"", 0, 50, nil},
		{"offset=10&limit=200", 10, 200, nil},
		{"limit=1", 0, 1, nil},
		{"offset=1000000000", 1000000000, 50, nil},
		{"offset=-1", 0, 50, []string{"offset"}},
		{"offset=1000000001", 0, 50, []string{"offset"}},
		{"limit=0", 0, 50, []string{"limit"}},
		{"limit=201", 0, 50, []string{"limit"}},
		{"limit=%2B5", 0, 50, []string{"limit"}}, // no sign
		{"offset=%205", 0, 50, []string{"offset"}},
		{"limit=5.0&offset=0x10", 0, 50, []string{"offset", "limit"}},
		{"limit=1&limit=2", 0, 50, []string{"limit"}},
	} {
		q := newQuery(httptest.NewRequest("GET", "/api/admin/users?"+c.query, nil))
		off, lim := q.paging()
		var bad []string
		if err := q.err(); err != nil {
			for _, f := range err.(*domain.Error).Fields {
				bad = append(bad, f.Field)
			}
		}
		if off != c.offset || lim != c.limit || len(bad) != len(c.bad) {
			t.Errorf("%q: offset %d limit %d problems %v; want %d %d %v", c.query, off, lim, bad, c.offset, c.limit, c.bad)
		}
	}
}
