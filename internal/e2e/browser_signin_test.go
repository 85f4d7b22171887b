package e2e

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/gatehouse/gatehouse/internal/config"
)

// lowCaptchaThresholds asks for a captcha after two failures of one (user, address) pair, and
// keeps delays and locks far away, so a browser test meets the captcha quickly.
func lowCaptchaThresholds(c *config.Config) {
	c.Login.PairCaptchaAfter = 2
	c.Login.PairDelayAfter = 50
	c.Login.PairLockAfter = 60
	c.Login.UserCaptchaAfter = 50
	c.Login.IPCaptchaAfter = 50
	c.Login.IPLockAfter = 100
}

// signInForm fills the sign-in page the tab shows and presses the button.
func (b *browser) signInForm(ctx context.Context, user, pw string) {
	b.t.Helper()
	b.fill(ctx, "#username", user)
	b.fill(ctx, "#password", pw)
	b.do(ctx, "press sign in", chromedp.Click(chromedp.CSS("#sign-in")))
}

// signInAt opens the center's sign-in page with continue and signs in.
func (b *browser) signInAt(ctx context.Context, srv *server, cont, user, pw string) {
	b.t.Helper()
	b.do(ctx, "open /login", chromedp.Navigate(srv.URL()+"/login?continue="+url.QueryEscape(cont)))
	b.signInForm(ctx, user, pw)
}

// TestBrowserSignIn: a wrong password shows its sentence in #login-error; after two failures
// the captcha appears (its refresh button brings another), and with its answer the right password signs in and the browser lands
// on continue. Off-site continue values end on /account, never off-site.
func TestBrowserSignIn(t *testing.T) {
	srv := startServer(t, backends[0], lowCaptchaThresholds)
	b := newBrowser(t)
	ctx := b.ctx
	center := mustURL(t, srv.URL()).Host

	b.do(ctx, "open /login", chromedp.Navigate(srv.URL()+"/login?continue="+url.QueryEscape("/api/me?system=demo")))
	if n := eval[int](b, ctx, `document.querySelectorAll("#captcha").length`); n != 0 {
		t.Fatal("the captcha shows before any failure")
	}
	b.signInForm(ctx, "jack", "not-his-password")
	b.waitText(ctx, "#login-error", "The username or password is incorrect.")
	failures := 1
	for eval[int](b, ctx, `document.querySelectorAll("#captcha").length`) == 0 {
		if failures++; failures > 5 {
			t.Fatal("no captcha after five failures (threshold 2)")
		}
		b.signInForm(ctx, "jack", "not-his-password")
		b.waitJS(ctx, "an answer shown", `document.querySelector("#login-error").textContent.trim() !== "" && !document.querySelector("#sign-in").disabled`)
	}
	if role := eval[string](b, ctx, `document.querySelector("#login-error").getAttribute("role")`); role != "alert" {
		t.Errorf(`#login-error role = %q, want "alert"`, role)
	}
	t.Logf("captcha after %d failed attempts; error shown: %q", failures, b.text(ctx, "#login-error"))

	// A wrong captcha answer is refused with its own sentence and a new image.
	b.fill(ctx, "#captcha", "00000")
	b.signInForm(ctx, "jack", "jack123")
	b.waitJS(ctx, "captcha refused", `(() => { const e = document.querySelector("#login-error"); `+
		`return !!e && /captcha|code/i.test(e.textContent) && !document.querySelector("#sign-in").disabled; })()`)

	// The refresh button brings another image.
	b.do(ctx, "captcha image shown", chromedp.WaitVisible(chromedp.CSS("#captcha-image")))
	first := b.captchaID(ctx, "")
	b.do(ctx, "refresh the captcha", chromedp.Click(chromedp.CSS("#captcha-refresh")))
	b.captchaID(ctx, first)

	answer := b.captchaAnswer(ctx, srv, "#captcha-image")
	b.fill(ctx, "#captcha", answer)
	b.signInForm(ctx, "jack", "jack123")
	b.waitPath(ctx, center, "/api/me")
	if body := b.bodyText(ctx); !strings.Contains(body, `"username":"jack"`) {
		t.Fatalf("after sign-in the continue page shows %.300s", body)
	}

	// Signed in: the sign-in page continues at once, and only to this site. (Each in a tab of
	// its own: a tab continues at once to one target at most once in ten seconds, against loops.)
	for _, cont := range []string{"//evil.test", "https://evil.test", "javascript:alert(1)", "/\\evil.test"} {
		tab := b.newTab()
		b.do(tab, "open /login with continue "+cont, chromedp.Navigate(srv.URL()+"/login?continue="+url.QueryEscape(cont)))
		b.waitPath(tab, center, "/account")
	}
	// And a person who signs in through the form with an off-site continue lands on /account.
	other := b.newPrivate()
	b.signInAt(other, srv, "https://evil.test/steal", "danny", "danny123")
	b.waitPath(other, center, "/account")
	if loc := b.location(other); !strings.HasPrefix(loc, srv.URL()+"/account") {
		t.Fatalf("off-site continue ended at %s", loc)
	}
}
