package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/store"
)

func sqlTestCountAudit(t *testing.T, s SQLStore) {
	at := func(sec int) time.Time { return sqlT0.Add(time.Duration(sec) * time.Second) }
	sqlAppend(t, s,
		sqlEvent("login.success", at(1), "u1", "u1"),
		sqlEvent("login.failure", at(2), "", "u2"),
		sqlEvent("login.success", at(3), "u2", "u2"),
		sqlEvent(domain.AuditRoleGrant, at(4), "admin", "u1"),
		sqlEvent("logout", at(5), "u1", "u1"))
	for _, f := range []domain.AuditFilter{
		{}, {UserID: "u1"}, {Type: "login."}, {Type: "login.success"}, {Since: at(2), Until: at(4)},
		{UserID: "u2", Type: "login."}, {UserID: "nobody"},
		{Offset: 3, Limit: 1}, // paging is ignored
	} {
		n, err := s.CountAudit(t.Context(), f)
		sqlNoErr(t, "CountAudit", err)
		all := f
		all.Offset, all.Limit = 0, 0
		if want := len(sqlEventIDs(t, s, all)); n != want {
			t.Errorf("CountAudit(%+v) = %d, want %d", f, n, want)
		}
	}
}

func sqlTestAuditCounts(t *testing.T, s SQLStore) {
	ctx := t.Context()
	h0 := time.Date(2025, 3, 14, 10, 0, 0, 0, time.UTC)
	for _, e := range []struct {
		typ string
		at  time.Time
	}{
		{"login.success", h0.Add(-time.Nanosecond)}, // before since: not counted
		{"login.success", h0},                       // since is inclusive
		{"login.success", h0.Add(59*time.Minute + 59*time.Second + 999999*time.Microsecond)}, // last µs of the hour
		{"login.failure", h0.Add(30 * time.Minute)},
		{"login.success", h0.Add(time.Hour)},
		{"login.locked", h0.Add(3*time.Hour + time.Second)},
		{"logout", h0.Add(time.Hour)},             // another type: not asked for
		{"login.success", h0.Add(14 * time.Hour)}, // the next UTC day
	} {
		sqlAppend(t, s, sqlEvent(e.typ, e.at.In(time.FixedZone("UTC+8", 8*3600)), "", ""))
	}
	types := []string{"login.success", "login.failure", "login.locked"}
	got, err := s.AuditCounts(ctx, types, h0.In(time.FixedZone("W", -5*3600)), time.Hour)
	sqlNoErr(t, "AuditCounts hourly", err)
	sqlEqual(t, "hourly", got, []store.AuditCount{
		{Start: h0, Type: "login.failure", Count: 1},
		{Start: h0, Type: "login.success", Count: 2},
		{Start: h0.Add(time.Hour), Type: "login.success", Count: 1},
		{Start: h0.Add(3 * time.Hour), Type: "login.locked", Count: 1},
		{Start: h0.Add(14 * time.Hour), Type: "login.success", Count: 1},
	})
	day := time.Date(2025, 3, 14, 0, 0, 0, 0, time.UTC)
	got, err = s.AuditCounts(ctx, types, day, 24*time.Hour)
	sqlNoErr(t, "AuditCounts daily", err)
	sqlEqual(t, "daily", got, []store.AuditCount{
		{Start: day, Type: "login.failure", Count: 1},
		{Start: day, Type: "login.locked", Count: 1},
		{Start: day, Type: "login.success", Count: 4},
		{Start: day.Add(24 * time.Hour), Type: "login.success", Count: 1},
	})
	got, err = s.AuditCounts(ctx, []string{"nothing.here"}, day, time.Hour)
	sqlNoErr(t, "AuditCounts of an unknown type", err)
	if len(got) != 0 {
		t.Errorf("counts of an unknown type: %v", got)
	}
	got, err = s.AuditCounts(ctx, nil, day, time.Hour)
	if err != nil || len(got) != 0 {
		t.Errorf("counts of no type: %v, %v", got, err)
	}
}

func sqlTestAuditCountsBadBucket(t *testing.T, s SQLStore) {
	for _, b := range []time.Duration{0, -time.Hour, 1500 * time.Millisecond} {
		_, err := s.AuditCounts(t.Context(), []string{"x"}, sqlT0, b)
		sqlIsCode(t, fmt.Sprint("bucket ", b), err, domain.ErrInvalid)
	}
}

func sqlTestAuditSubjects(t *testing.T, s SQLStore) {
	at := func(sec int) time.Time { return sqlT0.Add(time.Duration(sec) * time.Second) }
	sqlAppend(t, s,
		sqlEvent("login.success", at(0), "old", "old"),
		sqlEvent("login.success", at(1), "u2", "u2"),
		sqlEvent("login.success", at(2), "u1", "u1"),
		sqlEvent("login.success", at(3), "u2", "u2"),
		sqlEvent("login.success", at(4), "", ""),
		sqlEvent("login.failure", at(5), "", "u3"))
	got, err := s.AuditSubjects(t.Context(), "login.success", at(1))
	sqlNoErr(t, "AuditSubjects", err)
	sqlEqual(t, "subjects", got, []string{"u1", "u2"})
	got, err = s.AuditSubjects(t.Context(), "login.success", at(10))
	sqlNoErr(t, "AuditSubjects after all", err)
	if len(got) != 0 {
		t.Errorf("subjects after every event: %v", got)
	}
}
