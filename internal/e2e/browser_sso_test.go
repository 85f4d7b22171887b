package e2e

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/gatehouse/gatehouse/internal/config"
	"github.com/gatehouse/gatehouse/internal/demo"
)

// startDemo starts `gatehouse demo` on random ports — the center with its demo data, the shop
// at http://127.0.0.1:port and the CMS at http://localhost:port, two sites that share no
// cookies — on the backend b.
func startDemo(t *testing.T, b backend, tweak func(*config.Config)) (*server, *demo.Demo) {
	t.Helper()
	cfg := baseConfig(t)
	b.setup(t, &cfg)
	if tweak != nil {
		tweak(&cfg)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	d, err := demo.Start(ctx, demo.Options{Center: cfg, ShopAddr: "127.0.0.1:0", CMSAddr: "127.0.0.1:0"})
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
	return &server{App: d.Center, t: t, sleeps: &sleepLog{}}, d
}

// signedOutAt opens the site's home page until it says nobody is signed in there: the
// center's back-channel logout reaches the site a moment after the sign-out elsewhere.
func (b *browser) signedOutAt(ctx context.Context, site *demo.Site) {
	b.t.Helper()
	for {
		b.do(ctx, "open "+site.Name, chromedp.Navigate(site.URL+"/"))
		if strings.Contains(b.text(ctx, "header"), "Not signed in") {
			return
		}
		if ctx.Err() != nil {
			b.t.Fatalf("%s still shows a user after the single logout", site.Name)
		}
		time.Sleep(20 * time.Millisecond) // the back-channel is on its way
	}
}

// TestBrowserSingleSignOn: the full SSO flow across the two demo sub-systems in one browser.
// Sub-system A sends the browser to the center's sign-in page; after signing in the browser is
// back at A, signed in; B signs in through the center without showing the sign-in page; the
// sign-out at B ends the center's session and A's (single logout); so does, after signing in
// again, the sign-out on the center's account page.
func TestBrowserSingleSignOn(t *testing.T) {
	for _, bk := range backends[:2] { // SQLite+memory and PostgreSQL+Redis
		t.Run(bk.name, func(t *testing.T) {
			srv, d := startDemo(t, bk, nil)
			br := newBrowser(t)
			ctx := br.ctx
			center := mustURL(t, srv.URL()).Host
			shop, cms := mustURL(t, d.Shop.URL).Host, mustURL(t, d.CMS.URL).Host
			if strings.Split(shop, ":")[0] == strings.Split(cms, ":")[0] {
				t.Fatalf("the sub-systems share a host: %s and %s", shop, cms)
			}

			// A: anonymous → the center's sign-in page, continuing to the SSO endpoint.
			br.do(ctx, "open the shop's editor page", chromedp.Navigate(d.Shop.URL+"/editor"))
			br.waitPath(ctx, center, "/login")
			loc := mustURL(t, br.location(ctx))
			if cont := loc.Query().Get("continue"); !strings.HasPrefix(cont, "/sso/login?") {
				t.Fatalf("sign-in page continue = %q, want the SSO endpoint", cont)
			}
			br.signInForm(ctx, "danny", "danny123")
			br.waitPath(ctx, shop, "/editor")
			if who := br.text(ctx, "#username"); who != "danny" {
				t.Fatalf("the shop shows user %q", who)
			}
			if roles := br.text(ctx, "#roles"); roles != "EDITOR" {
				t.Fatalf("the shop shows roles %q", roles)
			}
			br.takeVisited(ctx)

			// B: signed in through the center's session, no sign-in page on the way.
			br.do(ctx, "open the CMS's user page", chromedp.Navigate(d.CMS.URL+"/user"))
			br.waitPath(ctx, cms, "/user")
			if who := br.text(ctx, "#username"); who != "danny" {
				t.Fatalf("the CMS shows user %q", who)
			}
			viaCenter := false
			for _, v := range br.takeVisited(ctx) {
				u, _ := url.Parse(v)
				if u.Host == center && u.Path == "/login" {
					t.Fatalf("the CMS showed the sign-in page although the center had a session: %s", v)
				}
				viaCenter = viaCenter || u.Host == center && u.Path == "/sso/login"
			}
			if !viaCenter {
				t.Fatal("the CMS signed in without asking the center")
			}

			// The center's account page lists both systems joined in this session.
			br.do(ctx, "open the center's account page", chromedp.Navigate(srv.URL()+"/account"))
			br.waitJS(ctx, "both systems joined", `!!document.querySelector('[data-test=joined-system][data-system="shop"]') && !!document.querySelector('[data-test=joined-system][data-system="cms"]')`)

			// Sign out at B: B, the center and A are all signed out.
			br.do(ctx, "back to the CMS", chromedp.Navigate(d.CMS.URL+"/user"))
			br.waitPath(ctx, cms, "/user")
			br.do(ctx, "press Sign out in the CMS", chromedp.Click(chromedp.CSS(`header a[href="/sso/logout"]`)))
			br.waitJS(ctx, "leave the CMS's signed-in page", `location.pathname !== "/user" && document.readyState === "complete"`)
			br.signedOutAt(ctx, d.CMS)
			br.signedOutAt(ctx, d.Shop)
			br.do(ctx, "open the center's account page", chromedp.Navigate(srv.URL()+"/account"))
			br.waitPath(ctx, center, "/login")
			// A's protected page asks for a sign-in again.
			br.do(ctx, "open the shop's editor page again", chromedp.Navigate(d.Shop.URL+"/editor"))
			br.waitPath(ctx, center, "/login")

			// Again, signed out at the center this time (the account page's Sign out).
			br.signInForm(ctx, "danny", "danny123")
			br.waitPath(ctx, shop, "/editor")
			br.do(ctx, "open the CMS's user page", chromedp.Navigate(d.CMS.URL+"/user"))
			br.waitPath(ctx, cms, "/user")
			br.do(ctx, "open the center's account page", chromedp.Navigate(srv.URL()+"/account"))
			br.do(ctx, "press Sign out at the center", chromedp.WaitVisible(chromedp.CSS("#sign-out")), chromedp.Click(chromedp.CSS("#sign-out")))
			br.waitPath(ctx, center, "/login")
			br.signedOutAt(ctx, d.Shop)
			br.signedOutAt(ctx, d.CMS)
		})
	}
}
