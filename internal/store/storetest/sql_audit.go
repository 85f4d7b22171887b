package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/domain"
)

func sqlEvent(typ string, at time.Time, actor, subject string) *domain.AuditEvent {
	return &domain.AuditEvent{At: at, Type: typ, ActorID: actor, SubjectID: subject, Outcome: "success"}
}

func sqlAppend(t *testing.T, s SQLStore, events ...*domain.AuditEvent) {
	t.Helper()
	for _, e := range events {
		sqlNoErr(t, "AppendAudit "+e.Type, s.AppendAudit(t.Context(), e))
	}
}

// sqlEventIDs lists the IDs of the events that f selects.
func sqlEventIDs(t *testing.T, s SQLStore, f domain.AuditFilter) []int64 {
	t.Helper()
	events, err := s.ListAudit(t.Context(), f)
	sqlNoErr(t, "ListAudit", err)
	ids := []int64{}
	for _, e := range events {
		ids = append(ids, e.ID)
	}
	return ids
}

func sqlTestAuditRoundTrip(t *testing.T, s SQLStore) {
	ctx := t.Context()
	full := &domain.AuditEvent{
		At: sqlT0, Type: "login.failure", ActorID: "u1", SubjectID: "u2", SystemID: "demo",
		SessionID: "sid-1", IP: "2001:db8::1", UserAgent: "Mozilla/5.0 (X11; Linux) «quoted»",
		Outcome: "failure", Reason: "invalid_credentials",
		Details: map[string]string{"attempt": "3", "method": "password", "note": `"quoted" ünï`},
	}
	bare := &domain.AuditEvent{At: sqlT0.Add(time.Second), Type: domain.AuditUserCreate, Details: map[string]string{}}
	sqlAppend(t, s, full, bare)
	if full.ID == 0 || bare.ID == 0 || bare.ID <= full.ID {
		t.Fatalf("IDs %d then %d: want set and increasing", full.ID, bare.ID)
	}
	got, err := s.ListAudit(ctx, domain.AuditFilter{})
	sqlNoErr(t, "ListAudit", err)
	wantFull, wantBare := *full, *bare
	wantFull.At, wantBare.At = sqlStored(full.At), sqlStored(bare.At)
	wantBare.Details = nil // empty comes back nil
	sqlEqual(t, "ListAudit", got, []domain.AuditEvent{wantBare, wantFull})
}

func sqlTestAuditOrder(t *testing.T, s SQLStore) {
	e1 := sqlEvent("a", sqlT0.Add(2*time.Second), "", "")
	e2 := sqlEvent("b", sqlT0, "", "")
	e3 := sqlEvent("c", sqlT0.Add(2*time.Second), "", "") // same time as e1, appended later
	e4 := sqlEvent("d", sqlT0.Add(time.Microsecond), "", "")
	e5 := sqlEvent("e", sqlT0.Add(time.Nanosecond), "", "") // the same microsecond as e2
	sqlAppend(t, s, e1, e2, e3, e4, e5)
	sqlEqual(t, "newest first", sqlEventIDs(t, s, domain.AuditFilter{}),
		[]int64{e3.ID, e1.ID, e4.ID, e5.ID, e2.ID})
	sqlEqual(t, "offset and limit", sqlEventIDs(t, s, domain.AuditFilter{Offset: 1, Limit: 2}),
		[]int64{e1.ID, e4.ID})
	sqlEqual(t, "past the end", sqlEventIDs(t, s, domain.AuditFilter{Offset: 5}), []int64{})
}

func sqlTestAuditFilters(t *testing.T, s SQLStore) {
	at := func(sec int) time.Time { return sqlT0.Add(time.Duration(sec) * time.Second) }
	success := sqlEvent("login.success", at(1), "u1", "u1")
	failure := sqlEvent("login.failure", at(2), "", "u2")
	login := sqlEvent("login", at(3), "u2", "")
	loginx := sqlEvent("loginx.success", at(4), "u1", "")
	logout := sqlEvent("logout.success", at(5), "u2", "u2")
	grant := sqlEvent(domain.AuditRoleGrant, at(6), "admin", "u1")
	under := sqlEvent("a_b.x", at(7), "", "")
	notUnder := sqlEvent("axb.x", at(8), "", "")
	sqlAppend(t, s, success, failure, login, loginx, logout, grant, under, notUnder)

	for _, c := range []struct {
		name   string
		filter domain.AuditFilter
		want   []*domain.AuditEvent
	}{
		{"actor or subject", domain.AuditFilter{UserID: "u1"}, []*domain.AuditEvent{grant, loginx, success}},
		{"subject only", domain.AuditFilter{UserID: "u2"}, []*domain.AuditEvent{logout, login, failure}},
		{"unknown user", domain.AuditFilter{UserID: "nobody"}, nil},
		{"exact type", domain.AuditFilter{Type: "login.success"}, []*domain.AuditEvent{success}},
		{"exact type without dot", domain.AuditFilter{Type: "login"}, []*domain.AuditEvent{login}},
		{"type prefix", domain.AuditFilter{Type: "login."}, []*domain.AuditEvent{failure, success}},
		{"prefix with '_'", domain.AuditFilter{Type: "a_b."}, []*domain.AuditEvent{under}},
		{"prefix and user", domain.AuditFilter{Type: "login.", UserID: "u2"}, []*domain.AuditEvent{failure}},
		{"since, inclusive", domain.AuditFilter{Since: at(7)}, []*domain.AuditEvent{notUnder, under}},
		{"until, exclusive", domain.AuditFilter{Until: at(2)}, []*domain.AuditEvent{success}},
		{"window", domain.AuditFilter{Since: at(3), Until: at(5)}, []*domain.AuditEvent{loginx, login}},
		{"window in another zone", domain.AuditFilter{Since: at(3).UTC(), Until: at(5).In(time.FixedZone("W", -5*3600))},
			[]*domain.AuditEvent{loginx, login}},
		{"everything together", domain.AuditFilter{UserID: "u1", Type: "login.", Since: at(1), Until: at(9)},
			[]*domain.AuditEvent{success}},
		{"filter, offset, limit", domain.AuditFilter{UserID: "u2", Offset: 1, Limit: 1}, []*domain.AuditEvent{login}},
	} {
		want := []int64{}
		for _, e := range c.want {
			want = append(want, e.ID)
		}
		sqlEqual(t, c.name, sqlEventIDs(t, s, c.filter), want)
	}
}

