package app_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/app"
	"github.com/gatehouse/gatehouse/internal/config"
	"github.com/gatehouse/gatehouse/internal/testenv"
)

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func testConfig(t *testing.T) config.Config {
	t.Helper()
	cfg := config.Default()
	cfg.Addr = "127.0.0.1:0"
	cfg.DataDir = t.TempDir()
	cfg.Password.Argon2.MemoryKiB = 8 * 1024 // keep tests light; the default is benchmarked
	cfg.Password.Argon2.Iterations = 1
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	return cfg
}

// start opens and serves an App; it stops when the test ends.
func start(t *testing.T, cfg config.Config, out io.Writer) (*app.App, func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	a, err := app.Open(ctx, cfg, app.Options{Out: out, Logger: slog.New(slog.DiscardHandler)})
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
	var once sync.Once
	stop := func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("serve: %v", err)
			}
			a.Close()
		})
	}
	t.Cleanup(stop)
	return a, stop
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestZeroConfigServe(t *testing.T) {
	cfg := testConfig(t)
	out := &syncBuffer{}
	a, stop := start(t, cfg, out)
	if a.BootstrapPassword == "" || !strings.Contains(out.String(), a.BootstrapPassword) {
		t.Fatalf("the one-time password was not printed: %q", out.String())
	}
	for _, path := range []string{"/healthz", "/readyz"} {
		if code, body := get(t, a.URL()+path); code != 200 {
			t.Errorf("%s = %d %s", path, code, body)
		}
	}
	code, body := get(t, a.URL()+"/metrics")
	for _, want := range []string{"gatehouse_build_info", "gatehouse_http_requests_total", "gatehouse_kv_op_duration_seconds", "go_goroutines"} {
		if code != 200 || !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	code, body = get(t, a.URL()+"/api/no/such/thing")
	if code != 404 || !strings.Contains(body, `"code":40401`) {
		t.Errorf("unknown API path = %d %s", code, body)
	}
	for _, f := range []string{"gatehouse.db", "secret.key"} {
		if _, err := os.Stat(cfg.DataDir + "/" + f); err != nil {
			t.Errorf("data dir lacks %s: %v", f, err)
		}
	}
	stop()

	// A second start on the same data keeps the administrator and prints no password.
	out2 := &syncBuffer{}
	b, _ := start(t, cfg, out2)
	if b.BootstrapPassword != "" || strings.Contains(out2.String(), "one-time password") {
		t.Fatalf("second start printed a new password: %q", out2.String())
	}
	u, err := b.Identity.User(context.Background(), "admin")
	if err != nil {
		t.Fatal(err)
	}
	if ok, _, err := b.Hasher.Verify(context.Background(), a.BootstrapPassword, u.PasswordHash); err != nil || !ok {
		t.Fatalf("the printed password does not verify: %v", err)
	}
}

func TestBootstrapPasswordFromConfigAndDemo(t *testing.T) {
	cfg := testConfig(t)
	cfg.BootstrapAdminPassword = "correct horse battery staple"
	cfg.Demo = true
	out := &syncBuffer{}
	a, _ := start(t, cfg, out)
	if strings.Contains(out.String(), cfg.BootstrapAdminPassword) {
		t.Error("a configured password was printed")
	}
	ctx := context.Background()
	jack, err := a.Identity.User(ctx, "jack")
	if err != nil {
		t.Fatal(err)
	}
	if ok, rehash, err := a.Hasher.Verify(ctx, "jack123", jack.PasswordHash); !ok || !rehash || err != nil {
		t.Fatalf("jack's imported bcrypt hash: ok=%v rehash=%v err=%v", ok, rehash, err)
	}
	eff, err := a.Identity.Effective(ctx, jack.ID, "demo")
	if err != nil || !eff.Permissions.Allows("demo:article:read") || eff.Permissions.Allows("demo:article:edit") {
		t.Fatalf("jack's permissions: %v %v", eff.Permissions.Codes(), err)
	}
	smith, _ := a.Identity.User(ctx, "smith")
	if eff, _ := a.Identity.Effective(ctx, smith.ID, "demo"); !eff.Permissions.Allows("demo:user:delete") || eff.Roles[0] != "ADMIN" {
		t.Fatalf("smith's permissions: %v %v", eff.Roles, eff.Permissions.Codes())
	}
	admin, _ := a.Identity.User(ctx, "admin")
	if eff, _ := a.Identity.Effective(ctx, admin.ID, "demo"); !eff.Permissions.Allows("demo:anything:at:all") {
		t.Fatal("the super-admin does not reach the demo system")
	}
}

func TestGracefulShutdownFinishesInFlight(t *testing.T) {
	cfg := testConfig(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a, err := app.Open(ctx, cfg, app.Options{Out: io.Discard, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	entered := make(chan struct{})
	inner := a.Handler
	a.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			close(entered)
			time.Sleep(300 * time.Millisecond)
			io.WriteString(w, "finished")
			return
		}
		inner.ServeHTTP(w, r)
	})
	if err := a.Listen(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- a.Serve(ctx) }()
	got := make(chan string, 1)
	go func() {
		_, body := get(t, a.URL()+"/slow")
		got <- body
	}()
	<-entered
	cancel()
	if body := <-got; body != "finished" {
		t.Fatalf("in-flight request got %q", body)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if _, err := http.Get(a.URL() + "/healthz"); err == nil {
		t.Fatal("the server still answers after shutdown")
	}
}

func TestPostgresAndRedis(t *testing.T) {
	cfg := testConfig(t)
	cfg.DatabaseURL = testenv.PostgresURL(t)
	cfg.RedisURL = testenv.RedisURL(t)
	cfg.RedisKeyPrefix = testenv.Unique("t") + ":"
	a, _ := start(t, cfg, io.Discard)
	if a.SQL.Dialect() != "postgres" {
		t.Fatalf("dialect %s", a.SQL.Dialect())
	}
	for _, path := range []string{"/healthz", "/readyz"} {
		if code, body := get(t, a.URL()+path); code != 200 {
			t.Errorf("%s = %d %s", path, code, body)
		}
	}
}

// TestReadyzFollowsRedis stops a Redis of its own under a running Gatehouse and starts it again.
func TestReadyzFollowsRedis(t *testing.T) {
	testenv.RedisURL(t) // the suite needs Redis installed; this also fails under CI when it is not
	port := freePort(t)
	startRedis := func() *exec.Cmd {
		cmd := exec.Command("redis-server", "--port", fmt.Sprint(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 100; i++ {
			if c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port)); err == nil {
				c.Close()
				return cmd
			}
			time.Sleep(50 * time.Millisecond)
		}
		t.Fatal("redis-server did not start")
		return nil
	}
	redis := startRedis()
	t.Cleanup(func() { redis.Process.Kill(); redis.Wait() })

	cfg := testConfig(t)
	cfg.RedisURL = fmt.Sprintf("redis://127.0.0.1:%d/0", port)
	a, _ := start(t, cfg, io.Discard)
	if code, body := get(t, a.URL()+"/readyz"); code != 200 {
		t.Fatalf("readyz = %d %s", code, body)
	}
	redis.Process.Kill()
	redis.Wait()
	code, body := get(t, a.URL()+"/readyz")
	if code != 503 || !strings.Contains(body, `"failed":["session_store"]`) {
		t.Fatalf("with Redis down readyz = %d %s", code, body)
	}
	if code, _ := get(t, a.URL()+"/healthz"); code != 200 {
		t.Fatal("healthz must not depend on Redis")
	}
	redis = startRedis()
	var last string
	for i := 0; i < 100; i++ { // the client reconnects on its own; give it a moment
		if code, body := get(t, a.URL()+"/readyz"); code == 200 {
			return
		} else {
			last = body
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("readyz did not recover: %s", last)
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// TestServeTLS: with certificate and key files the server answers HTTPS itself.
func TestServeTLS(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile := dir+"/cert.pem", dir+"/key.pem"
	writeSelfSigned(t, certFile, keyFile)
	cfg := testConfig(t)
	cfg.TLS.CertFile, cfg.TLS.KeyFile = certFile, keyFile
	a, _ := start(t, cfg, io.Discard)
	if !strings.HasPrefix(a.URL(), "https://") {
		t.Fatalf("URL %s", a.URL())
	}
	pool := x509.NewCertPool()
	certPEM, _ := os.ReadFile(certFile)
	pool.AppendCertsFromPEM(certPEM)
	c := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	resp, err := c.Get(a.URL() + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.TLS == nil {
		t.Fatalf("healthz over TLS: %d", resp.StatusCode)
	}
	if hsts := resp.Header.Get("Strict-Transport-Security"); hsts == "" {
		t.Error("no HSTS over HTTPS")
	}
	// Plain HTTP to the TLS port is refused.
	if resp, err := http.Get(strings.Replace(a.URL(), "https://", "http://", 1) + "/healthz"); err == nil && resp.StatusCode == 200 {
		t.Fatal("plain HTTP answered on the TLS port")
	}
}

func writeSelfSigned(t *testing.T, certFile, keyFile string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, _ := x509.MarshalPKCS8PrivateKey(key)
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kder}), 0o600)
}
