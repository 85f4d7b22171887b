package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gatehouse/gatehouse/internal/config"
)

const nginxDoc = "../../docs/integration-nginx.md"

// docBlock returns the first fenced block of the given language in a document.
func docBlock(t *testing.T, path, lang string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	_, after, ok := strings.Cut(string(b), "```"+lang+"\n")
	if !ok {
		t.Fatalf("%s has no %s block", path, lang)
	}
	block, _, _ := strings.Cut(after, "```\n")
	return block
}

// docRules are the gateway rules of the document's YAML, for host.
func docRules(t *testing.T, host string) []string {
	var rules []string
	for _, line := range strings.Split(docBlock(t, nginxDoc, "yaml"), "\n") {
		line = strings.TrimSpace(line)
		if r, ok := strings.CutPrefix(line, `- "app.example.com `); ok {
			rules = append(rules, host+" "+strings.TrimSuffix(r, `"`))
		}
	}
	if len(rules) == 0 {
		t.Fatal("no rules in the document")
	}
	return rules
}

// startNginx runs nginx with conf under dir until the test ends; it returns when nginx
// accepts connections on addr (or fails the test when nginx exits first).
func startNginx(t *testing.T, dir, conf, addr string) {
	t.Helper()
	for _, d := range []string{"logs", "tmp"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "nginx.conf"), []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("nginx", "-p", dir, "-c", filepath.Join(dir, "nginx.conf"),
		"-g", "daemon off; pid "+filepath.Join(dir, "nginx.pid")+"; error_log "+filepath.Join(dir, "logs", "error.log")+" warn;")
	startDaemon(t, cmd, addr, filepath.Join(dir, "logs", "error.log"), false)
}

