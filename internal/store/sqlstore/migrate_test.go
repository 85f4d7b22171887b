package sqlstore

import (
	"context"
	"io/fs"
	"path/filepath"
	"sync"
	"testing"

	"github.com/gatehouse/gatehouse/internal/testenv"
)

// latestVersion is the number of the newest migration; both dialects must have the same.
func latestVersion(t *testing.T) int64 {
	t.Helper()
	var counts []int
	for _, dialect := range []string{SQLite, Postgres} {
		files, err := fs.Glob(migrations, "migrations/"+dialect+"/*.sql")
		if err != nil {
			t.Fatal(err)
		}
		counts = append(counts, len(files))
	}
	if counts[0] != counts[1] || counts[0] == 0 {
		t.Fatalf("migrations: %d for SQLite, %d for PostgreSQL; want the same, at least one", counts[0], counts[1])
	}
	return int64(counts[0])
}

func TestMigrate(t *testing.T) {
	latest := latestVersion(t)
	for name, url := range map[string]func(t *testing.T) string{
		SQLite:   func(t *testing.T) string { return filepath.Join(t.TempDir(), "g.db") },
		Postgres: func(t *testing.T) string { return testenv.PostgresURL(t) },
	} {
		t.Run(name, func(t *testing.T) {
			d, ctx := openDB(t, url(t), Options{}), t.Context()
			if v, err := d.SchemaVersion(ctx); err != nil || v != 0 {
				t.Fatalf("SchemaVersion of an empty database = %d, %v; want 0", v, err)
			}
			from, to, err := d.Migrate(ctx)
			if err != nil || from != 0 || to != latest {
				t.Fatalf("first Migrate = %d → %d, %v; want 0 → %d", from, to, err, latest)
			}
			from, to, err = d.Migrate(ctx)
			if err != nil || from != latest || to != latest {
				t.Fatalf("second Migrate = %d → %d, %v; want %d → %d", from, to, err, latest, latest)
			}
			if v, err := d.SchemaVersion(ctx); err != nil || v != latest {
				t.Fatalf("SchemaVersion = %d, %v; want %d", v, err, latest)
			}
		})
	}
}

// TestMigrateConcurrently starts several nodes on one database at once: each migrates, none
// fails, and the schema ends at the latest version.
func TestMigrateConcurrently(t *testing.T) {
	latest := latestVersion(t)
	url := testenv.PostgresURL(t)
	var nodes []*DB
	for range 4 {
		nodes = append(nodes, openDB(t, url, Options{}))
	}
	var wg sync.WaitGroup
	errs := make([]error, len(nodes))
	for i, d := range nodes {
		wg.Go(func() { _, _, errs[i] = d.Migrate(context.Background()) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("node %d: %v", i, err)
		}
	}
	if v, err := nodes[0].SchemaVersion(t.Context()); err != nil || v != latest {
		t.Errorf("SchemaVersion = %d, %v; want %d", v, err, latest)
	}
}
