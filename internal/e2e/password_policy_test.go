package e2e

import (
	"encoding/json"
	"testing"
)

// TestPasswordPolicyRoute: GET /api/password-policy answers the configured policy, anonymously.
func TestPasswordPolicyRoute(t *testing.T) {
	srv := startServer(t, backends[0], nil)
	p := srv.client("203.0.113.61", "Browser/1").raw("GET", "/api/password-policy")
	var env struct {
		Code int `json:"code"`
		Data struct {
			MinLength      int  `json:"min_length"`
			MaxLength      int  `json:"max_length"`
			ForbidUsername bool `json:"forbid_username"`
			ForbidCommon   bool `json:"forbid_common"`
		} `json:"data"`
	}
	if err := json.Unmarshal([]byte(p.body), &env); err != nil || p.status != 200 || env.Code != 0 {
		t.Fatalf("%d %s %v", p.status, p.body, err)
	}
	if d := env.Data; d.MinLength < 1 || d.MaxLength < d.MinLength {
		t.Fatalf("policy %+v", d)
	}
	if p.header.Get("Cache-Control") != "no-store" {
		t.Fatalf("Cache-Control %q", p.header.Get("Cache-Control"))
	}
}
