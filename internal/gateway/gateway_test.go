package gateway

import (
	"testing"

	"github.com/gatehouse/gatehouse/internal/domain"
)

func mustNew(t *testing.T, o Options) *Gateway {
	t.Helper()
	g, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func TestMatch(t *testing.T) {
	g := mustNew(t, Options{Rules: []string{
		"app.example.com /public/** public",
		"app.example.com /admin/** role=demo:ADMIN bind_ip",
		"app.example.com /users/*/edit permission=demo:user:edit",
		"*.example.com /** signed_in system=demo",
		"other.test:8443 /x deny",
	}})
	for _, c := range []struct{ host, path, want string }{
		{"app.example.com", "/public", "app.example.com /public/** public"},
		{"app.example.com", "/public/a/b", "app.example.com /public/** public"},
		{"app.example.com", "/admin", "app.example.com /admin/** role=demo:ADMIN bind_ip"},
		{"app.example.com", "/ADMIN/x", "app.example.com /admin/** role=demo:ADMIN bind_ip"},
		{"app.example.com:443", "/Admin", "app.example.com /admin/** role=demo:ADMIN bind_ip"},
		{"app.example.com", "/users/7/edit", "app.example.com /users/*/edit permission=demo:user:edit"},
		{"app.example.com", "/users/7/edit/more", "*.example.com /** signed_in system=demo"},
		{"app.example.com", "/publicity", "*.example.com /** signed_in system=demo"},
		{"b.a.example.com", "/", "*.example.com /** signed_in system=demo"},
		{"example.com", "/", "default deny"},
		{"evil-example.com", "/", "default deny"},
		{"other.test:8443", "/x/", "other.test:8443 /x deny"},
		{"other.test:8080", "/x", "default deny"},
	} {
		if got := g.Match(c.host, c.path).Text; got != c.want {
			t.Errorf("Match(%s, %s) = %q, want %q", c.host, c.path, got, c.want)
		}
	}
}

// Path tricks against the rules: each spelling of /admin meets the admin rule, never the
// public one.
func TestPathTricksMeetTheRightRule(t *testing.T) {
	g := mustNew(t, Options{Rules: []string{"h /admin/** role=demo:ADMIN", "h /public/** public"}})
	for _, raw := range []string{"/admin", "//admin", "/public/../admin", "/public/%2e%2e/admin", "/%2e%2e/admin",
		"/public/..;/admin", "/ADMIN", "/aDmIn/x", "/%61dmin", "/./admin", "/public/./../admin/"} {
		p, err := NormalizePath(raw)
		if err != nil {
			t.Errorf("%s: %v", raw, err)
			continue
		}
		if r := g.Match("h", p); r.Access != Role {
			t.Errorf("%s (→ %s) met %q", raw, p, r.Text)
		}
	}
	for _, raw := range []string{"/public/..%2Fadmin", "/public%2F..%2Fadmin", `/public\..\admin`} {
		if _, err := NormalizePath(raw); err == nil {
			t.Errorf("%s was not refused", raw)
		}
	}
	cs := mustNew(t, Options{Rules: []string{"h /admin/** role=demo:ADMIN"}, DefaultAccess: "public", CaseSensitive: true})
	if r := cs.Match("h", "/ADMIN"); r.Access != Public {
		t.Errorf("case-sensitive: /ADMIN met %q", r.Text)
	}
}

func TestDecide(t *testing.T) {
	g := mustNew(t, Options{Rules: []string{"h /admin/** role=demo:ADMIN bind_ip", "h /edit permission=demo:article:edit", "h /in signed_in", "h /pub public"}})
	eff := func(roles []string, perms ...string) func(string) domain.Effective {
		return func(sys string) domain.Effective {
			return domain.Effective{SystemID: sys, Roles: roles, Permissions: domain.NewPermissions(perms)}
		}
	}
	jack := &Subject{SessionIP: "10.0.0.1", Effective: eff([]string{"USER"}, "demo:article:read")}
	smith := &Subject{SessionIP: "10.0.0.1", Effective: eff([]string{"ADMIN"}, "demo:*")}
	for _, c := range []struct {
		path string
		s    *Subject
		ip   string
		want Verdict
	}{
		{"/pub", nil, "", Allow},
		{"/in", nil, "", NeedLogin},
		{"/in", jack, "10.9.9.9", Allow},
		{"/admin", jack, "10.0.0.1", Forbidden},
		{"/admin", smith, "10.0.0.1", Allow},
		{"/admin", smith, "10.0.0.2", NeedLogin},
		{"/edit", jack, "", Forbidden},
		{"/edit", smith, "", Allow},
		{"/nothing", smith, "", Forbidden},
	} {
		if got, why := g.Match("h", c.path).Decide(c.s, c.ip); got != c.want {
			t.Errorf("%s from %s: %v (%s), want %v", c.path, c.ip, got, why, c.want)
		}
	}
}

func TestProtectedHosts(t *testing.T) {
	g := mustNew(t, Options{Rules: []string{"app.example.com / public", "* /** deny"}, Hosts: []string{"*.corp.test"},
		Routes: []string{"proxy.example.org / http://127.0.0.1:9000 signed_in"}})
	for host, want := range map[string]bool{
		"app.example.com": true, "app.example.com:8443": true, "proxy.example.org": true, "a.corp.test": true,
		"corp.test": false, "evil.com": false, "app.example.com.evil.com": false,
	} {
		if g.Protected(host) != want {
			t.Errorf("Protected(%s) = %v", host, !want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, bad := range []string{
		"h /a", "h a public", "h /a/../b public", "h /a//b public", "h /a%2fb public", "h /**/x public",
		"h /a* public", "h /a role=ADMIN", "h /a permission=Bad", "h /a public=1", "h /a public color=red",
		"h/x /a public", "h /a role=demo:ADMIN system=other", "a@b /a public",
	} {
		if _, err := ParseRule(bad); err == nil {
			t.Errorf("ParseRule(%q) accepted it", bad)
		}
	}
	for _, bad := range []string{"* / http://u signed_in", "h / ftp://u signed_in", "h / http://u", "h / http://u signed_in header=X-Auth-User:x", "h / http://u?q=1 public"} {
		if _, err := ParseRoute(bad); err == nil {
			t.Errorf("ParseRoute(%q) accepted it", bad)
		}
	}
}

func TestRoute(t *testing.T) {
	g := mustNew(t, Options{Routes: []string{
		"app.test / http://127.0.0.1:9000 signed_in",
		"app.test /api http://127.0.0.1:9001/v1 public header=X-Env:test",
	}})
	for path, want := range map[string]string{"/": "app.test ", "/x": "app.test ", "/api": "app.test /api", "/api/a": "app.test /api", "/apix": "app.test ", "/API/a": "app.test /api"} {
		rt := g.Route("app.test", path)
		if rt == nil || rt.Name != want && !(want == "app.test " && rt.Name == "app.test /") {
			t.Errorf("Route(%s) = %v, want %q", path, rt, want)
		}
	}
	if g.Route("other.test", "/") != nil {
		t.Error("a route for another host")
	}
	if r := g.Match("app.test", "/api/x"); r.Access != Public {
		t.Errorf("the route's rule: %q", r.Text)
	}
}
