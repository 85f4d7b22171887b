package storetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/gatehouse/gatehouse/internal/domain"
)

// sqlParallel runs fn(i) for i in [0, n) at once, each in its own goroutine, started together,
// and returns their errors by i.
func sqlParallel(n int, fn func(i int) error) []error {
	errs := make([]error, n)
	var start, done sync.WaitGroup
	start.Add(1)
	for i := range n {
		done.Go(func() {
			start.Wait()
			errs[i] = fn(i)
		})
	}
	start.Done()
	done.Wait()
	return errs
}

func sqlTestConcurrentSameUsername(t *testing.T, s SQLStore) {
	ctx := t.Context()
	errs := sqlParallel(20, func(i int) error {
		return s.CreateUser(ctx, sqlUser(fmt.Sprint("id-", i), "contested"))
	})
	won := 0
	for i, err := range errs {
		switch {
		case err == nil:
			won++
		case !errors.Is(err, domain.ErrConflict):
			t.Errorf("goroutine %d: %v, want nil or a conflict", i, err)
		}
	}
	if won != 1 {
		t.Fatalf("%d of 20 creations of one username succeeded, want exactly 1", won)
	}
	if _, total, err := s.ListUsers(ctx, domain.UserFilter{}); err != nil || total != 1 {
		t.Fatalf("ListUsers: total %d, %v; want 1", total, err)
	}
}

func sqlTestConcurrentWriters(t *testing.T, s SQLStore) {
	ctx := t.Context()
	sqlMustCreateSystem(t, s, "demo")
	sqlMustCreateRole(t, s, "r1", "demo", "EDITOR", "demo:a:b")
	sqlMustCreateRole(t, s, "r2", "demo", "VIEWER", "demo:a:read")
	const writers, each = 20, 10
	errs := sqlParallel(writers, func(w int) error {
		for i := range each {
			id := fmt.Sprintf("u-%02d-%02d", w, i)
			if err := s.CreateUser(ctx, sqlUser(id, id), "r1"); err != nil {
				return fmt.Errorf("CreateUser %s: %w", id, err)
			}
			if err := s.GrantRole(ctx, id, "r2"); err != nil {
				return fmt.Errorf("GrantRole %s: %w", id, err)
			}
			u, err := s.UserByID(ctx, id)
			if err != nil {
				return fmt.Errorf("UserByID %s: %w", id, err)
			}
			u.DisplayName = "changed"
			if err := s.UpdateUser(ctx, u); err != nil {
				return fmt.Errorf("UpdateUser %s: %w", id, err)
			}
			e := sqlEvent(domain.AuditUserCreate, sqlT0, "admin", id)
			if err := s.AppendAudit(ctx, e); err != nil {
				return fmt.Errorf("AppendAudit %s: %w", id, err)
			}
			if _, err := s.GrantsOfUser(ctx, id); err != nil {
				return fmt.Errorf("GrantsOfUser %s: %w", id, err)
			}
		}
		return nil
	})
	for w, err := range errs {
		if err != nil {
			t.Errorf("writer %d: %v", w, err)
		}
	}
	if _, total, err := s.ListUsers(ctx, domain.UserFilter{Query: "changed"}); err != nil || total != writers*each {
		t.Errorf("ListUsers: total %d, %v; want %d", total, err, writers*each)
	}
	if ids := sqlEventIDs(t, s, domain.AuditFilter{UserID: "admin", Limit: 1000}); len(ids) != writers*each {
		t.Errorf("%d audit events, want %d", len(ids), writers*each)
	}
}

func sqlTestConcurrentVersions(t *testing.T, s SQLStore) {
	ctx := t.Context()
	sqlMustCreateSystem(t, s, "demo")
	sqlMustCreateRole(t, s, "r1", "demo", "EDITOR")
	const n = 20
	for i := range n {
		sqlMustCreateRole(t, s, fmt.Sprint("g", i), "demo", fmt.Sprint("G", i))
	}
	u := sqlMustCreateUser(t, s, "u1", "alice", "r1")
	// Each goroutine makes two changes that reach the user: no increment may be lost.
	errs := sqlParallel(n, func(i int) error {
		if err := s.AddPermission(ctx, "r1", fmt.Sprintf("demo:p%d:x", i)); err != nil {
			return err
		}
		return s.GrantRole(ctx, "u1", fmt.Sprint("g", i))
	})
	for i, err := range errs {
		if err != nil {
			t.Errorf("goroutine %d: %v", i, err)
		}
	}
	sqlVersionIs(t, s, "u1", u.Version+2*n, fmt.Sprintf("%d concurrent permission changes and grants", 2*n))
	r, err := s.RoleByID(ctx, "r1")
	sqlNoErr(t, "RoleByID", err)
	if len(r.Permissions) != n {
		t.Errorf("%d permissions, want %d", len(r.Permissions), n)
	}
}
