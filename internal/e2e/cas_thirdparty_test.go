package e2e

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/gatehouse/gatehouse/internal/domain"
)

const (
	casDoc         = "../../docs/integration-cas.md"
	modAuthCASPath = "/usr/lib/apache2/modules/mod_auth_cas.so"
)

// requireApache skips the test when Apache httpd or mod_auth_cas is missing, or fails it
// under CI=true, where scripts/services.sh installs both.
func requireApache(t *testing.T) {
	t.Helper()
	_, err := exec.LookPath("apache2")
	if err == nil {
		_, err = os.Stat(modAuthCASPath)
	}
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("Apache httpd with mod_auth_cas is missing (%v); scripts/services.sh installs it", err)
		}
		t.Skipf("Apache httpd with mod_auth_cas is not installed (scripts/services.sh installs it): %v", err)
	}
}

// startApache runs apache2 in the foreground (-X) with the mod_auth_cas block of
// docs/integration-cas.md, pointed at center, until the test ends. It listens on addr and
// serves two static pages: /wiki/page (any signed-in user) and /wiki/admin/page (role ADMIN).
func startApache(t *testing.T, center, addr string) {
	t.Helper()
	// Apache started as root drops to an unprivileged user, which must reach its files: a
	// directory of its own under the system's temporary directory, not the test's (mode 0700).
	dir, err := os.MkdirTemp("", "gatehouse-apache-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	for _, d := range []string{"cas", "htdocs/wiki/admin"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range []string{"wiki/page", "wiki/admin/page"} {
		if err := os.WriteFile(filepath.Join(dir, "htdocs", p), []byte("page "+p+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	runAs := ""
	if os.Getuid() == 0 {
		nobody, err := user.Lookup("nobody")
		if err != nil {
			t.Fatal(err)
		}
		uid, _ := strconv.Atoi(nobody.Uid)
		gid, _ := strconv.Atoi(nobody.Gid)
		if err := os.Chown(filepath.Join(dir, "cas"), uid, gid); err != nil {
			t.Fatal(err)
		}
		runAs = fmt.Sprintf("User #%d\nGroup #%d\n", uid, gid)
	}
	if err := os.Chmod(filepath.Join(dir, "cas"), 0o700); err != nil {
		t.Fatal(err)
	}

	cas := docBlock(t, casDoc, "apache")
	for old, repl := range map[string]string{
		"https://sso.example.com":          center,
		"/var/cache/apache2/mod_auth_cas/": filepath.Join(dir, "cas") + "/",
	} {
		if !strings.Contains(cas, old) {
			t.Fatalf("the document's mod_auth_cas block has no %q", old)
		}
		cas = strings.ReplaceAll(cas, old, repl)
	}
	mods := "/usr/lib/apache2/modules/"
	conf := runAs + `ServerRoot ` + dir + `
ServerName localhost
Listen ` + addr + `
PidFile ` + dir + `/httpd.pid
Mutex file:` + dir + `
ErrorLog ` + dir + `/error.log
LogLevel warn auth_cas:debug
LoadModule mpm_event_module ` + mods + `mod_mpm_event.so
LoadModule authn_core_module ` + mods + `mod_authn_core.so
LoadModule authz_core_module ` + mods + `mod_authz_core.so
LoadModule authz_user_module ` + mods + `mod_authz_user.so
CASDebug On
DocumentRoot ` + dir + `/htdocs
` + cas
	if err := os.WriteFile(filepath.Join(dir, "httpd.conf"), []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("apache2", "-X", "-d", dir, "-f", filepath.Join(dir, "httpd.conf"))
	startDaemon(t, cmd, addr, filepath.Join(dir, "error.log"), true)
}

// apacheBrowser is a browser with one cookie jar; it does not follow redirects unless asked,
// and remembers every ticket it carried to the service.
type apacheBrowser struct {
	t       *testing.T
	http    *http.Client
	follow  bool
	tickets []string
}

func newApacheBrowser(t *testing.T) *apacheBrowser {
	jar, _ := cookiejar.New(nil)
	b := &apacheBrowser{t: t}
	b.http = &http.Client{Jar: jar, CheckRedirect: func(req *http.Request, _ []*http.Request) error {
		if tk := req.URL.Query().Get("ticket"); tk != "" {
			b.tickets = append(b.tickets, tk)
		}
		if !b.follow {
			return http.ErrUseLastResponse
		}
		return nil
	}}
	return b
}

// open fetches u, following redirects when follow is set; the body is read.
func (b *apacheBrowser) open(u string, follow bool) (*http.Response, string) {
	b.t.Helper()
	b.follow = follow
	resp, err := b.http.Get(u)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

// signInVia opens the protected page u anonymously (sent to the center's /cas/login with u as
// the service), signs in at the center as user, and follows the way back to u.
func (b *apacheBrowser) signInVia(center, u, user, pw string) *http.Response {
	b.t.Helper()
	resp, _ := b.open(u, false)
	loc := mustURL(b.t, resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusFound || loc.Path != "/cas/login" || loc.Query().Get("service") != u {
		b.t.Fatalf("anonymous %s: %d to %s, want the center's /cas/login?service=%s", u, resp.StatusCode, loc, u)
	}
	resp, _ = b.open(loc.String(), true)
	if resp.Request.URL.Path != "/login" {
		b.t.Fatalf("without a session /cas/login led to %s, want the login page", resp.Request.URL)
	}
	(&casBrowser{t: b.t, http: b.http}).signIn(center, user, pw)
	resp, body := b.open(loc.String(), true)
	for _, tk := range b.tickets {
		// CAS 3.0 §3.7: tickets hold only A-Z, a-z, 0-9 and "-"; mod_auth_cas ignores others.
		if strings.Trim(tk, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-") != "" {
			b.t.Fatalf("the center issued ticket %q, with characters outside [A-Za-z0-9-] (CAS 3.0 §3.7)", tk)
		}
	}
	if resp.StatusCode != http.StatusOK || resp.Request.URL.String() != u {
		b.t.Fatalf("after sign-in as %s: %d at %s: %s", user, resp.StatusCode, resp.Request.URL, body)
	}
	return resp
}

// logoutRelay stands between the center and Apache's logout URL and reports the status of every
// SAML LogoutRequest Apache answered, so the test knows when single logout has arrived.
// mod_auth_cas drops the session and then answers as to any request without its cookie: 302.
func logoutRelay(t *testing.T, apache string) (*httptest.Server, <-chan int) {
	target := mustURL(t, apache)
	proxy := httputil.NewSingleHostReverseProxy(target)
	done := make(chan int, 16)
	proxy.ModifyResponse = func(resp *http.Response) error {
		if resp.Request.Header.Get("X-Logout-Request") != "" {
			done <- resp.StatusCode
		}
		return nil
	}
	relay := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Host = target.Host
		if r.Method == http.MethodPost && r.ParseForm() == nil && r.PostForm.Get("logoutRequest") != "" {
			body := r.PostForm.Encode()
			r.Body, r.ContentLength = io.NopCloser(strings.NewReader(body)), int64(len(body))
			r.Header.Set("X-Logout-Request", "1")
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(relay.Close)
	return relay, done
}

// TestCASModAuthCAS: Apache httpd with Apereo's mod_auth_cas (Debian's package, configured as
// docs/integration-cas.md shows) completes login, validation with attributes, attribute-based
// authorisation and single logout against the real App's /cas/.
func TestCASModAuthCAS(t *testing.T) {
	requireApache(t)
	srv := startServer(t, backends[0], nil)
	center := srv.URL()
	addr := freePort(t)
	_, port, _ := net.SplitHostPort(addr)
	app := "http://localhost:" + port // another host name than the center's 127.0.0.1
	page, adminPage := app+"/wiki/page", app+"/wiki/admin/page"
	relay, loggedOut := logoutRelay(t, app)

	ctx := context.Background()
	if _, err := srv.Identity.CreateSystem(ctx, cliActor, &domain.System{ID: "wiki", Name: "Wiki",
		RedirectURIs: []string{page, adminPage}, LogoutURL: relay.URL + "/wiki/page",
		Protocols: []string{domain.ProtocolCAS}}); err != nil {
		t.Fatal(err)
	}
	for _, r := range []string{"USER", "ADMIN"} {
		if err := srv.Identity.CreateRole(ctx, cliActor, &domain.Role{SystemID: "wiki", Name: r,
			Permissions: []string{"wiki:page:read"}}); err != nil {
			t.Fatal(err)
		}
	}
	grants := map[string][]string{"jack": {"USER"}, "smith": {"USER", "ADMIN"}}
	for name, roles := range grants {
		u, err := srv.Identity.User(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range roles {
			if err := srv.Identity.GrantRole(ctx, cliActor, u.ID, roleRef("wiki", r)); err != nil {
				t.Fatal(err)
			}
		}
	}
	startApache(t, center, addr)

	// Jack: sent to the center, signed in there, back with a ticket that Apache validated
	// server-to-server (it is used up), then served as jack with his roles.
	jack := newApacheBrowser(t)
	resp := jack.signInVia(center, page, "jack", "jack123")
	if got := resp.Header.Get("X-Remote-User"); got != "jack" {
		t.Fatalf("REMOTE_USER = %q, want jack", got)
	}
	if got := resp.Header.Get("X-CAS-Roles"); got != "USER" {
		t.Fatalf("roles attribute = %q, want USER", got)
	}
	if len(jack.tickets) != 1 || !strings.HasPrefix(jack.tickets[0], "ST-") {
		t.Fatalf("tickets carried to Apache: %q", jack.tickets)
	}
	v := url.Values{"service": {page}, "ticket": {jack.tickets[0]}}
	_, replay := newApacheBrowser(t).open(center+"/cas/p3/serviceValidate?"+v.Encode(), false)
	if !strings.Contains(replay, `code="INVALID_TICKET"`) {
		t.Fatalf("the ticket Apache validated is still valid: %s", replay)
	}
	if resp, body := jack.open(page, false); resp.StatusCode != http.StatusOK || !strings.Contains(body, "page wiki/page") {
		t.Fatalf("second visit: %d %s", resp.StatusCode, body)
	}

	// Require cas-attribute roles:ADMIN: jack (SSO, no prompt) is refused, smith admitted.
	if resp, body := jack.open(adminPage, true); resp.StatusCode != http.StatusUnauthorized && resp.StatusCode != http.StatusForbidden {
		t.Fatalf("jack on the admin page: %d at %s: %s", resp.StatusCode, resp.Request.URL, body)
	}
	smith := newApacheBrowser(t)
	resp = smith.signInVia(center, adminPage, "smith", "smith123")
	if got := resp.Header.Get("X-Remote-User"); got != "smith" {
		t.Fatalf("REMOTE_USER = %q, want smith", got)
	}
	if got := resp.Header.Get("X-CAS-Roles"); got != "ADMIN,USER" {
		t.Fatalf("smith's roles attribute = %q, want ADMIN,USER", got)
	}

	// Single logout: jack signs out at the center; the SAML LogoutRequest reaches Apache, which
	// drops his local session, so his next request goes to the center again. Smith stays.
	if resp, body := jack.open(center+"/cas/logout", true); resp.StatusCode != http.StatusOK || !strings.Contains(body, "signed out") {
		t.Fatalf("logout: %d %s", resp.StatusCode, body)
	}
	<-loggedOut
	if resp, _ := jack.open(page, false); resp.StatusCode != http.StatusFound || !strings.HasPrefix(resp.Header.Get("Location"), center+"/cas/login?") {
		t.Fatalf("after single logout jack's visit: %d to %q, want the center's /cas/login", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp, body := smith.open(adminPage, false); resp.StatusCode != http.StatusOK || resp.Header.Get("X-Remote-User") != "smith" {
		t.Fatalf("smith after jack's logout: %d %s", resp.StatusCode, body)
	}
}
