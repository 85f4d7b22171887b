package demo

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"

	"github.com/gatehouse/gatehouse/internal/config"
)

// TestDemo runs the demo's assembly on random ports: both sub-systems answer, send an
// anonymous browser to the center, and after one sign-in at the center both show the user
// with the roles of the demo, on two hosts.
func TestDemo(t *testing.T) {
	cfg := config.Default()
	cfg.Addr = "127.0.0.1:0"
	cfg.DataDir = t.TempDir()
	cfg.BootstrapAdminPassword = "Bootstrap-Passw0rd-T3st"
	cfg.Password.Argon2.MemoryKiB = 8 * 1024
	cfg.Password.Argon2.Iterations = 1
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	d, err := Start(ctx, Options{Center: cfg, ShopAddr: "127.0.0.1:0", CMSAddr: "127.0.0.1:0"})
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- d.Serve(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
		d.Close()
	})
	if !strings.HasPrefix(d.Shop.URL, "http://127.0.0.1:") || !strings.HasPrefix(d.CMS.URL, "http://localhost:") {
		t.Fatalf("sub-systems at %s and %s, want two hosts", d.Shop.URL, d.CMS.URL)
	}
	for _, want := range []string{d.Center.URL() + "/login", d.Shop.URL, d.CMS.URL, "jack123", "danny123", "smith123"} {
		if !strings.Contains(d.Instructions(), want) {
			t.Errorf("instructions do not mention %s", want)
		}
	}

	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar}
	noFollow := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(c *http.Client, u string) (*http.Response, string) {
		t.Helper()
		resp, err := c.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	for _, s := range []*Site{d.Shop, d.CMS} {
		resp, body := get(noFollow, s.URL+"/")
		if resp.StatusCode != 200 || !strings.Contains(body, "Not signed in") || !strings.Contains(body, s.Other.URL) {
			t.Fatalf("%s home: %d %.200s", s.ID, resp.StatusCode, body)
		}
		resp, _ = get(noFollow, s.URL+"/user")
		loc, _ := url.Parse(resp.Header.Get("Location"))
		if resp.StatusCode != http.StatusFound || loc == nil || !strings.HasPrefix(loc.String(), d.Center.URL()+"/sso/login?") ||
			loc.Query().Get("system") != s.ID || loc.Query().Get("redirect_uri") != s.URL+"/sso/callback" {
			t.Fatalf("%s /user anonymous: %d %s", s.ID, resp.StatusCode, loc)
		}
	}

	// Sign in once at the center as smith, then both sub-systems know him as ADMIN.
	resp, _ := get(browser, d.Shop.URL+"/admin")
	if resp.Request.URL.Path != "/login" {
		t.Fatalf("shop /admin anonymous ended at %s", resp.Request.URL)
	}
	cont := resp.Request.URL.Query().Get("continue")
	login, err := browser.Post(d.Center.URL()+"/api/auth/login", "application/json",
		strings.NewReader(`{"username":"smith","password":"smith123"}`))
	if err != nil || login.StatusCode != 200 {
		t.Fatalf("sign-in: %v %v", err, login)
	}
	login.Body.Close()
	resp, body := get(browser, d.Center.URL()+cont)
	if resp.Request.URL.String() != d.Shop.URL+"/admin" || resp.StatusCode != 200 || !strings.Contains(body, `<td id="roles"><code>ADMIN</code>`) {
		t.Fatalf("shop /admin as smith: %s %d %.400s", resp.Request.URL, resp.StatusCode, body)
	}
	resp, body = get(browser, d.CMS.URL+"/editor")
	if resp.StatusCode != 200 || !strings.Contains(body, `<td id="username">smith</td>`) {
		t.Fatalf("cms /editor as smith: %s %d %.400s", resp.Request.URL, resp.StatusCode, body)
	}
	// Sign out at the CMS; the shop is signed out too.
	get(browser, d.CMS.URL+"/sso/logout")
	for {
		resp, _ = get(noFollow, d.Shop.URL+"/user")
		if resp.StatusCode == http.StatusFound {
			break
		}
	}
	if loc, _ := url.Parse(resp.Header.Get("Location")); loc == nil || loc.Path != "/sso/login" {
		t.Fatalf("shop after sign-out: %v", resp.Header.Get("Location"))
	}
}
