package e2e

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/gatehouse/gatehouse/internal/config"
	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/testenv"
)

// seedUsers writes n users (user00000 …, every hundredth disabled) straight into the SQL
// store, 8 writers at once: sign-in is not what is measured.
func seedUsers(tb testing.TB, s *server, n int) {
	tb.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for w := range 8 {
		wg.Go(func() {
			for i := w; i < n; i += 8 {
				name := fmt.Sprintf("user%05d", i)
				u := &domain.User{ID: fmt.Sprint("seed-", i), Username: name, DisplayName: fmt.Sprint("User Number ", i),
					Email: name + "@example.org", Status: domain.UserActive, PasswordHash: "$argon2id$v=19$m=8192,t=1,p=1$c2FsdA$aGFzaA"}
				if i%100 == 0 {
					u.Status = domain.UserDisabled
				}
				if err := s.SQL.CreateUser(context.Background(), u); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		tb.Fatal(err)
	}
}

// TestAdminTenThousandUsers pages through 10,000 users (and the four of the demo) in pages of
// 200: every user once, in username order; searching and filtering count right.
func TestAdminTenThousandUsers(t *testing.T) {
	if testing.Short() {
		t.Skip("creates 10,000 users")
	}
	for _, b := range backends[:2] {
		t.Run(b.name, func(t *testing.T) {
			s := startServer(t, b, nil)
			seedUsers(t, s, 10000)
			admin, _ := s.adminClient(t)
			const total = 10004
			seen, last := 0, ""
			for off := 0; ; off += 200 {
				p := get[adminPage[adminUser]](t, admin, fmt.Sprintf("/api/admin/users?offset=%d&limit=200", off))
				if p.Total != total {
					t.Fatalf("offset %d: total %d", off, p.Total)
				}
				if len(p.Items) == 0 {
					break
				}
				for _, u := range p.Items {
					if u.Username <= last {
						t.Fatalf("offset %d: %q after %q", off, u.Username, last)
					}
					last = u.Username
					seen++
				}
			}
			if seen != total {
				t.Fatalf("paged through %d users of %d", seen, total)
			}
			if p := get[adminPage[adminUser]](t, admin, "/api/admin/users?q=USER0999&limit=5"); p.Total != 10 || len(p.Items) != 5 {
				t.Errorf("search: total %d, %d items", p.Total, len(p.Items))
			}
			if p := get[adminPage[adminUser]](t, admin, "/api/admin/users?status=disabled&offset=90"); p.Total != 100 || len(p.Items) != 10 {
				t.Errorf("disabled: total %d, %d items", p.Total, len(p.Items))
			}
			if p := get[adminPage[adminUser]](t, admin, "/api/admin/users?q=number%2012345"); p.Total != 0 {
				t.Errorf("search for nobody: %d", p.Total)
			}
		})
	}
}

// benchListUsers measures GET /api/admin/users for a page of 50 in the middle of 10,000
// users (the count query included), with the administrator's bearer token.
func benchListUsers(b *testing.B, bk backend, query string) {
	s := startServerB(b, bk, nil)
	seedUsers(b, s, 10000)
	c := benchTransport()
	tok := loginToken(b, c, s.URL(), "admin", adminPassword)
	url := s.URL() + "/api/admin/users?" + query
	drive(b, c, func() *http.Request {
		r, _ := http.NewRequest("GET", url, nil)
		r.Header.Set("Authorization", "Bearer "+tok)
		return r
	}, 200)
}

func pgBackend(b *testing.B) backend {
	url := testenv.PostgresURL(b)
	return backend{"postgres", func(_ *testing.T, c *config.Config) { c.DatabaseURL = url }}
}

// BenchmarkAdminListUsersSQLite: a page of 50 at offset 5,000 among 10,000 users, SQLite.
func BenchmarkAdminListUsersSQLite(b *testing.B) {
	benchListUsers(b, backends[0], "offset=5000&limit=50")
}

// BenchmarkAdminListUsersPostgres: the same on PostgreSQL.
func BenchmarkAdminListUsersPostgres(b *testing.B) {
	benchListUsers(b, pgBackend(b), "offset=5000&limit=50")
}

// BenchmarkAdminSearchUsersSQLite: a search matching 10 of 10,000 users (a full scan), SQLite.
func BenchmarkAdminSearchUsersSQLite(b *testing.B) {
	benchListUsers(b, backends[0], "q=user0999")
}

// BenchmarkAdminSearchUsersPostgres: the same on PostgreSQL.
func BenchmarkAdminSearchUsersPostgres(b *testing.B) {
	benchListUsers(b, pgBackend(b), "q=user0999")
}
