package storetest

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/domain"
)

func sqlTestUserRoundTrip(t *testing.T, s SQLStore) {
	ctx := t.Context()
	full := sqlUser("u-full", "alice")
	full.Version = 7
	want := sqlStoredUser(full)
	sqlNoErr(t, "CreateUser", s.CreateUser(ctx, full))

	got, err := s.UserByID(ctx, "u-full")
	sqlNoErr(t, "UserByID", err)
	sqlEqual(t, "UserByID", got, want)
	got, err = s.UserByUsername(ctx, "alice")
	sqlNoErr(t, "UserByUsername", err)
	sqlEqual(t, "UserByUsername", got, want)

	// Empty strings and a zero password-changed time survive as such.
	bare := &domain.User{ID: "u-bare", Username: "bare", Status: domain.UserLocked,
		CreatedAt: sqlT0, UpdatedAt: sqlT0, Version: 1}
	want = sqlStoredUser(bare)
	sqlNoErr(t, "CreateUser bare", s.CreateUser(ctx, bare))
	got, err = s.UserByID(ctx, "u-bare")
	sqlNoErr(t, "UserByID bare", err)
	sqlEqual(t, "UserByID bare", got, want)
	if !got.PasswordChangedAt.IsZero() {
		t.Errorf("PasswordChangedAt = %v, want zero", got.PasswordChangedAt)
	}

	// Unicode and a username as NormalizeUsername makes it.
	uni := sqlUser("u-uni", domain.NormalizeUsername("Ｊöｒｇ"))
	uni.DisplayName = "Jörg Ünal 漢字"
	want = sqlStoredUser(uni)
	sqlNoErr(t, "CreateUser unicode", s.CreateUser(ctx, uni))
	got, err = s.UserByUsername(ctx, "jörg")
	sqlNoErr(t, "UserByUsername unicode", err)
	sqlEqual(t, "UserByUsername unicode", got, want)
}

func sqlTestUserNotFound(t *testing.T, s SQLStore) {
	ctx := t.Context()
	sqlMustCreateUser(t, s, "u1", "alice")
	_, err := s.UserByID(ctx, "nobody")
	sqlNotFound(t, "UserByID", err)
	_, err = s.UserByUsername(ctx, "bob")
	sqlNotFound(t, "UserByUsername", err)
	_, err = s.UserByUsername(ctx, "ALICE") // lookups take normalised names: no folding here
	sqlNotFound(t, "UserByUsername upper case", err)
	err = s.UpdateUser(ctx, sqlUser("nobody", "nobody"))
	sqlNotFound(t, "UpdateUser", err)
}

func sqlTestUserConflict(t *testing.T, s SQLStore) {
	ctx := t.Context()
	first := sqlMustCreateUser(t, s, "u1", "alice")

	err := s.CreateUser(ctx, sqlUser("u2", "alice"))
	sqlConflict(t, "same username", err, "alice")
	err = s.CreateUser(ctx, sqlUser("u1", "bob"))
	sqlConflict(t, "same id", err, "u1")

	// Neither attempt changed anything.
	got, err := s.UserByID(ctx, "u1")
	sqlNoErr(t, "UserByID", err)
	sqlEqual(t, "first user", got, sqlStoredUser(first))
	_, err = s.UserByUsername(ctx, "bob")
	sqlNotFound(t, "bob", err)
	_, err = s.UserByID(ctx, "u2")
	sqlNotFound(t, "u2", err)
}

func sqlTestCreateUserWithRoles(t *testing.T, s SQLStore) {
	ctx := t.Context()
	sqlMustCreateSystem(t, s, "demo")
	sqlMustCreateRole(t, s, "r1", "demo", "EDITOR", "demo:article:edit")
	sqlMustCreateRole(t, s, "r2", "demo", "VIEWER", "demo:article:read")
	u := sqlMustCreateUser(t, s, "u1", "alice", "r2", "r1", "r2") // a repeated id is one grant
	grants, err := s.GrantsOfUser(ctx, "u1")
	sqlNoErr(t, "GrantsOfUser", err)
	if len(grants) != 2 || grants[0].Role.ID != "r1" || grants[1].Role.ID != "r2" {
		t.Fatalf("grants = %+v, want r1 (EDITOR) and r2 (VIEWER)", grants)
	}
	// Creating with grants is creating: the version is the one given.
	sqlVersionIs(t, s, "u1", u.Version, "CreateUser with roles")
}

