package e2e

import (
	"encoding/json"
	"testing"
)

const (
	adminPassword = "Bootstrap-Passw0rd-T3st" // baseConfig's bootstrap administrator
	codeConflict  = 40901
)

// adminClient is the bootstrap administrator, signed in with a session cookie as the console is.
func (s *server) adminClient(t *testing.T) (*client, loginData) {
	t.Helper()
	c := s.client("198.51.100.10", "admin-console/1.0")
	return c, c.mustLogin("admin", adminPassword, nil)
}

type adminUser struct {
	ID          string `json:"id"`
	Username    string `json:"username"`
	DisplayName string `json:"display_name"`
	Email       string `json:"email"`
	Status      string `json:"status"`
	Version     int64  `json:"version"`
}

type adminGrant struct {
	RoleID string `json:"role_id"`
	System string `json:"system"`
	Role   string `json:"role"`
}

type adminRole struct {
	ID          string   `json:"id"`
	System      string   `json:"system"`
	Name        string   `json:"name"`
	Description string   `json:"description"`
	Permissions []string `json:"permissions"`
}

type adminSession struct {
	ID       string   `json:"id"`
	UserID   string   `json:"user_id"`
	Username string   `json:"username"`
	Systems  []string `json:"systems"`
	Current  bool     `json:"current"`
}

type adminAudit struct {
	ID        int64             `json:"id"`
	Type      string            `json:"type"`
	ActorID   string            `json:"actor_id"`
	SubjectID string            `json:"subject_id"`
	System    string            `json:"system"`
	Details   map[string]string `json:"details"`
}

// adminPage is a page answer of the admin API.
type adminPage[T any] struct {
	Items  []T `json:"items"`
	Total  int `json:"total"`
	Offset int `json:"offset"`
	Limit  int `json:"limit"`
}

// get sends a GET and decodes a successful answer into v.
func get[T any](t *testing.T, c *client, path string) T {
	t.Helper()
	e := c.do("GET", path, nil)
	expect(t, e, 200, 0, "GET "+path)
	var v T
	if err := json.Unmarshal(e.Data, &v); err != nil {
		t.Fatalf("GET %s: %v in %s", path, err, e.Data)
	}
	return v
}

// roleID finds a role by system and name through the admin API.
func roleID(t *testing.T, admin *client, system, name string) string {
	t.Helper()
	for _, r := range get[adminPage[adminRole]](t, admin, "/api/admin/roles?system="+system).Items {
		if r.Name == name {
			return r.ID
		}
	}
	t.Fatalf("no role %s:%s", system, name)
	return ""
}

// createUser creates a user through the admin API and returns it with its password.
func createUser(t *testing.T, admin *client, body map[string]any) (adminUser, string) {
	t.Helper()
	e := admin.do("POST", "/api/admin/users", body)
	expect(t, e, 201, 0, "create user")
	var d struct {
		User     adminUser `json:"user"`
		Password string    `json:"password"`
	}
	e.decode(t, &d)
	pw, _ := body["password"].(string)
	if pw == "" {
		pw = d.Password
	}
	return d.User, pw
}

// auditTypes lists the types of a page of audit events.
func auditTypes(events []adminAudit) []string {
	out := make([]string, len(events))
	for i, e := range events {
		out[i] = e.Type
	}
	return out
}
