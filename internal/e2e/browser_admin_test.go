package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// choose selects the option of the select element sel whose text is label, as a person picking
// from the list does (the page hears the change).
func (b *browser) choose(ctx context.Context, sel, label string) {
	b.t.Helper()
	b.waitJS(ctx, sel+" offers "+label, `[...(document.querySelector(`+jsString(sel)+`)?.options ?? [])].some(o => o.text.trim() === `+jsString(label)+`)`)
	b.do(ctx, "choose "+label+" in "+sel, chromedp.Evaluate[chromedp.Void](`(() => {
		const s = document.querySelector(`+jsString(sel)+`);
		s.value = [...s.options].find(o => o.text.trim() === `+jsString(label)+`).value;
		s.dispatchEvent(new Event("change", {bubbles: true}));
	})()`))
}

// hostileName is a display name that would run script if a page put it into HTML as markup.
const hostileName = `Erin <img src=x onerror="window.__xss=1"><script>window.__xss=2</script>`

// noScriptRan checks that no injected markup ran or became elements inside sel.
func (b *browser) noScriptRan(ctx context.Context, sel string) {
	b.t.Helper()
	if bad := eval[bool](b, ctx, `window.__xss !== undefined || !!document.querySelector(`+jsString(sel+" img, "+sel+" script")+`)`); bad {
		b.t.Fatalf("a display name ran as markup in %s", sel)
	}
}

// TestBrowserAdmin: the bootstrap admin creates a user in the console (with markup in the
// display name, shown as text everywhere) and grants a shop role;
// that user, in another browser context, sees the shop page the role allows and not the one it
// does not, and is refused the console; the admin signs the user out everywhere from the
// console, and the user's next page load finds them signed out, at the center and at the shop.
func TestBrowserAdmin(t *testing.T) {
	srv, d := startDemo(t, backends[0], nil)
	br := newBrowser(t)
	admin := br.ctx
	center := mustURL(t, srv.URL()).Host
	shop := mustURL(t, d.Shop.URL).Host

	br.signInAt(admin, srv, "/admin/users", "admin", srv.Config.BootstrapAdminPassword)
	br.waitPath(admin, center, "/admin/users")
	br.do(admin, "open the new-user form", chromedp.WaitVisible(chromedp.CSS("#new-user")), chromedp.Click(chromedp.CSS("#new-user")))
	br.fill(admin, "#new-username", "erin")
	br.fill(admin, "#new-display-name", hostileName)
	br.fill(admin, "#new-email", "erin@example.test")
	br.fill(admin, "#new-user-password", "Garden-Lantern-2026")
	br.do(admin, "create the user", chromedp.Click(chromedp.CSS("#create-user")))
	br.waitText(admin, "[data-test=user-created]", "erin")
	br.waitJS(admin, "erin listed", `!!document.querySelector('[data-test=user-row][data-username="erin"]')`)
	br.waitText(admin, `[data-test=user-row][data-username="erin"] [data-test=display-name]`, hostileName)
	br.noScriptRan(admin, "[data-test=user-row]")

	// The user page: grant USER in the shop.
	br.do(admin, "open erin's page", chromedp.Click(chromedp.CSS(`[data-test=user-row][data-username="erin"] a`)))
	br.waitText(admin, "[data-test=user-title]", hostileName)
	br.noScriptRan(admin, "[data-test=user-title]")
	br.choose(admin, "#grant-system", "Demo Shop (shop)")
	// The role list loads per system: choose a role only once it holds the shop's roles.
	br.waitJS(admin, "the shop's roles listed", `document.querySelector('select#grant-role').dataset.rolesFor === "shop"`)
	br.choose(admin, "#grant-role", "USER")
	br.do(admin, "grant the role", chromedp.Click(chromedp.CSS("button#grant-role")))
	br.waitJS(admin, "the console says granted", `document.body.innerText.includes("Role USER in shop granted")`)
	grantListed := `(() => { const r = document.querySelector('[data-test=grant-row][data-system="shop"][data-role="USER"]');
		return !!r && r.innerText.includes("shop:article:read"); })()`
	br.waitJS(admin, "grant listed", grantListed)
	br.do(admin, "reload erin's page", chromedp.Reload())
	br.waitJS(admin, "grant listed after a reload", grantListed)

	// erin, on another computer: the shop's user page yes, its editor page no, the console no.
	erin := br.newPrivate()
	br.do(erin, "open the shop's user page", chromedp.Navigate(d.Shop.URL+"/user"))
	br.waitPath(erin, center, "/login")
	br.signInForm(erin, "erin", "Garden-Lantern-2026")
	br.waitPath(erin, shop, "/user")
	if body := br.bodyText(erin); !strings.Contains(body, "You may see this page") || br.text(erin, "#roles") != "USER" {
		t.Fatalf("erin at the shop's user page: %.400s", body)
	}
	br.noScriptRan(erin, "header")
	br.do(erin, "open the shop's editor page", chromedp.Navigate(d.Shop.URL+"/editor"))
	br.waitPath(erin, shop, "/editor")
	if body := br.bodyText(erin); !strings.Contains(body, "Forbidden") {
		t.Fatalf("erin at the shop's editor page: %.400s", body)
	}
	br.do(erin, "open the console", chromedp.Navigate(srv.URL()+"/admin"))
	br.waitJS(erin, "the console refuses erin", `!!document.querySelector("[data-test=not-allowed]")`)

	// The admin signs erin out everywhere.
	br.do(admin, "sign erin out everywhere", chromedp.WaitVisible(chromedp.CSS("#sign-out-everywhere")),
		chromedp.Click(chromedp.CSS("#sign-out-everywhere")))
	br.do(admin, "confirm", chromedp.WaitVisible(chromedp.CSS("[data-test=confirm-ok]")), chromedp.Click(chromedp.CSS("[data-test=confirm-ok]")))
	br.waitJS(admin, "the console says it is done", `!document.querySelector("[data-test=confirm-dialog]") && !document.querySelector("#sign-out-everywhere").disabled`)

	// erin's next page load: signed out at the center and, through the back-channel, at the shop.
	br.do(erin, "reload the console", chromedp.Navigate(srv.URL()+"/account"))
	br.waitPath(erin, center, "/login")
	br.signedOutAt(erin, d.Shop)
	// The admin's own session is untouched.
	br.do(admin, "open the dashboard", chromedp.Navigate(srv.URL()+"/admin/dashboard"))
	br.waitPath(admin, center, "/admin/dashboard")
	br.waitJS(admin, "the dashboard's charts", `!!document.querySelector("svg[data-test^=chart-]")`)
}
