package sqlstore

import (
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/domain"
)

// TestListManyUsers lists 10,000 users page by page, then searches them.
func TestListManyUsers(t *testing.T) {
	if testing.Short() {
		t.Skip("creates 10,000 users")
	}
	eachDialect(t, func(t *testing.T, d *DB) {
		ctx := t.Context()
		const n = 10000
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		for w := range 8 {
			wg.Go(func() {
				for i := w; i < n; i += 8 {
					name := fmt.Sprintf("user%05d", i)
					u := &domain.User{ID: fmt.Sprint("id-", i), Username: name, DisplayName: fmt.Sprint("User Number ", i),
						Email: name + "@example.org", Status: domain.UserActive}
					if i%100 == 0 {
						u.Status = domain.UserDisabled
					}
					if err := d.CreateUser(ctx, u); err != nil {
						errs <- err
						return
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}

		start := time.Now()
		next, pages := 0, 0
		for offset := 0; ; offset += MaxUserPage {
			page, total, err := d.ListUsers(ctx, domain.UserFilter{Offset: offset, Limit: MaxUserPage})
			if err != nil {
				t.Fatal(err)
			}
			if total != n {
				t.Fatalf("offset %d: total %d, want %d", offset, total, n)
			}
			if len(page) == 0 {
				break
			}
			pages++
			for _, u := range page {
				if want := fmt.Sprintf("user%05d", next); u.Username != want {
					t.Fatalf("user %d is %s, want %s", next, u.Username, want)
				}
				next++
			}
		}
		if next != n || pages != n/MaxUserPage {
			t.Fatalf("listed %d users in %d pages, want %d in %d", next, pages, n, n/MaxUserPage)
		}
		t.Logf("%d pages of %d in %v", pages, MaxUserPage, time.Since(start))

		// "User Number 99", 990 to 999 and 9900 to 9999 match; of them only 9900 is disabled.
		start = time.Now()
		page, total, err := d.ListUsers(ctx, domain.UserFilter{Query: "NUMBER 99"})
		if err != nil || total != 111 || len(page) != DefaultUserPage || page[0].Username != "user00099" {
			t.Errorf("search: %d users, total %d, %v; want %d of 111 from user00099", len(page), total, err, DefaultUserPage)
		}
		page, total, err = d.ListUsers(ctx, domain.UserFilter{Query: "NUMBER 99", Status: domain.UserDisabled})
		if err != nil || total != 1 || len(page) != 1 || page[0].Username != "user09900" {
			t.Errorf("search of disabled users: %d users, total %d, %v; want user09900", len(page), total, err)
		}
		t.Logf("two searches over %d users in %v", n, time.Since(start))
	})
}

// TestSQLiteTwoHandles writes through two DB values on one file at once, as two processes
// would: the busy timeout and IMMEDIATE transactions keep "database is locked" away.
func TestSQLiteTwoHandles(t *testing.T) {
	path := filepath.Join(t.TempDir(), "shared.db")
	a := openMigrated(t, path, Options{})
	b := openDB(t, path, Options{})
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	for h, d := range []*DB{a, b} {
		wg.Go(func() {
			for i := range 200 {
				id := fmt.Sprintf("h%d-%03d", h, i)
				if err := d.CreateUser(t.Context(), &domain.User{ID: id, Username: id, Status: domain.UserActive}); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if _, total, err := a.ListUsers(t.Context(), domain.UserFilter{}); err != nil || total != 400 {
		t.Fatalf("total %d, %v; want 400", total, err)
	}
}
