package e2e

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gatehouse/gatehouse/internal/config"
)

// echoUpstream answers with the request it got as JSON; /stream sends a first chunk, then
// waits for release before the last; /ws upgrades and echoes lines.
type echoUpstream struct {
	*httptest.Server
	release chan struct{}
}

type echoed struct {
	Method string
	Host   string
	Path   string
	Query  string
	Header http.Header
}

func newEchoUpstream(t testing.TB) *echoUpstream {
	u := &echoUpstream{release: make(chan struct{})}
	u.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/stream":
			w.Header().Set("Content-Type", "text/event-stream")
			io.WriteString(w, "data: first\n\n")
			http.NewResponseController(w).Flush()
			<-u.release
			io.WriteString(w, "data: last\n\n")
		case "/ws":
			if !strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
				http.Error(w, "upgrade required", http.StatusUpgradeRequired)
				return
			}
			conn, brw, err := http.NewResponseController(w).Hijack()
			if err != nil {
				return
			}
			defer conn.Close()
			fmt.Fprintf(brw, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nX-Seen-User: %s\r\n\r\n", r.Header.Get("X-Auth-User"))
			brw.Flush()
			for {
				line, err := brw.ReadString('\n')
				if err != nil {
					return
				}
				brw.WriteString("echo: " + line)
				brw.Flush()
			}
		default:
			w.Header().Set("Content-Type", "application/json")
			json.NewEncoder(w).Encode(echoed{r.Method, r.Host, r.URL.EscapedPath(), r.URL.RawQuery, r.Header})
		}
	}))
	t.Cleanup(u.Close)
	return u
}

func proxyServer(t *testing.T, up *echoUpstream) *server {
	return startServerTB(t, func(*config.Config) {}, func(c *config.Config) {
		c.Gateway.Routes = []string{
			"app.test / " + up.URL + " signed_in system=demo header=X-Env:test",
			"app.test /admin " + up.URL + " role=demo:ADMIN",
			"app.test /api " + up.URL + "/v1 public system=demo",
			"down.test / http://127.0.0.1:1 public",
		}
		c.Gateway.Rules = []string{"app.test /api/private/** signed_in system=demo"}
	})
}

