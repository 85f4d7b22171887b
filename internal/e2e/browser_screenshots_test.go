package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/gatehouse/gatehouse/internal/config"
)

// screenshot waits until the page's fonts are loaded and nothing is busy, then writes the
// viewport as dir/name.png.
func (b *browser) screenshot(ctx context.Context, dir, name string) {
	b.t.Helper()
	b.waitJS(ctx, "page settled for "+name, `document.readyState === "complete" && document.fonts.status === "loaded" && !document.querySelector("[aria-busy=true]")`)
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		b.fail("screenshot "+name, err)
	}
	path := filepath.Join(dir, name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
	b.t.Logf("wrote %s (%d bytes)", path, len(png))
}

// TestBrowserScreenshots takes the screenshots of the login page, the account page, the
// console's users page and its dashboard, in English and in Chinese, at 1280×800 (and the
// login page at phone width), into $GATEHOUSE_SCREENSHOTS (scripts/screenshots.sh:
// docs/screenshots) or a temporary directory.
func TestBrowserScreenshots(t *testing.T) {
	srv := startServer(t, backends[0], func(c *config.Config) {
		c.Login.PairCaptchaAfter, c.Login.PairDelayAfter, c.Login.PairLockAfter = 2, 3, 4
	})
	dir := screenshotDir(t)
	// Some history for the dashboard: sign-ins, failures and a lock.
	for i, who := range []string{"jack", "danny", "smith", "jack", "danny"} {
		srv.client(fmt.Sprintf("198.51.100.%d", i+1), "Firefox/140").mustLogin(who, who+"123", nil)
	}
	guesser := srv.client("203.0.113.9", "curl/8")
	for i := range 6 {
		var extra map[string]any
		if i >= 2 { // past the captcha threshold: the guesser solves it, and fails on
			id, answer := guesser.captchaAnswer()
			extra = map[string]any{"captcha_id": id, "captcha_answer": answer}
		}
		guesser.login("smith", fmt.Sprintf("guess-%d", i), extra)
	}
	b := newBrowser(t)
	center := mustURL(t, srv.URL()).Host

	for _, lang := range []string{"en", "zh"} {
		ctx := b.newPrivate()
		b.do(ctx, "viewport", chromedp.EmulateViewport(1280, 800))
		b.do(ctx, "open /login", chromedp.Navigate(srv.URL()+"/login"))
		b.setLanguage(ctx, lang)
		b.waitJS(ctx, "sign-in page ready", `!!document.querySelector("#username") && !!document.querySelector("#sign-in")`)
		b.screenshot(ctx, dir, "login-"+lang)

		if lang == "en" {
			b.do(ctx, "phone width", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
			b.do(ctx, "reload at phone width", chromedp.Reload())
			b.waitJS(ctx, "sign-in page ready", `!!document.querySelector("#sign-in")`)
			b.screenshot(ctx, dir, "login-phone-"+lang)
			b.do(ctx, "viewport", chromedp.EmulateViewport(1280, 800))
		}

		b.signInAt(ctx, srv, "/account", "admin", srv.Config.BootstrapAdminPassword)
		b.waitPath(ctx, center, "/account")
		b.waitJS(ctx, "account page loaded", `!!document.querySelector("[data-test=profile]") && document.querySelector("[data-test=profile]").innerText.includes("admin")`)
		b.screenshot(ctx, dir, "account-"+lang)

		b.do(ctx, "open the users page", chromedp.Navigate(srv.URL()+"/admin/users"))
		b.waitJS(ctx, "users listed", `document.querySelectorAll("[data-test=user-row]").length >= 4`)
		b.screenshot(ctx, dir, "admin-users-"+lang)

		b.do(ctx, "open the dashboard", chromedp.Navigate(srv.URL()+"/admin/dashboard"))
		b.waitJS(ctx, "charts drawn", `document.querySelectorAll("svg[data-test^=chart-]").length >= 1`)
		b.screenshot(ctx, dir, "admin-dashboard-"+lang)
	}
}
