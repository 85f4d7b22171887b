package gatehouse

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// touchCenter answers /sso/touch as the center would, with a switchable answer, and counts calls.
type touchCenter struct {
	*httptest.Server
	alive   atomic.Bool
	broken  atomic.Bool
	touches atomic.Int32
}

func newTouchCenter(t *testing.T) *touchCenter {
	c := &touchCenter{}
	c.alive.Store(true)
	c.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if id, secret, _ := r.BasicAuth(); r.URL.Path != "/sso/touch" || id != "shop" || secret != "s3cret" {
			w.WriteHeader(http.StatusUnauthorized)
			json.NewEncoder(w).Encode(map[string]any{"code": 40100, "msg": "unknown system or wrong secret"})
			return
		}
		c.touches.Add(1)
		if c.broken.Load() {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		data := map[string]any{"alive": c.alive.Load(), "expires_at": time.Now().Add(time.Hour)}
		json.NewEncoder(w).Encode(map[string]any{"code": 0, "msg": "ok", "data": data})
	}))
	t.Cleanup(c.Close)
	return c
}

func newTestClient(t *testing.T, center string, mod func(*Config)) *Client {
	cfg := Config{CenterURL: center, SystemID: "shop", Secret: "s3cret", BaseURL: "http://shop.test",
		CookieSecret: []byte(strings.Repeat("k", 32))}
	if mod != nil {
		mod(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestNewListsEveryProblem(t *testing.T) {
	_, err := New(Config{CenterURL: "ftp://x", BaseURL: "shop", CookieSecret: []byte("short")})
	for _, want := range []string{"CenterURL", "BaseURL", "SystemID", "Secret", "CookieSecret"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("New: %v, want a problem with %s", err, want)
		}
	}
}

func TestTouch(t *testing.T) {
	center := newTouchCenter(t)
	var passive atomic.Bool
	now := time.Now()
	clock := func() time.Time { return now }
	c := newTestClient(t, center.URL, func(cfg *Config) {
		cfg.Now = clock
		cfg.Passive = func(*http.Request) bool { return passive.Load() }
	})
	h := c.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(UserFrom(r.Context()).Username))
	}))
	ctx := context.Background()
	must(t, c.Store().Save(ctx, sessionKey("cookie-1"), &Session{User: User{Username: "jack", SessionID: "sid-1"},
		ExpiresAt: now.Add(time.Hour), TouchedAt: now}, now.Add(time.Hour)))
	get := func() *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("GET", "http://shop.test/orders", nil)
		req.AddCookie(&http.Cookie{Name: "gh_shop", Value: "cookie-1"})
		h.ServeHTTP(rec, req)
		return rec
	}
	if rec := get(); rec.Code != 200 || rec.Body.String() != "jack" || center.touches.Load() != 0 {
		t.Fatalf("fresh session: %d %q, %d touches", rec.Code, rec.Body, center.touches.Load())
	}
	now = now.Add(2 * time.Minute)
	passive.Store(true)
	if get(); center.touches.Load() != 0 {
		t.Fatal("a passive request touched the center")
	}
	passive.Store(false)
	get()
	get()
	if n := center.touches.Load(); n != 1 {
		t.Fatalf("%d touches within TouchEvery, want 1", n)
	}
	now = now.Add(2 * time.Minute)
	center.broken.Store(true)
	if rec := get(); rec.Code != 200 {
		t.Fatalf("an unreachable center ended the session: %d", rec.Code)
	}
	center.broken.Store(false)
	center.alive.Store(false)
	if rec := get(); rec.Code != 200 {
		t.Fatalf("a failed touch is retried after TouchEvery, not at once: %d", rec.Code)
	}
	now = now.Add(2 * time.Minute)
	if rec := get(); rec.Code != http.StatusFound || !strings.HasPrefix(rec.Header().Get("Location"), center.URL+"/sso/login?") {
		t.Fatalf("dead global session: %d %s", rec.Code, rec.Header().Get("Location"))
	}
	if s, _ := c.Store().Get(ctx, sessionKey("cookie-1")); s != nil {
		t.Fatal("the local session outlived the global one")
	}
}

func TestCallbackRefusesBadState(t *testing.T) {
	now := time.Now()
	c := newTestClient(t, "http://center.test", func(cfg *Config) { cfg.Now = func() time.Time { return now } })
	h := c.Middleware(http.NotFoundHandler())
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "http://shop.test/orders?id=7", nil))
	loc, _ := url.Parse(rec.Header().Get("Location"))
	q := loc.Query()
	state := q.Get("state")
	if q.Get("code_challenge_method") != "S256" || len(q.Get("code_challenge")) != 43 || len(state) != 43 ||
		q.Get("redirect_uri") != "http://shop.test/sso/callback" || q.Get("system") != "shop" {
		t.Fatalf("login redirect %s", loc)
	}
	ck := rec.Result().Cookies()[0]
	if !ck.HttpOnly || ck.Path != "/sso/callback" || ck.SameSite != http.SameSiteLaxMode || ck.MaxAge <= 0 {
		t.Fatalf("state cookie %+v", ck)
	}
	callback := func(query string, cookies ...*http.Cookie) int {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("GET", "http://shop.test/sso/callback?"+query, nil)
		for _, c := range cookies {
			req.AddCookie(c)
		}
		h.ServeHTTP(rec, req)
		return rec.Code
	}
	tampered := *ck
	tampered.Value = strings.Replace(ck.Value, ".", "x.", 1)
	other := *ck
	other.Value = ck.Value[:len(ck.Value)-2] + "AA"
	for name, code := range map[string]int{
		"no cookie":        callback("ticket=T&state=" + state),
		"tampered payload": callback("ticket=T&state="+state, &tampered),
		"tampered mac":     callback("ticket=T&state="+state, &other),
		"other state":      callback("ticket=T&state="+state[:12]+strings.Repeat("x", 31), ck),
	} {
		if code != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", name, code)
		}
	}
	now = now.Add(stateTTL + time.Second)
	if code := callback("ticket=T&state="+state, ck); code != http.StatusBadRequest {
		t.Errorf("expired state: %d, want 400", code)
	}
}

func TestAnonymousAPICallGets401(t *testing.T) {
	c := newTestClient(t, "http://center.test", nil)
	h := c.Middleware(http.NotFoundHandler())
	for _, req := range []*http.Request{
		httptest.NewRequest("POST", "http://shop.test/orders", nil),
		func() *http.Request {
			r := httptest.NewRequest("GET", "http://shop.test/api/orders", nil)
			r.Header.Set("Accept", "application/json")
			return r
		}(),
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusUnauthorized {
			t.Errorf("%s %s Accept %q: %d, want 401", req.Method, req.URL, req.Header.Get("Accept"), rec.Code)
		}
	}
}

func TestLocalPath(t *testing.T) {
	for p, want := range map[string]bool{
		"/": true, "/orders?id=1": true, "//evil.test/": false, "/\\evil.test": false,
		"https://evil.test/": false, "evil": false, "": false, "/a\r\nSet-Cookie: x": false,
	} {
		if got := localPath(p); got != want {
			t.Errorf("localPath(%q) = %v, want %v", p, got, want)
		}
	}
}
