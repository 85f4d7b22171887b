package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/app"
	"github.com/gatehouse/gatehouse/internal/config"
	"github.com/gatehouse/gatehouse/internal/testenv"
)

// backend is one combination of stores the suites run against.
type backend struct {
	name  string
	setup func(t *testing.T, cfg *config.Config)
}

var backends = []backend{
	{"sqlite+memory", func(*testing.T, *config.Config) {}},
	{"postgres+redis", func(t *testing.T, cfg *config.Config) {
		cfg.DatabaseURL = testenv.PostgresURL(t)
		cfg.RedisURL = testenv.RedisURL(t)
		cfg.RedisKeyPrefix = testenv.Unique("t") + ":"
	}},
	{"sqlite+cluster", func(t *testing.T, cfg *config.Config) {
		cfg.RedisURL = "redis-cluster://" + strings.Join(testenv.RedisClusterAddrs(t), ",")
		cfg.RedisKeyPrefix = testenv.Unique("t") + ":"
	}},
}

// server is a running App and what the test observed of it.
type server struct {
	*app.App
	t      testing.TB
	sleeps *sleepLog
}

// sleepLog records the progressive delays instead of waiting them out.
type sleepLog struct {
	mu sync.Mutex
	d  []time.Duration
}

func (l *sleepLog) sleep(_ context.Context, d time.Duration) error {
	if d > 0 {
		l.mu.Lock()
		l.d = append(l.d, d)
		l.mu.Unlock()
	}
	return nil
}

func (l *sleepLog) take() []time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	d := l.d
	l.d = nil
	return d
}

func baseConfig(t testing.TB) config.Config {
	cfg := config.Default()
	cfg.Addr = "127.0.0.1:0"
	cfg.DataDir = t.TempDir()
	cfg.Demo = true
	cfg.BootstrapAdminPassword = "Bootstrap-Passw0rd-T3st"
	cfg.Password.Argon2.MemoryKiB = 8 * 1024
	cfg.Password.Argon2.Iterations = 1
	cfg.HTTP.TrustedProxies = []string{"127.0.0.1"} // tests play several clients through X-Forwarded-For
	return cfg
}

func startServer(t *testing.T, b backend, tweak func(*config.Config)) *server {
	t.Helper()
	return startServerTB(t, func(cfg *config.Config) { b.setup(t, cfg) }, tweak)
}

// startServerB starts a server for a benchmark (backends set up without a *testing.T).
func startServerB(tb *testing.B, b backend, tweak func(*config.Config)) *server {
	return startServerTB(tb, func(cfg *config.Config) { b.setup(nil, cfg) }, tweak)
}

func startServerTB(t testing.TB, setup func(*config.Config), tweak func(*config.Config)) *server {
	t.Helper()
	return startServerWith(t, setup, tweak, nil)
}

// startServerWith is startServerTB with the services reading now (nil: the wall clock).
func startServerWith(t testing.TB, setup func(*config.Config), tweak func(*config.Config), now func() time.Time) *server {
	t.Helper()
	cfg := baseConfig(t)
	setup(&cfg)
	if tweak != nil {
		tweak(&cfg)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	sl := &sleepLog{}
	a, err := app.Open(ctx, cfg, app.Options{Out: io.Discard, Logger: slog.New(slog.DiscardHandler), Sleep: sl.sleep, Now: now})
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	if err := a.Listen(); err != nil {
		cancel()
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- a.Serve(ctx) }()
	t.Cleanup(func() {
		cancel()
		<-done
		a.Close()
	})
	return &server{App: a, t: t, sleeps: sl}
}

// client is one browser or API client: its own cookies, User-Agent and address.
type client struct {
	t    testing.TB
	srv  *server
	http *http.Client
	ip   string
	ua   string
	// bearer, when set, is sent as the Authorization header.
	bearer string
}

func (s *server) client(ip, ua string) *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: s.t, srv: s, ip: ip, ua: ua, http: &http.Client{Jar: jar}}
}

