package storetest

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/store"
)

// SQLStore is everything the SQL tier provides.
type SQLStore interface {
	store.Users
	store.Systems
	store.Roles
	store.Grants
	store.Audit
	store.AuditReports
	store.SigningKeys
	store.Pinger
}

// RunSQL runs the conformance suite of the SQL tier. open is called once per subtest and must
// return an empty, migrated store of its own, and close it when the test ends.
//
// Beyond the comments of package store, the suite holds backends to these rules:
//   - times come back in UTC, truncated to the microsecond; a zero time stays zero;
//   - empty slices and maps (permissions, redirect URIs, protocols, details, key bytes) come
//     back nil;
//   - a duplicate is domain.ErrConflict whose message names what was taken, and a missing row
//     or an unknown referenced id is domain.ErrNotFound;
//   - Version grows by one for each change to a user or their grants, and not for a no-op
//     (granting a held role, adding a code a role has);
//   - ListUsers pages default to 50 and are capped at 500; ListAudit pages default to 100
//     and are capped at 1000; audit Since is inclusive and Until exclusive;
//   - AuditCounts buckets are aligned to the Unix epoch in UTC, whatever the zone of since;
//   - GrantsOfUser and the role readers return roles ordered by system and name, with their
//     permissions sorted; GrantsOfUser of an unknown user is domain.ErrNotFound;
//   - writes from many goroutines at once all succeed, except that of one username created
//     by 20 goroutines exactly one succeeds.
func RunSQL(t *testing.T, open func(t *testing.T) SQLStore) {
	t.Helper()
	for _, c := range []struct {
		name string
		run  func(t *testing.T, s SQLStore)
	}{
		{"Ping", sqlTestPing},
		{"Users/RoundTrip", sqlTestUserRoundTrip},
		{"Users/NotFound", sqlTestUserNotFound},
		{"Users/Conflict", sqlTestUserConflict},
		{"Users/CreateWithRoles", sqlTestCreateUserWithRoles},
		{"Users/CreateAtomic", sqlTestCreateUserAtomic},
		{"Users/Update", sqlTestUpdateUser},
		{"Users/ListPaging", sqlTestListUsersPaging},
		{"Users/ListLimits", sqlTestListUsersLimits},
		{"Users/ListSearch", sqlTestListUsersSearch},
		{"Users/ListStatus", sqlTestListUsersStatus},
		{"Systems/RoundTrip", sqlTestSystemRoundTrip},
		{"Systems/Conflict", sqlTestSystemConflict},
		{"Systems/NotFound", sqlTestSystemNotFound},
		{"Systems/Update", sqlTestUpdateSystem},
		{"Systems/List", sqlTestListSystems},
		{"Systems/DeleteCascades", sqlTestDeleteSystem},
		{"Roles/RoundTrip", sqlTestRoleRoundTrip},
		{"Roles/Conflict", sqlTestRoleConflict},
		{"Roles/NotFound", sqlTestRoleNotFound},
		{"Roles/List", sqlTestListRoles},
		{"Roles/Permissions", sqlTestRolePermissions},
		{"Roles/Delete", sqlTestDeleteRole},
		{"Roles/Update", sqlTestUpdateRole},
		{"Grants/GrantRevoke", sqlTestGrantRevoke},
		{"Grants/NotFound", sqlTestGrantNotFound},
		{"Grants/OfUser", sqlTestGrantsOfUser},
		{"Audit/RoundTrip", sqlTestAuditRoundTrip},
		{"Audit/Order", sqlTestAuditOrder},
		{"Audit/Filters", sqlTestAuditFilters},
		{"Audit/Limits", sqlTestAuditLimits},
		{"Audit/Count", sqlTestCountAudit},
		{"Audit/Counts", sqlTestAuditCounts},
		{"Audit/CountsBadBucket", sqlTestAuditCountsBadBucket},
		{"Audit/Subjects", sqlTestAuditSubjects},
		{"SigningKeys/AddList", sqlTestSigningKeys},
		{"SigningKeys/Retire", sqlTestRetireSigningKey},
		{"Concurrent/SameUsername", sqlTestConcurrentSameUsername},
		{"Concurrent/Writers", sqlTestConcurrentWriters},
		{"Concurrent/Versions", sqlTestConcurrentVersions},
	} {
		t.Run(c.name, func(t *testing.T) { c.run(t, open(t)) })
	}
}

// sqlT0 is the suite's reference time: not UTC, and with nanoseconds, so that the round trip
// shows the normalisation.
var sqlT0 = time.Date(2025, 3, 14, 15, 9, 26, 535897932, time.FixedZone("UTC+2", 2*3600))

// sqlStored is t as a store gives it back: UTC, to the microsecond.
func sqlStored(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC().Truncate(time.Microsecond)
}