func sqlTestCreateUserAtomic(t *testing.T, s SQLStore) {
	ctx := t.Context()
	sqlMustCreateSystem(t, s, "demo")
	sqlMustCreateRole(t, s, "r1", "demo", "EDITOR")

	err := s.CreateUser(ctx, sqlUser("u1", "alice"), "r1", "no-such-role")
	sqlNotFound(t, "CreateUser with an unknown role", err, "no-such-role")
	_, err = s.UserByID(ctx, "u1")
	sqlNotFound(t, "UserByID after the failed create", err)
	_, err = s.UserByUsername(ctx, "alice")
	sqlNotFound(t, "UserByUsername after the failed create", err)
	if users, total, err := s.ListUsers(ctx, domain.UserFilter{}); err != nil || total != 0 || len(users) != 0 {
		t.Fatalf("ListUsers after the failed create = %d users, total %d, %v; want none", len(users), total, err)
	}

	// Nothing was left behind: the same id and name can be created, without the grant of r1.
	sqlMustCreateUser(t, s, "u1", "alice")
	grants, err := s.GrantsOfUser(ctx, "u1")
	sqlNoErr(t, "GrantsOfUser", err)
	if len(grants) != 0 {
		t.Errorf("grants after the failed create = %+v, want none", grants)
	}
}

func sqlTestUpdateUser(t *testing.T, s SQLStore) {
	ctx := t.Context()
	u := sqlMustCreateUser(t, s, "u1", "alice")
	created := sqlStoredUser(u)

	changed := *u
	changed.DisplayName = "Alice Liddell"
	changed.Email = "alice@wonder.land"
	changed.Status = domain.UserDisabled
	changed.PasswordHash = "$2a$10$imported"
	changed.PasswordChangedAt = sqlT0.Add(time.Hour)
	changed.Username = "mallory"                 // never written by UpdateUser
	changed.CreatedAt = sqlT0.Add(time.Hour * 9) // never written either
	sqlNoErr(t, "UpdateUser", s.UpdateUser(ctx, &changed))

	if changed.Version != created.Version+1 {
		t.Errorf("written-back Version = %d, want %d", changed.Version, created.Version+1)
	}
	if changed.UpdatedAt.IsZero() {
		t.Errorf("UpdatedAt was not written back")
	}
	want := &domain.User{
		ID: "u1", Username: "alice", DisplayName: "Alice Liddell", Email: "alice@wonder.land",
		Status: domain.UserDisabled, PasswordHash: "$2a$10$imported",
		PasswordChangedAt: sqlStored(sqlT0.Add(time.Hour)), CreatedAt: created.CreatedAt,
		UpdatedAt: changed.UpdatedAt, Version: created.Version + 1,
	}
	got, err := s.UserByID(ctx, "u1")
	sqlNoErr(t, "UserByID", err)
	sqlEqual(t, "after UpdateUser", got, want)
	_, err = s.UserByUsername(ctx, "mallory")
	sqlNotFound(t, "the username UpdateUser must not write", err)

	// Clearing the password-changed time and the e-mail; each update is a new version.
	changed.PasswordChangedAt = time.Time{}
	changed.Email = ""
	sqlNoErr(t, "UpdateUser again", s.UpdateUser(ctx, &changed))
	got, err = s.UserByID(ctx, "u1")
	sqlNoErr(t, "UserByID", err)
	if got.Version != created.Version+2 || !got.PasswordChangedAt.IsZero() || got.Email != "" ||
		!got.UpdatedAt.Equal(changed.UpdatedAt) {
		t.Errorf("after the second update: %+v", got)
	}
}

func sqlTestListUsersPaging(t *testing.T, s SQLStore) {
	ctx := t.Context()
	var names []string
	for i := range 25 {
		names = append(names, fmt.Sprintf("user%02d", i))
	}
	for _, i := range rand.Perm(len(names)) { // inserted out of order
		sqlMustCreateUser(t, s, "id-"+names[i], names[i])
	}
	var seen []string
	for offset := 0; offset < 30; offset += 10 {
		page, total, err := s.ListUsers(ctx, domain.UserFilter{Offset: offset, Limit: 10})
		sqlNoErr(t, "ListUsers", err)
		if total != 25 {
			t.Errorf("offset %d: total = %d, want 25", offset, total)
		}
		if wantLen := min(10, 25-offset); len(page) != wantLen {
			t.Errorf("offset %d: %d users, want %d", offset, len(page), wantLen)
		}
		for _, u := range page {
			seen = append(seen, u.Username)
		}
	}
	sqlEqual(t, "usernames over all pages", seen, names)

	page, total, err := s.ListUsers(ctx, domain.UserFilter{Offset: 100, Limit: 10})
	sqlNoErr(t, "ListUsers past the end", err)
	if len(page) != 0 || total != 25 {
		t.Errorf("past the end: %d users, total %d; want 0, 25", len(page), total)
	}
	page, _, err = s.ListUsers(ctx, domain.UserFilter{Limit: 1})
	sqlNoErr(t, "ListUsers first", err)
	if len(page) != 1 {
		t.Fatalf("Limit 1 gave %d users", len(page))
	}
	// Listing reads every field.
	want := sqlStoredUser(sqlUser("id-user00", "user00"))
	sqlEqual(t, "first listed user", page[0], want)
}