// envelope is the native API's answer.
type envelope struct {
	Code   int             `json:"code"`
	Msg    string          `json:"msg"`
	Data   json.RawMessage `json:"data"`
	status int
	header http.Header
}

func (e envelope) decode(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(e.Data, v); err != nil {
		t.Fatalf("data %s: %v", e.Data, err)
	}
}

// do sends a request; body may be nil, a string (sent raw) or a value (sent as JSON).
func (c *client) do(method, path string, body any, hdr ...string) envelope {
	c.t.Helper()
	var rd io.Reader
	ct := ""
	switch b := body.(type) {
	case nil:
	case string:
		rd, ct = strings.NewReader(b), "application/json"
	default:
		j, _ := json.Marshal(b)
		rd, ct = bytes.NewReader(j), "application/json"
	}
	req, err := http.NewRequest(method, c.srv.URL()+path, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	req.Header.Set("User-Agent", c.ua)
	if c.ip != "" {
		req.Header.Set("X-Forwarded-For", c.ip)
	}
	if c.bearer != "" {
		req.Header.Set("Authorization", "Bearer "+c.bearer)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var e envelope
	if err := json.Unmarshal(raw, &e); err != nil {
		c.t.Fatalf("%s %s: not an envelope (%d): %s", method, path, resp.StatusCode, raw)
	}
	e.status, e.header = resp.StatusCode, resp.Header
	return e
}

// expect checks status and code of an answer.
func expect(t testing.TB, e envelope, status, code int, what string) {
	t.Helper()
	if e.status != status || e.Code != code {
		t.Fatalf("%s: got %d/%d %q %s, want %d/%d", what, e.status, e.Code, e.Msg, e.Data, status, code)
	}
}

type loginData struct {
	Token struct {
		AccessToken  string   `json:"access_token"`
		ExpiresIn    int      `json:"expires_in"`
		RefreshToken string   `json:"refresh_token"`
		Audience     []string `json:"audience"`
		Roles        []string `json:"roles"`
	} `json:"token"`
	Session struct {
		ID string `json:"id"`
	} `json:"session"`
	User struct {
		ID       string `json:"id"`
		Username string `json:"username"`
	} `json:"user"`
	Roles       []string `json:"roles"`
	Permissions []string `json:"permissions"`
}

func (c *client) login(user, pw string, extra map[string]any) (envelope, loginData) {
	c.t.Helper()
	body := map[string]any{"username": user, "password": pw}
	for k, v := range extra {
		body[k] = v
	}
	e := c.do("POST", "/api/auth/login", body)
	var d loginData
	if e.Code == 0 {
		e.decode(c.t, &d)
	}
	return e, d
}

func (c *client) mustLogin(user, pw string, extra map[string]any) loginData {
	c.t.Helper()
	e, d := c.login(user, pw, extra)
	expect(c.t, e, 200, 0, "login of "+user)
	return d
}

// cookie returns the named cookie the client holds for the server.
func (c *client) cookie(name string) string {
	req, _ := http.NewRequest("GET", c.srv.URL()+"/api/auth/refresh", nil)
	for _, ck := range c.http.Jar.Cookies(req.URL) {
		if ck.Name == name {
			return ck.Value
		}
	}
	return ""
}

// captchaAnswer fetches a captcha and reads its answer from the session store, as a person
// would read the image.
func (c *client) captchaAnswer() (string, string) {
	c.t.Helper()
	e := c.do("GET", "/api/captcha", nil)
	expect(c.t, e, 200, 0, "captcha")
	var d struct {
		ID    string `json:"captcha_id"`
		Image string `json:"image"`
	}
	e.decode(c.t, &d)
	if !strings.HasPrefix(d.Image, "data:image/png;base64,") {
		c.t.Fatalf("captcha image %.40q", d.Image)
	}
	v, err := c.srv.KV.Get(context.Background(), "captcha:"+d.ID)
	if err != nil {
		c.t.Fatal(err)
	}
	_, answer, _ := strings.Cut(string(v), ":")
	return d.ID, answer
}
