package sqlstore

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/store"
)

var _ store.AuditReports = (*DB)(nil)

// CountAudit returns how many events f selects, ignoring its Offset and Limit.
func (d *DB) CountAudit(ctx context.Context, f domain.AuditFilter) (int, error) {
	a, where := d.auditWhere(f)
	var n int
	if err := d.r.QueryRowContext(ctx, `SELECT count(*) FROM audit_events`+where, a...).Scan(&n); err != nil {
		return 0, failure("count audit events", err)
	}
	return n, nil
}

// AuditCounts counts events of the given types at or after since, per type and per bucket of
// whole seconds aligned to the Unix epoch. The filter is "type IN (…) AND at >= since", a range
// on the (type, at) index per type; only the bucketing differs between the dialects.
func (d *DB) AuditCounts(ctx context.Context, types []string, since time.Time, bucket time.Duration) ([]store.AuditCount, error) {
	secs := int64(bucket / time.Second)
	if secs <= 0 || bucket%time.Second != 0 {
		return nil, domain.Errorf(domain.CodeInvalidInput, "the bucket must be a positive number of whole seconds")
	}
	if len(types) == 0 {
		return nil, nil
	}
	var a args
	ph := make([]string, len(types))
	for i, t := range types {
		ph[i] = a.add(t)
	}
	// SQLite keeps times as fixed-width text that unixepoch reads (fractions dropped); on
	// PostgreSQL the epoch of a timestamptz is exact, floored here.
	b := a.add(secs)
	// SQLite keeps times as fixed-width text that unixepoch reads (fractions dropped): the key
	// is the bucket number. PostgreSQL bins the timestamptz itself (date_bin, no numeric
	// arithmetic): the key is the bucket's start. Rows are few; Go orders them.
	key := `unixepoch(at) / ` + b
	if d.dialect == Postgres {
		key = `date_bin(make_interval(secs => ` + b + `::bigint), at, TIMESTAMPTZ '1970-01-01 00:00:00+00')`
	}
	query := `SELECT ` + key + ` AS k, type, count(*) FROM audit_events
		WHERE type IN (` + strings.Join(ph, ", ") + `) AND at >= ` + a.add(d.timeArg(since)) + `
		GROUP BY k, type`
	rows, err := d.r.QueryContext(ctx, query, a...)
	if err != nil {
		return nil, failure("count audit events over time", err)
	}
	defer rows.Close()
	var out []store.AuditCount
	for rows.Next() {
		var c store.AuditCount
		if d.dialect == Postgres {
			err = rows.Scan(timeDest{&c.Start}, &c.Type, &c.Count)
		} else {
			var k int64
			err = rows.Scan(&k, &c.Type, &c.Count)
			c.Start = time.Unix(k*secs, 0).UTC()
		}
		if err != nil {
			return nil, failure("count audit events over time", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, failure("count audit events over time", err)
	}
	slices.SortFunc(out, func(x, y store.AuditCount) int {
		if c := x.Start.Compare(y.Start); c != 0 {
			return c
		}
		return strings.Compare(x.Type, y.Type)
	})
	return out, nil
}

// AuditSubjects returns the distinct non-empty subjects of events of type typ at or after
// since, in byte order.
func (d *DB) AuditSubjects(ctx context.Context, typ string, since time.Time) ([]string, error) {
	rows, err := d.r.QueryContext(ctx, `SELECT DISTINCT subject_id FROM audit_events
		WHERE type = $1 AND at >= $2 AND subject_id <> '' ORDER BY subject_id`, typ, d.timeArg(since))
	if err != nil {
		return nil, failure("list audit subjects", err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, failure("list audit subjects", err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, failure("list audit subjects", err)
	}
	return ids, nil
}
