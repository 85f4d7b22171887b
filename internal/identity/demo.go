package identity

import (
	"context"

	"github.com/gatehouse/gatehouse/internal/domain"
)

// DemoSystemID is the system the demo data lives in.
const DemoSystemID = "demo"

// demoUsers are the users of the requirement's Spring Security example, with its exact bcrypt
// hashes (passwords jack123, danny123, smith123): they prove that such users migrate with their
// passwords intact and are re-hashed to argon2id at their first sign-in.
var demoUsers = []NewUser{
	{Username: "jack", DisplayName: "Jack", PasswordHash: "$2a$10$AQol1A.LkxoJ5dEzS5o5E.QG9jD.hncoeCGdVaMQZaiYZ98V/JyRq", Roles: []RoleRef{{DemoSystemID, "USER"}}},
	{Username: "danny", DisplayName: "Danny", PasswordHash: "$2a$10$8nMJR6r7lvh9H2INtM2vtuA156dHTcQUyU.2Q2OK/7LwMd/I.HM12", Roles: []RoleRef{{DemoSystemID, "EDITOR"}}},
	{Username: "smith", DisplayName: "Smith", PasswordHash: "$2a$10$E86mKigOx1NeIr7D6CJM3OQnWdaPXOjWe4OoRqDqFgNgowvJW9nAi", Roles: []RoleRef{{DemoSystemID, "ADMIN"}}},
}

var demoRoles = []domain.Role{
	{Name: "USER", Description: "Reads articles", Permissions: []string{"demo:article:read"}},
	{Name: "EDITOR", Description: "Reads and edits articles", Permissions: []string{"demo:article:*"}},
	{Name: "ADMIN", Description: "Everything in the demo system", Permissions: []string{"demo:*"}},
}

// SeedDemo creates the demo system (returning its secret when it creates it), its roles USER,
// EDITOR and ADMIN, and the users jack, danny and smith. It is idempotent: what exists is kept.
func (s *Service) SeedDemo(ctx context.Context, redirectURIs []string, logoutURL string) (string, error) {
	a := Actor{Via: "demo"}
	var secret string
	if _, err := s.Systems.SystemByID(ctx, DemoSystemID); domain.ErrorCode(err) == domain.CodeNotFound {
		sys := &domain.System{ID: DemoSystemID, Name: "Demo", RedirectURIs: redirectURIs, LogoutURL: logoutURL}
		if secret, err = s.CreateSystem(ctx, a, sys); err != nil && domain.ErrorCode(err) != domain.CodeConflict {
			return "", err
		}
	} else if err != nil {
		return "", err
	}
	for _, r := range demoRoles {
		r.SystemID = DemoSystemID
		if err := s.CreateRole(ctx, a, &r); err != nil && domain.ErrorCode(err) != domain.CodeConflict {
			return "", err
		}
	}
	for _, u := range demoUsers {
		if _, err := s.CreateUser(ctx, a, u); err != nil && domain.ErrorCode(err) != domain.CodeConflict {
			return "", err
		}
	}
	return secret, nil
}