// through sends a request for host through the App's listener.
func through(t *testing.T, srv *server, method, host, path string, hdr ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL()+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Host = host
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Add(hdr[i], hdr[i+1])
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

func decodeEcho(t *testing.T, body string) echoed {
	t.Helper()
	var e echoed
	if err := json.Unmarshal([]byte(body), &e); err != nil {
		t.Fatalf("not the upstream's echo: %s", body)
	}
	return e
}

func TestProxyIdentityAndRules(t *testing.T) {
	up := newEchoUpstream(t)
	srv := proxyServer(t, up)
	jack, smith := srv.client("", "Firefox/1"), srv.client("", "Firefox/1")
	jack.mustLogin("jack", "jack123", nil)
	smith.mustLogin("smith", "smith123", nil)

	resp, _ := through(t, srv, "GET", "app.test", "/reports?q=1", "Accept", "text/html")
	if resp.StatusCode != 302 || resp.Header.Get("Location") != loginFor(srv, "http://app.test/reports?q=1") {
		t.Fatalf("signed-out browser: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, _ = through(t, srv, "GET", "app.test", "/reports")
	if resp.StatusCode != 401 || resp.Header.Get("X-Auth-Login-URL") == "" {
		t.Fatalf("signed-out API client: %d", resp.StatusCode)
	}

	spoof := []string{"X-Auth-User", "smith", "X-Auth-Roles", "ADMIN", "x-auth-extra", "1", "Cookie", sessionCookie(jack) + "; theme=dark"}
	resp, body := through(t, srv, "GET", "app.test", "/reports/a%20b?q=1", spoof...)
	e := decodeEcho(t, body)
	if resp.StatusCode != 200 || e.Header.Get("X-Auth-User") != "jack" || e.Header.Get("X-Auth-Roles") != "USER" ||
		e.Header.Get("X-Auth-Permissions") != "demo:article:read" || e.Header.Get("X-Env") != "test" {
		t.Fatalf("jack through the proxy: %d %+v", resp.StatusCode, e)
	}
	if e.Header.Get("X-Auth-Extra") != "" || len(e.Header.Values("X-Auth-User")) != 1 {
		t.Fatalf("a client's X-Auth-* header reached the upstream: %v", e.Header)
	}
	if c := e.Header.Get("Cookie"); c != "theme=dark" {
		t.Fatalf("upstream saw the cookies %q; want the session cookie removed", c)
	}
	if e.Host != "app.test" || e.Path != "/reports/a%20b" || e.Query != "q=1" || e.Header.Get("X-Forwarded-Host") != "app.test" {
		t.Fatalf("upstream request %+v", e)
	}

	for _, p := range []string{"/admin", "/admin/x", "//admin", "/x/../admin", "/%61dmin", "/ADMIN"} {
		if resp, _ := through(t, srv, "GET", "app.test", p, "Cookie", sessionCookie(jack)); resp.StatusCode != 403 {
			t.Errorf("jack on %s: %d", p, resp.StatusCode)
		}
		resp, body := through(t, srv, "GET", "app.test", p, "Cookie", sessionCookie(smith))
		if resp.StatusCode != 200 || !strings.EqualFold(strings.TrimSuffix(decodeEcho(t, body).Path, "/x"), "/admin") {
			t.Errorf("smith on %s: %d %s", p, resp.StatusCode, body)
		}
	}
	if resp, _ := through(t, srv, "GET", "app.test", "/x/..%2Fadmin", "Cookie", sessionCookie(smith)); resp.StatusCode != 403 {
		t.Errorf("encoded slash: %d", resp.StatusCode)
	}

	// The upstream gets the normal path it was checked under, and the route's path prefix.
	resp, body = through(t, srv, "GET", "app.test", "/api/../api/%69tems")
	if e := decodeEcho(t, body); resp.StatusCode != 200 || e.Path != "/v1/items" || e.Header.Get("X-Auth-User") != "" {
		t.Fatalf("public route: %d %+v", resp.StatusCode, e)
	}
	if resp, _ := through(t, srv, "GET", "app.test", "/api/private/x"); resp.StatusCode != 401 {
		t.Fatalf("a rule before the route's: %d", resp.StatusCode)
	}

	// Gatehouse's own routes on its own host are untouched.
	expect(t, jack.do("GET", "/api/me", nil), 200, 0, "me on the center")

	resp, body = through(t, srv, "GET", "down.test", "/x", "Accept", "text/html")
	if resp.StatusCode != 502 || !strings.Contains(body, "Bad gateway") || !strings.Contains(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("upstream down: %d %s", resp.StatusCode, body)
	}

	if n := proxyCount(t, srv, "app.test /admin", "403"); n < 6 {
		t.Errorf("gatehouse_proxy_requests_total{route=app.test /admin,status=403} = %v", n)
	}
	if n := proxyCount(t, srv, "down.test /", "502"); n != 1 {
		t.Errorf("502 counted %v times", n)
	}
}

func TestProxyStreamingAndWebSocket(t *testing.T) {
	up := newEchoUpstream(t)
	srv := proxyServer(t, up)
	jack := srv.client("", "Firefox/1")
	jack.mustLogin("jack", "jack123", nil)

	// Streaming: the first chunk arrives while the upstream still holds the answer open.
	req, _ := http.NewRequest("GET", srv.URL()+"/stream", nil)
	req.Host = "app.test"
	req.Header.Set("Cookie", sessionCookie(jack))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	br := bufio.NewReader(resp.Body)
	if line, err := br.ReadString('\n'); err != nil || line != "data: first\n" {
		t.Fatalf("first chunk %q %v", line, err)
	}
	close(up.release)
	rest, _ := io.ReadAll(br)
	if !strings.Contains(string(rest), "data: last") {
		t.Fatalf("rest %q", rest)
	}

	// WebSocket: the upgrade passes, then bytes flow both ways.
	conn, err := net.Dial("tcp", srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "GET /ws HTTP/1.1\r\nHost: app.test\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nCookie: %s\r\nX-Auth-User: smith\r\n\r\n", sessionCookie(jack))
	rd := bufio.NewReader(conn)
	wsResp, err := http.ReadResponse(rd, nil)
	if err != nil {
		t.Fatal(err)
	}
	if wsResp.StatusCode != 101 || wsResp.Header.Get("X-Seen-User") != "jack" {
		t.Fatalf("upgrade: %d %v", wsResp.StatusCode, wsResp.Header)
	}
	for _, msg := range []string{"hello\n", "again\n"} {
		io.WriteString(conn, msg)
		if got, err := rd.ReadString('\n'); err != nil || got != "echo: "+msg {
			t.Fatalf("echo %q %v", got, err)
		}
	}

	// A signed-out upgrade is refused before it reaches the upstream.
	conn2, err := net.Dial("tcp", srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer conn2.Close()
	io.WriteString(conn2, "GET /ws HTTP/1.1\r\nHost: app.test\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n")
	if r2, err := http.ReadResponse(bufio.NewReader(conn2), nil); err != nil || r2.StatusCode != 401 {
		t.Fatalf("signed-out upgrade: %v %v", r2, err)
	}
}

// proxyCount reads gatehouse_proxy_requests_total{route,status} from the App's registry.
func proxyCount(t *testing.T, srv *server, route, status string) float64 {
	t.Helper()
	mfs, err := srv.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != "gatehouse_proxy_requests_total" {
			continue
		}
		for _, m := range mf.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if labels["route"] == route && labels["status"] == status {
				return m.GetCounter().GetValue()
			}
		}
	}
	return 0
}