func sqlTestPing(t *testing.T, s SQLStore) {
	sqlNoErr(t, "Ping", s.Ping(t.Context()))
}

// sqlNoErr fails the test now when err is not nil.
func sqlNoErr(t testing.TB, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// sqlIsCode checks that err is the sentinel's kind of *domain.Error and that its message
// holds each of mention.
func sqlIsCode(t *testing.T, what string, err, sentinel error, mention ...string) {
	t.Helper()
	if !errors.Is(err, sentinel) {
		t.Fatalf("%s: err = %v, want %v", what, err, sentinel)
	}
	for _, m := range mention {
		if msg := domain.ErrorMessage(err); !strings.Contains(msg, m) {
			t.Errorf("%s: message %q does not mention %q", what, msg, m)
		}
	}
}

func sqlNotFound(t *testing.T, what string, err error, mention ...string) {
	t.Helper()
	sqlIsCode(t, what, err, domain.ErrNotFound, mention...)
}

func sqlConflict(t *testing.T, what string, err error, mention ...string) {
	t.Helper()
	sqlIsCode(t, what, err, domain.ErrConflict, mention...)
}

// sqlEqual compares with reflect.DeepEqual and prints both sides in full when they differ.
func sqlEqual(t *testing.T, what string, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\n got %s\nwant %s", what, sqlShow(got), sqlShow(want))
	}
}

func sqlShow(v any) string {
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer && !rv.IsNil() {
		return "&" + sqlShow(rv.Elem().Interface())
	}
	return fmt.Sprintf("%+v", v)
}

// sqlUser returns a user with every field set; times are in sqlT0's zone, with nanoseconds.
func sqlUser(id, username string) *domain.User {
	return &domain.User{
		ID:                id,
		Username:          username,
		DisplayName:       "Display " + username,
		Email:             username + "@example.org",
		Status:            domain.UserActive,
		PasswordHash:      "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$" + id,
		PasswordChangedAt: sqlT0.Add(-48 * time.Hour),
		CreatedAt:         sqlT0.Add(-72 * time.Hour),
		UpdatedAt:         sqlT0.Add(-24 * time.Hour),
		Version:           1,
	}
}

// sqlStoredUser is u as the store gives it back.
func sqlStoredUser(u *domain.User) *domain.User {
	c := *u
	c.PasswordChangedAt = sqlStored(c.PasswordChangedAt)
	c.CreatedAt = sqlStored(c.CreatedAt)
	c.UpdatedAt = sqlStored(c.UpdatedAt)
	return &c
}

func sqlMustCreateUser(t *testing.T, s SQLStore, id, username string, roleIDs ...string) *domain.User {
	t.Helper()
	u := sqlUser(id, username)
	sqlNoErr(t, "CreateUser "+username, s.CreateUser(t.Context(), u, roleIDs...))
	return u
}

func sqlSystem(id string) *domain.System {
	return &domain.System{
		ID:           id,
		Name:         "System " + id,
		SecretHash:   []byte("hmac-of-" + id),
		RedirectURIs: []string{"https://" + id + ".example.org/callback", "https://" + id + ".example.org/other?x=1"},
		LogoutURL:    "https://" + id + ".example.org/logout",
		Protocols:    []string{domain.ProtocolSSO, domain.ProtocolOIDC},
		CreatedAt:    sqlT0.Add(-time.Hour),
		UpdatedAt:    sqlT0,
	}
}

func sqlMustCreateSystem(t *testing.T, s SQLStore, id string) *domain.System {
	t.Helper()
	sys := sqlSystem(id)
	sqlNoErr(t, "CreateSystem "+id, s.CreateSystem(t.Context(), sys))
	return sys
}

func sqlMustCreateRole(t *testing.T, s SQLStore, id, systemID, name string, permissions ...string) *domain.Role {
	t.Helper()
	r := &domain.Role{
		ID: id, SystemID: systemID, Name: name, Description: "Role " + name,
		Permissions: permissions, CreatedAt: sqlT0,
	}
	sqlNoErr(t, "CreateRole "+id, s.CreateRole(t.Context(), r))
	return r
}

// sqlVersion returns the stored Version of a user.
func sqlVersion(t *testing.T, s SQLStore, userID string) int64 {
	t.Helper()
	u, err := s.UserByID(t.Context(), userID)
	sqlNoErr(t, "UserByID "+userID, err)
	return u.Version
}

// sqlVersionIs checks a user's stored Version.
func sqlVersionIs(t *testing.T, s SQLStore, userID string, want int64, after string) {
	t.Helper()
	if got := sqlVersion(t, s, userID); got != want {
		t.Errorf("after %s: version of %s = %d, want %d", after, userID, got, want)
	}
}
