package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserAccount: the account page lists the user's sessions with the current one marked;
// signing out another session ends it (that browser's next page load asks for a sign-in); the
// password change follows the policy and the new password signs in, the old one no longer;
// Sign out ends this browser's session. A user without console permissions has no console link.
func TestBrowserAccount(t *testing.T) {
	srv := startServer(t, backends[0], nil)
	b := newBrowser(t)
	center := mustURL(t, srv.URL()).Host
	laptop, phone := b.newPrivate(), b.newPrivate()

	b.signInAt(phone, srv, "/account", "jack", "jack123")
	b.waitPath(phone, center, "/account")
	b.signInAt(laptop, srv, "/account", "jack", "jack123")
	b.waitPath(laptop, center, "/account")
	b.waitText(laptop, "[data-test=profile]", "jack")
	if n := eval[int](b, laptop, `document.querySelectorAll("#admin-link").length`); n != 0 {
		t.Error("jack, without console permissions, sees the console link")
	}

	// Two sessions, this one marked.
	b.waitJS(laptop, "two sessions listed", `document.querySelectorAll("[data-test=session-row]").length === 2`)
	if n := eval[int](b, laptop, `document.querySelectorAll('[data-test=session-row][data-current="true"]').length`); n != 1 {
		t.Fatalf("%d sessions marked current, want 1", n)
	}
	// Sign out the other one (the phone's).
	b.do(laptop, "sign out the other session",
		chromedp.Click(chromedp.CSS(`[data-test=session-row]:not([data-current="true"]) button[data-test=revoke-session]`)))
	b.waitJS(laptop, "one session left", `document.querySelectorAll("[data-test=session-row]").length === 1 && !!document.querySelector('[data-test=session-row][data-current="true"]')`)
	b.do(phone, "the phone reloads", chromedp.Navigate(srv.URL()+"/account"))
	b.waitPath(phone, center, "/login")

	// Change the password: the policy is shown; the new password signs in, the old one not.
	b.waitJS(laptop, "the policy shown", `!!document.querySelector("[data-test=password-policy]") && document.querySelector("[data-test=password-policy]").innerText.trim() !== ""`)
	b.fill(laptop, "#old-password", "jack123")
	b.fill(laptop, "#new-password", "Quiet-Harbor-2026")
	b.fill(laptop, "#confirm-password", "Quiet-Harbor-2026")
	b.do(laptop, "change the password", chromedp.Click(chromedp.CSS("#change-password")))
	b.waitJS(laptop, "password changed", `!!document.querySelector("[data-test=password-changed]")`)

	other := b.newPrivate()
	b.signInAt(other, srv, "/account", "jack", "jack123")
	b.waitText(other, "#login-error", "incorrect")
	b.signInForm(other, "jack", "Quiet-Harbor-2026")
	b.waitPath(other, center, "/account")
	b.waitText(other, "[data-test=profile]", "jack")

	// Sign out: this browser is signed out (and so is every session it holds).
	b.do(laptop, "reload the account page", chromedp.Navigate(srv.URL()+"/account"))
	b.do(laptop, "press Sign out", chromedp.WaitVisible(chromedp.CSS("#sign-out")), chromedp.Click(chromedp.CSS("#sign-out")))
	b.waitPath(laptop, center, "/login")
	b.do(laptop, "open the account page again", chromedp.Navigate(srv.URL()+"/account"))
	b.waitPath(laptop, center, "/login")
}