func sqlTestAuditLimits(t *testing.T, s SQLStore) {
	for i := range 1001 {
		sqlAppend(t, s, sqlEvent(fmt.Sprint("bulk.", i%7), sqlT0.Add(time.Duration(i)*time.Millisecond), "", ""))
	}
	for _, c := range []struct{ limit, want int }{{0, 100}, {-5, 100}, {999, 999}, {1000, 1000}, {1001, 1000}, {1 << 30, 1000}} {
		if got := len(sqlEventIDs(t, s, domain.AuditFilter{Limit: c.limit})); got != c.want {
			t.Errorf("Limit %d: %d events, want %d", c.limit, got, c.want)
		}
	}
}

// sqlKey returns a signing key with every field set.
func sqlKey(id string, created time.Time) *domain.SigningKey {
	return &domain.SigningKey{
		ID: id, Algorithm: "EdDSA", CreatedAt: created,
		PrivateSealed: []byte("sealed\x00private\xff" + id), PublicDER: []byte("\x30\x2a\x30\x05" + id),
	}
}

func sqlStoredKey(k *domain.SigningKey) *domain.SigningKey {
	c := *k
	c.CreatedAt, c.RetiredAt = sqlStored(c.CreatedAt), sqlStored(c.RetiredAt)
	return &c
}

func sqlTestSigningKeys(t *testing.T, s SQLStore) {
	ctx := t.Context()
	keys, err := s.ListSigningKeys(ctx)
	sqlNoErr(t, "ListSigningKeys empty", err)
	if len(keys) != 0 {
		t.Fatalf("keys of an empty store: %v", keys)
	}
	old := sqlKey("k-old", sqlT0.Add(-2*time.Hour))
	old.RetiredAt = sqlT0.Add(-time.Hour)
	old.Algorithm = "ES256"
	mid := sqlKey("k-mid", sqlT0.Add(-time.Hour))
	cur := sqlKey("k-cur", sqlT0)
	for _, k := range []*domain.SigningKey{mid, cur, old} { // not in order
		sqlNoErr(t, "AddSigningKey "+k.ID, s.AddSigningKey(ctx, k))
	}
	keys, err = s.ListSigningKeys(ctx)
	sqlNoErr(t, "ListSigningKeys", err)
	sqlEqual(t, "newest first", keys, []*domain.SigningKey{sqlStoredKey(cur), sqlStoredKey(mid), sqlStoredKey(old)})

	dup := sqlKey("k-cur", sqlT0.Add(time.Hour))
	sqlConflict(t, "same id", s.AddSigningKey(ctx, dup), "k-cur")
	keys, err = s.ListSigningKeys(ctx)
	sqlNoErr(t, "ListSigningKeys", err)
	if len(keys) != 3 || !keys[0].CreatedAt.Equal(sqlStored(sqlT0)) {
		t.Errorf("keys after the conflict: %+v", keys)
	}
}

func sqlTestRetireSigningKey(t *testing.T, s SQLStore) {
	ctx := t.Context()
	mid := sqlKey("k-mid", sqlT0.Add(-time.Hour))
	cur := sqlKey("k-cur", sqlT0)
	for _, k := range []*domain.SigningKey{mid, cur} {
		sqlNoErr(t, "AddSigningKey "+k.ID, s.AddSigningKey(ctx, k))
	}
	retired := sqlT0.Add(-time.Minute + 123*time.Nanosecond)
	sqlNoErr(t, "RetireSigningKey", s.RetireSigningKey(ctx, "k-mid", retired))
	sqlNotFound(t, "RetireSigningKey of an unknown key", s.RetireSigningKey(ctx, "k-none", sqlT0))

	keys, err := s.ListSigningKeys(ctx)
	sqlNoErr(t, "ListSigningKeys", err)
	wantMid := sqlStoredKey(mid)
	wantMid.RetiredAt = sqlStored(retired)
	sqlEqual(t, "after retiring", keys, []*domain.SigningKey{sqlStoredKey(cur), wantMid})
}