func sqlTestListUsersLimits(t *testing.T, s SQLStore) {
	ctx := t.Context()
	for i := range 501 {
		sqlMustCreateUser(t, s, fmt.Sprintf("id%03d", i), fmt.Sprintf("user%03d", i))
	}
	for _, c := range []struct{ limit, want int }{{0, 50}, {-1, 50}, {499, 499}, {500, 500}, {501, 500}, {100000, 500}} {
		page, total, err := s.ListUsers(ctx, domain.UserFilter{Limit: c.limit})
		sqlNoErr(t, "ListUsers", err)
		if len(page) != c.want || total != 501 {
			t.Errorf("Limit %d: %d users, total %d; want %d, 501", c.limit, len(page), total, c.want)
		}
	}
}

func sqlTestListUsersSearch(t *testing.T, s SQLStore) {
	ctx := t.Context()
	for _, u := range []struct{ username, display, email string }{
		{"alice", "Alice Liddell", "alice@wonder.land"},
		{"bob", "Robert", "BOB@Example.COM"},
		{"a_b", "Under Score", ""},
		{"axb", "Percent 100% sure", "axb@example.org"},
		{"zoe", "Zoë Ünal", ""},
		{"back", `Back\slash`, ""},
		{"carol", "Carol", "carol@example.org"},
	} {
		usr := sqlUser("id-"+u.username, u.username)
		usr.DisplayName, usr.Email = u.display, u.email
		sqlNoErr(t, "CreateUser", s.CreateUser(ctx, usr))
	}
	for _, c := range []struct {
		query string
		want  []string
	}{
		{"", []string{"a_b", "alice", "axb", "back", "bob", "carol", "zoe"}},
		{"ALI", []string{"alice"}},                   // username and display name, any case
		{"liddell", []string{"alice"}},               // display name
		{"example.com", []string{"bob"}},             // e-mail, stored in upper case
		{"EXAMPLE", []string{"axb", "bob", "carol"}}, // e-mail, any case
		{"a_b", []string{"a_b"}},                     // '_' is not a wildcard
		{"_", []string{"a_b"}},                       //
		{"%", []string{"axb"}},                       // nor is '%'
		{"100%", []string{"axb"}},                    //
		{`\`, []string{"back"}},                      // nor the escape character
		{`k\s`, []string{"back"}},                    //
		{"ÜNAL", []string{"zoe"}},                    // case-insensitive beyond ASCII
		{"zoë", []string{"zoe"}},                     //
		{"nobody", nil},                              //
		{"a%b", nil},                                 //
		{"wonder.land", []string{"alice"}},           //
		{"e", []string{"a_b", "alice", "axb", "bob", "carol", "zoe"}},
	} {
		page, total, err := s.ListUsers(ctx, domain.UserFilter{Query: c.query})
		sqlNoErr(t, "ListUsers "+c.query, err)
		var got []string
		for _, u := range page {
			got = append(got, u.Username)
		}
		sqlEqual(t, fmt.Sprintf("query %q", c.query), got, c.want)
		if total != len(c.want) {
			t.Errorf("query %q: total = %d, want %d", c.query, total, len(c.want))
		}
	}
	// Paging applies to the matches, and the total counts them all.
	page, total, err := s.ListUsers(ctx, domain.UserFilter{Query: "EXAMPLE", Offset: 1, Limit: 1})
	sqlNoErr(t, "ListUsers paged query", err)
	if len(page) != 1 || page[0].Username != "bob" || total != 3 {
		t.Errorf("paged query: %d users (%v), total %d; want [bob], 3", len(page), page, total)
	}
}

func sqlTestListUsersStatus(t *testing.T, s SQLStore) {
	ctx := t.Context()
	for i, status := range []domain.UserStatus{domain.UserActive, domain.UserDisabled, domain.UserLocked,
		domain.UserDisabled, domain.UserActive} {
		u := sqlUser(fmt.Sprint("id", i), fmt.Sprint("user", i))
		u.Status = status
		sqlNoErr(t, "CreateUser", s.CreateUser(ctx, u))
	}
	for _, c := range []struct {
		filter domain.UserFilter
		want   []string
	}{
		{domain.UserFilter{Status: domain.UserDisabled}, []string{"user1", "user3"}},
		{domain.UserFilter{Status: domain.UserLocked}, []string{"user2"}},
		{domain.UserFilter{Status: domain.UserActive, Query: "4"}, []string{"user4"}},
		{domain.UserFilter{Status: domain.UserLocked, Query: "4"}, nil},
	} {
		page, total, err := s.ListUsers(ctx, c.filter)
		sqlNoErr(t, "ListUsers", err)
		var got []string
		for _, u := range page {
			got = append(got, u.Username)
		}
		sqlEqual(t, fmt.Sprintf("filter %+v", c.filter), got, c.want)
		if total != len(c.want) {
			t.Errorf("filter %+v: total = %d, want %d", c.filter, total, len(c.want))
		}
	}
}
