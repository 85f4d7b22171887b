package storetest

import (
	"fmt"
	"testing"

	"github.com/gatehouse/gatehouse/internal/domain"
)

// BenchSQL measures the hot paths of the SQL tier on s, an empty, migrated store: the lookup
// at sign-in (UserByUsername among 1,000 users), the grants read when a session is built
// (GrantsOfUser: 5 roles of 10 permissions each) and the audit write that follows most
// requests (AppendAudit).
func BenchSQL(b *testing.B, s SQLStore) {
	ctx := b.Context()
	const users = 1000
	for i := range users {
		u := sqlUser(fmt.Sprint("bench-", i), fmt.Sprintf("bench%04d", i))
		sqlNoErr(b, "CreateUser", s.CreateUser(ctx, u))
	}
	sqlNoErr(b, "CreateSystem", s.CreateSystem(ctx, sqlSystem("bench")))
	var roleIDs []string
	for r := range 5 {
		role := &domain.Role{ID: fmt.Sprint("bench-role-", r), SystemID: "bench", Name: fmt.Sprint("ROLE", r)}
		for p := range 10 {
			role.Permissions = append(role.Permissions, fmt.Sprintf("bench:res%d:act%d", r, p))
		}
		sqlNoErr(b, "CreateRole", s.CreateRole(ctx, role))
		roleIDs = append(roleIDs, role.ID)
	}
	sqlNoErr(b, "CreateUser with roles", s.CreateUser(ctx, sqlUser("bench-granted", "granted"), roleIDs...))

	b.Run("UserByUsername", func(b *testing.B) {
		i := 0
		for b.Loop() {
			if _, err := s.UserByUsername(ctx, fmt.Sprintf("bench%04d", i%users)); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("GrantsOfUser", func(b *testing.B) {
		for b.Loop() {
			grants, err := s.GrantsOfUser(ctx, "bench-granted")
			if err != nil || len(grants) != 5 {
				b.Fatalf("GrantsOfUser: %d grants, %v", len(grants), err)
			}
		}
	})
	b.Run("AppendAudit", func(b *testing.B) {
		for b.Loop() {
			e := &domain.AuditEvent{Type: "login.success", ActorID: "bench-1", SubjectID: "bench-1",
				SystemID: "bench", IP: "192.0.2.1", UserAgent: "bench", Outcome: "success",
				Details: map[string]string{"method": "password"}}
			if err := s.AppendAudit(ctx, e); err != nil {
				b.Fatal(err)
			}
		}
	})
}