// TestNginxIntegration runs the nginx.conf of docs/integration-nginx.md in front of an upstream
// that echoes what it receives, with the center and the protected host on one parent domain
// (gateway.cookie_domain), and walks a browser through it.
func TestNginxIntegration(t *testing.T) {
	if _, err := exec.LookPath("nginx"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("nginx is missing; scripts/services.sh installs it")
		}
		t.Skip("nginx is not installed (scripts/services.sh installs it)")
	}
	const parent, appHost, ssoHost = "gatehouse.test", "app.gatehouse.test", "sso.gatehouse.test"
	up := newEchoUpstream(t)
	srv := startServerTB(t, func(*config.Config) {}, func(c *config.Config) {
		c.Gateway.CookieDomain = parent
		c.Gateway.Rules = docRules(t, appHost)
	})
	nginxAddr := freePort(t)
	_, nginxPort, _ := net.SplitHostPort(nginxAddr)
	conf := docBlock(t, nginxDoc, "nginx")
	for old, repl := range map[string]string{
		"listen 80;":      "listen " + nginxAddr + ";",
		"127.0.0.1:8080":  srv.Addr(),
		"127.0.0.1:3000":  strings.TrimPrefix(up.URL, "http://"),
		"app.example.com": appHost,
		// Unprivileged runs keep nginx's files in the test's directory.
		"http {\n": "http {\n    access_log off;\n    client_body_temp_path tmp/body; proxy_temp_path tmp/proxy;\n    fastcgi_temp_path tmp/fastcgi; uwsgi_temp_path tmp/uwsgi; scgi_temp_path tmp/scgi;\n",
	} {
		if !strings.Contains(conf, old) {
			t.Fatalf("the document's nginx.conf has no %q", old)
		}
		conf = strings.ReplaceAll(conf, old, repl)
	}
	startNginx(t, t.TempDir(), conf, nginxAddr)

	_, centerPort, _ := net.SplitHostPort(srv.Addr())
	center := "http://" + ssoHost + ":" + centerPort
	app := "http://" + appHost + ":" + nginxPort
	browser := func() *http.Client {
		jar, _ := cookiejar.New(nil)
		dial := &net.Dialer{}
		return &http.Client{
			Jar:           jar,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
			Transport: &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
				_, port, _ := net.SplitHostPort(addr) // every *.gatehouse.test is this machine
				return dial.DialContext(ctx, network, "127.0.0.1:"+port)
			}},
		}
	}
	get := func(c *http.Client, u string, hdr ...string) (*http.Response, string) {
		t.Helper()
		req, _ := http.NewRequest("GET", u, nil)
		req.Header.Set("Accept", "text/html")
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	post := func(c *http.Client, u string, body any) map[string]any {
		t.Helper()
		j, _ := json.Marshal(body)
		resp, err := c.Post(u, "application/json", bytes.NewReader(j))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var e map[string]any
		json.NewDecoder(resp.Body).Decode(&e)
		if resp.StatusCode != 200 {
			t.Fatalf("POST %s: %d %v", u, resp.StatusCode, e)
		}
		return e
	}
	signIn := func(user, pw string) *http.Client {
		c := browser()
		post(c, center+"/api/auth/login", map[string]string{"username": user, "password": pw})
		return c
	}

	// Signed out: nginx sends the browser to the login page, with the way back.
	anon := browser()
	resp, _ := get(anon, app+"/reports?week=3")
	wantLogin := loginFor(srv, app+"/reports?week=3")
	if resp.StatusCode != 302 || resp.Header.Get("Location") != wantLogin {
		t.Fatalf("signed out: %d Location %q, want %q", resp.StatusCode, resp.Header.Get("Location"), wantLogin)
	}
	if resp, body := get(anon, app+"/static/app.css"); resp.StatusCode != 200 || decodeEcho(t, body).Header.Get("X-Auth-User") != "" {
		t.Fatalf("public path: %d %s", resp.StatusCode, body)
	}

	// Signed in at the center: the one cookie (Domain=gatehouse.test) reaches the app, and the
	// upstream sees the identity headers, never the client's own.
	jack := signIn("jack", "jack123")
	// The login page goes to its continue= path after sign-in: the return hop, back to the app.
	loc, _ := url.Parse(resp.Header.Get("Location"))
	if back, _ := get(jack, center+loc.Query().Get("continue")); back.StatusCode != 303 || back.Header.Get("Location") != app+"/reports?week=3" {
		t.Fatalf("return hop: %d %q", back.StatusCode, back.Header.Get("Location"))
	}
	resp, body := get(jack, app+"/reports", "X-Auth-User", "smith", "X-Auth-Roles", "ADMIN")
	if resp.StatusCode != 200 {
		t.Fatalf("jack: %d %s", resp.StatusCode, body)
	}
	e := decodeEcho(t, body)
	if e.Header.Get("X-Auth-User") != "jack" || e.Header.Get("X-Auth-Roles") != "USER" ||
		e.Header.Get("X-Auth-Permissions") != "demo:article:read" || e.Header.Get("X-Auth-User-Id") == "" || e.Header.Get("X-Auth-Session") == "" {
		t.Fatalf("the upstream saw %v", e.Header)
	}
	if e.Path != "/reports" || e.Host != appHost {
		t.Fatalf("the upstream got %+v", e)
	}

	// ADMIN: 403 for jack, 200 for smith; path tricks meet the same rule.
	smith := signIn("smith", "smith123")
	for _, p := range []string{"/admin/users", "/static/../admin/users", "/%61dmin/users", "/ADMIN/users"} {
		if resp, _ := get(jack, app+p); resp.StatusCode != 403 {
			t.Errorf("jack on %s: %d", p, resp.StatusCode)
		}
	}
	if resp, body := get(smith, app+"/admin/users"); resp.StatusCode != 200 || decodeEcho(t, body).Header.Get("X-Auth-Roles") != "ADMIN" {
		t.Fatalf("smith on /admin: %d %s", resp.StatusCode, body)
	}
	if resp, _ := get(jack, app+"/articles/7/edit"); resp.StatusCode != 403 {
		t.Errorf("jack editing: %d", resp.StatusCode)
	}
	if resp, _ := get(smith, app+"/articles/7/edit"); resp.StatusCode != 200 {
		t.Errorf("smith editing: %d", resp.StatusCode)
	}

	// An API client with a Bearer token works through nginx as well.
	tok := post(browser(), center+"/api/auth/login", map[string]string{"username": "danny", "password": "danny123"})
	access := tok["data"].(map[string]any)["token"].(map[string]any)["access_token"].(string)
	if resp, body := get(browser(), app+"/articles/7/edit", "Authorization", "Bearer "+access); resp.StatusCode != 200 ||
		decodeEcho(t, body).Header.Get("X-Auth-User") != "danny" {
		t.Fatalf("danny's token: %d %s", resp.StatusCode, body)
	}

	// Sign-out anywhere: jack at the center; smith's session ended from another of his devices.
	post(jack, center+"/api/auth/logout", nil)
	if resp, _ := get(jack, app+"/reports"); resp.StatusCode != 302 {
		t.Fatalf("after jack's logout: %d", resp.StatusCode)
	}
	smithCookie := ""
	u, _ := url.Parse(app)
	for _, ck := range smith.Jar.Cookies(u) {
		if ck.Name == "gatehouse_session" {
			smithCookie = ck.Value
		}
	}
	sid, _, _ := strings.Cut(smithCookie, ".")
	other := signIn("smith", "smith123")
	req, _ := http.NewRequest("DELETE", center+"/api/me/sessions", nil)
	if resp, err := other.Do(req); err != nil || resp.StatusCode != 200 {
		t.Fatalf("smith ends his other sessions: %v %v", resp, err)
	}
	if resp, _ := get(smith, app+"/admin/users"); resp.StatusCode != 302 {
		t.Fatalf("smith after his session %s was ended elsewhere: %d", sid, resp.StatusCode)
	}
}
