package syscache_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/syscache"
)

type reader struct{ reads int }

func (r *reader) SystemByID(_ context.Context, id string) (*domain.System, error) {
	r.reads++
	if id == "missing" {
		return nil, domain.Errorf(domain.CodeNotFound, "system %q does not exist", id)
	}
	return &domain.System{ID: id, Name: fmt.Sprint(r.reads)}, nil
}

func TestCache(t *testing.T) {
	var c syscache.Cache
	r := &reader{}
	t0 := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	ctx := t.Context()
	get := func(id string, at time.Time) (*domain.System, error) { return c.Get(ctx, r, id, at) }

	if s, err := get("shop", t0); err != nil || s.Name != "1" {
		t.Fatalf("first read: %+v, %v", s, err)
	}
	if s, _ := get("shop", t0.Add(syscache.For-time.Millisecond)); s.Name != "1" || r.reads != 1 {
		t.Fatalf("within For: %+v after %d reads", s, r.reads)
	}
	if s, _ := get("shop", t0.Add(syscache.For)); s.Name != "2" {
		t.Fatalf("after For: %+v", s)
	}
	if s, _ := get("shop", t0.Add(-time.Second)); s.Name != "3" {
		t.Fatalf("clock gone back: %+v", s)
	}
	for range 2 {
		if _, err := get("missing", t0); err == nil {
			t.Fatal("a missing system was found")
		}
	}
	if r.reads != 5 {
		t.Fatalf("absences must not be cached: %d reads", r.reads)
	}
	for i := range syscache.MaxLen + 1 {
		if _, err := get(fmt.Sprint("s", i), t0); err != nil {
			t.Fatal(err)
		}
	}
	before := r.reads
	if _, err := get("s0", t0); err != nil || r.reads != before+1 {
		t.Fatalf("a full cache must start over: %d → %d reads", before, r.reads)
	}
}
