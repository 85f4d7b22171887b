package e2e

import (
	"context"
	"strings"
	"testing"
	"unicode"

	"github.com/chromedp/chromedp"
)

// hasHan reports whether s holds Chinese characters.
func hasHan(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.Is(unicode.Han, r) }) >= 0
}

// setLanguage switches the page's language with its select#lang, as a person does.
func (b *browser) setLanguage(ctx context.Context, lang string) {
	b.t.Helper()
	b.waitJS(ctx, "select#lang present", `!!document.querySelector("select#lang")`)
	b.do(ctx, "choose language "+lang, chromedp.Evaluate[chromedp.Void](`(() => {
		const s = document.querySelector("select#lang");
		s.value = `+jsString(lang)+`;
		s.dispatchEvent(new Event("change", {bubbles: true}));
	})()`))
	b.waitJS(ctx, "language "+lang+" in place", `document.querySelector("select#lang").value === `+jsString(lang))
}

// TestBrowserLanguage: the browser speaks English; switching select#lang to Chinese turns the
// page's texts and the API's error message Chinese; the choice outlives a reload; back to
// English works too.
func TestBrowserLanguage(t *testing.T) {
	srv := startServer(t, backends[0], nil)
	b := newBrowser(t)
	ctx := b.ctx

	b.do(ctx, "open /login", chromedp.Navigate(srv.URL()+"/login"))
	if title := b.text(ctx, "#login-title"); hasHan(title) || title == "" {
		t.Fatalf("English browser, sign-in title %q", title)
	}
	b.setLanguage(ctx, "zh")
	b.waitJS(ctx, "Chinese title", `/[\u4e00-\u9fff]/.test(document.querySelector("#login-title").textContent)`)
	if label := b.text(ctx, "label[for=username]"); !hasHan(label) {
		t.Errorf("username label in Chinese: %q", label)
	}
	if button := b.text(ctx, "#sign-in"); !hasHan(button) {
		t.Errorf("sign-in button in Chinese: %q", button)
	}

	// An API error: the server's own message, in Chinese.
	b.signInForm(ctx, "jack", "not-his-password")
	b.waitText(ctx, "#login-error", "用户名或密码错误。")

	// The choice is remembered.
	b.do(ctx, "reload", chromedp.Reload())
	b.waitJS(ctx, "still Chinese after a reload", `document.querySelector("select#lang")?.value === "zh" && /[\u4e00-\u9fff]/.test(document.querySelector("#login-title")?.textContent ?? "")`)

	b.setLanguage(ctx, "en")
	b.signInForm(ctx, "jack", "not-his-password-either")
	b.waitText(ctx, "#login-error", "The username or password is incorrect.")
	if title := b.text(ctx, "#login-title"); hasHan(title) {
		t.Fatalf("back to English, title %q", title)
	}
}
