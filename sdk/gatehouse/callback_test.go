package gatehouse

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"
)

// TestCallback walks one sign-in against a stand-in for /sso/validate that checks what the
// center checks of the SDK's request: Basic credentials, ticket, redirect URI, PKCE verifier.
// (The real center is exercised end to end in internal/e2e.)
func TestCallback(t *testing.T) {
	var challenge string
	center := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body map[string]string
		json.NewDecoder(r.Body).Decode(&body)
		id, secret, _ := r.BasicAuth()
		if r.URL.Path != "/sso/validate" || id != "shop" || secret != "s3cret" || body["ticket"] != "T1" ||
			body["redirect_uri"] != "http://shop.test/sso/callback" || pkceChallenge(body["code_verifier"]) != challenge {
			w.WriteHeader(http.StatusBadRequest)
			json.NewEncoder(w).Encode(map[string]any{"code": 40000, "msg": "invalid ticket"})
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"code": 0, "msg": "ok", "data": map[string]any{
			"user":  map[string]any{"id": "u1", "username": "danny", "display_name": "Danny", "email": "d@example.com", "status": "active"},
			"roles": []string{"EDITOR"}, "permissions": []string{"shop:article:*"}, "sid": "sid-1",
			"session_expires_at": time.Now().Add(time.Hour), "access_token": "at", "token_type": "Bearer", "expires_in": 1800,
		}})
	}))
	t.Cleanup(center.Close)
	c := newTestClient(t, center.URL, nil)
	h := c.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u := UserFrom(r.Context())
		w.Write([]byte(u.Username + " " + u.DisplayName + " " + u.SessionID))
	}))
	must(t, c.Store().Save(context.Background(), sessionKey("previous"), &Session{User: User{SessionID: "sid-0"}}, time.Now().Add(time.Hour)))

	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "http://shop.test/orders?id=7", nil))
	loc, _ := url.Parse(rec.Header().Get("Location"))
	challenge = loc.Query().Get("code_challenge")
	state := loc.Query().Get("state")
	stateCookie := rec.Result().Cookies()[0]

	callback := func(query string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("GET", "http://shop.test/sso/callback?"+query, nil)
		req.AddCookie(stateCookie)
		req.AddCookie(&http.Cookie{Name: "gh_shop", Value: "previous"})
		h.ServeHTTP(rec, req)
		return rec
	}
	if rec := callback("state=" + state + "&error=login_required"); rec.Code != http.StatusUnauthorized {
		t.Fatalf("error from the center: %d", rec.Code)
	}
	if rec := callback("state=" + state + "&ticket=T2"); rec.Code != http.StatusUnauthorized {
		t.Fatalf("refused ticket: %d", rec.Code)
	}
	rec = callback("state=" + state + "&ticket=T1")
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/orders?id=7" {
		t.Fatalf("callback: %d %s %s", rec.Code, rec.Header().Get("Location"), rec.Body)
	}
	var session *http.Cookie
	for _, ck := range rec.Result().Cookies() {
		if ck.Name == "gh_shop" {
			session = ck
		}
	}
	if session == nil || session.Value == "previous" || !session.HttpOnly || session.SameSite != http.SameSiteLaxMode || session.Path != "/" || session.Secure {
		t.Fatalf("session cookie %+v", session)
	}
	if s, _ := c.Store().Get(context.Background(), sessionKey("previous")); s != nil {
		t.Fatal("the previous session outlived a new sign-in")
	}
	rec = httptest.NewRecorder()
	req := httptest.NewRequest("GET", "http://shop.test/orders?id=7", nil)
	req.AddCookie(session)
	h.ServeHTTP(rec, req)
	if rec.Code != 200 || rec.Body.String() != "danny Danny sid-1" {
		t.Fatalf("signed in: %d %q", rec.Code, rec.Body)
	}
	// Sign-out: local session gone, browser sent to the center's /sso/logout.
	rec = httptest.NewRecorder()
	req = httptest.NewRequest("GET", "http://shop.test/sso/logout", nil)
	req.AddCookie(session)
	h.ServeHTTP(rec, req)
	want := center.URL + "/sso/logout?redirect_uri=" + url.QueryEscape("http://shop.test/") + "&system=shop"
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != want {
		t.Fatalf("logout: %d %s", rec.Code, rec.Header().Get("Location"))
	}
	if s, _ := c.Store().Get(context.Background(), sessionKey(session.Value)); s != nil {
		t.Fatal("the local session outlived sign-out")
	}
}
