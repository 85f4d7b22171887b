package e2e

import (
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gatehouse/gatehouse/internal/config"
)

const caddyDoc = "../../docs/integration-caddy.md"

// TestCaddyIntegration runs the Caddyfile of docs/integration-caddy.md (Debian's caddy) in
// front of an upstream that echoes what it receives.
func TestCaddyIntegration(t *testing.T) {
	if _, err := exec.LookPath("caddy"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("caddy is missing; scripts/services.sh installs it")
		}
		t.Skip("caddy is not installed (scripts/services.sh installs it)")
	}
	const appHost = "app.gatehouse.test"
	up := newEchoUpstream(t)
	var rules []string
	for _, line := range strings.Split(docBlock(t, caddyDoc, "yaml"), "\n") {
		if r, ok := strings.CutPrefix(strings.TrimSpace(line), `- "app.example.com `); ok {
			rules = append(rules, appHost+" "+strings.TrimSuffix(r, `"`))
		}
	}
	srv := startServerTB(t, func(*config.Config) {}, func(c *config.Config) { c.Gateway.Rules = rules })
	addr := freePort(t)
	_, port, _ := net.SplitHostPort(addr)
	conf := docBlock(t, caddyDoc, "caddyfile")
	for old, repl := range map[string]string{
		"app.example.com {": "http://" + appHost + ":" + port + " {\n\tbind 127.0.0.1",
		"127.0.0.1:8080":    srv.Addr(),
		"127.0.0.1:3000":    strings.TrimPrefix(up.URL, "http://"),
	} {
		if !strings.Contains(conf, old) {
			t.Fatalf("the document's Caddyfile has no %q", old)
		}
		conf = strings.ReplaceAll(conf, old, repl)
	}
	dir := t.TempDir()
	conf = "{\n\tadmin off\n}\n" + conf
	if err := os.WriteFile(filepath.Join(dir, "Caddyfile"), []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("caddy", "run", "--config", filepath.Join(dir, "Caddyfile"), "--adapter", "caddyfile")
	cmd.Env = append(os.Environ(), "HOME="+dir, "XDG_DATA_HOME="+dir, "XDG_CONFIG_HOME="+dir)
	startDaemon(t, cmd, addr, "", false)

	get := func(path string, hdr ...string) (*http.Response, string) {
		t.Helper()
		req, _ := http.NewRequest("GET", "http://"+addr+path, nil)
		req.Host = appHost + ":" + port
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}

	resp, _ := get("/reports?x=1", "Accept", "text/html")
	want := loginFor(srv, "http://"+appHost+":"+port+"/reports?x=1")
	if resp.StatusCode != 302 || resp.Header.Get("Location") != want {
		t.Fatalf("browser signed out: %d %q, want %q", resp.StatusCode, resp.Header.Get("Location"), want)
	}
	if resp, _ := get("/reports", "Accept", "application/json"); resp.StatusCode != 401 || resp.Header.Get("X-Auth-Login-URL") == "" {
		t.Fatalf("API client signed out: %d", resp.StatusCode)
	}
	spoof := []string{"X-Auth-User", "smith", "X-Auth-Roles", "ADMIN"}
	if resp, body := get("/static/app.css", spoof...); resp.StatusCode != 200 || decodeEcho(t, body).Header.Get("X-Auth-User") != "" {
		t.Fatalf("public path with spoofed headers: %d %s", resp.StatusCode, body)
	}

	jack, smith := srv.client("", "Firefox/1"), srv.client("", "Firefox/1")
	jack.mustLogin("jack", "jack123", nil)
	smith.mustLogin("smith", "smith123", nil)
	resp, body := get("/reports", append(spoof, "Cookie", sessionCookie(jack))...)
	if e := decodeEcho(t, body); resp.StatusCode != 200 || e.Header.Get("X-Auth-User") != "jack" || e.Header.Get("X-Auth-Roles") != "USER" {
		t.Fatalf("jack: %d %s", resp.StatusCode, body)
	}
	if resp, _ := get("/static/../admin/x", "Cookie", sessionCookie(jack)); resp.StatusCode != 403 {
		t.Fatalf("jack on /admin: %d", resp.StatusCode)
	}
	if resp, body := get("/admin/x", "Cookie", sessionCookie(smith)); resp.StatusCode != 200 || decodeEcho(t, body).Header.Get("X-Auth-Roles") != "ADMIN" {
		t.Fatalf("smith on /admin: %d %s", resp.StatusCode, body)
	}
	expect(t, jack.do("POST", "/api/auth/logout", nil), 200, 0, "logout")
	if resp, _ := get("/reports", "Cookie", sessionCookie(jack), "Accept", "text/html"); resp.StatusCode != 302 {
		t.Fatalf("after logout: %d", resp.StatusCode)
	}
}
