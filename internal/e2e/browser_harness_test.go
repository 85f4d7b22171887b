package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// The browser tests drive Debian's chromium, headless, through the DevTools protocol. They
// need the front-end bundle embedded (web/dist, built by `cd web && npm ci && npm run build`)
// and the browser; without either they skip, and under CI=true they fail.

const chromiumPath = "/usr/bin/chromium"

// browserTestTimeout guards a browser test against a hung browser; it is not a measure.
const browserTestTimeout = 2 * time.Minute

// needBrowser skips (or, under CI=true, fails) the test when chromium or the built front end
// is missing.
func needBrowser(t *testing.T) {
	t.Helper()
	missing := func(what string) {
		t.Helper()
		if os.Getenv("CI") == "true" {
			t.Fatalf("browser test: %s (CI=true: the CI script installs chromium and builds the bundle first)", what)
		}
		t.Skipf("browser test skipped: %s", what)
	}
	if _, err := os.Stat(chromiumPath); err != nil {
		missing(chromiumPath + " is missing (bash scripts/services.sh installs Debian's chromium)")
	}
	if _, err := os.Stat(filepath.Join("..", "..", "web", "dist", "index.html")); err != nil {
		missing("web/dist/index.html is missing (build the front end: cd web && npm ci && npm run build)")
	}
}

// browser is one chromium process with a fresh profile. Its first tab and those of newTab
// share cookies and storage; a tab of newPrivate shares nothing.
type browser struct {
	t   *testing.T
	ctx context.Context // the first tab

	mu       sync.Mutex
	captchas map[context.Context]string   // the last captcha id each tab received
	visited  map[context.Context][]string // the documents each tab requested, in order
	tabs     []context.Context
}

// newBrowser starts chromium headless with a fresh profile in a temporary directory, English
// as the browser's language and a 1280×800 window.
func newBrowser(t *testing.T) *browser {
	t.Helper()
	needBrowser(t)
	profile := t.TempDir() // removed after the browser has exited (cleanups run last-in first-out)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("lang", "en-US"),
		chromedp.Flag("accept-lang", "en-US,en"),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1280, 800),
	}
	base, cancelBase := context.WithCancel(t.Context())
	alloc, cancelAlloc := chromedp.NewExecAllocator(base, opts...)
	b := &browser{t: t, captchas: map[context.Context]string{}, visited: map[context.Context][]string{}}
	ctx, cancelBrowser := chromedp.NewContext(alloc, chromedp.WithErrorf(t.Logf))
	// The hang guard: when a test waits for longer than browserTestTimeout, it shows what each
	// tab shows and stops the browser, so the waiting step fails with its name.
	guard := time.AfterFunc(browserTestTimeout, func() {
		b.mu.Lock()
		tabs := append([]context.Context(nil), b.tabs...)
		b.mu.Unlock()
		for i, tab := range tabs {
			sctx, cancel := context.WithTimeout(tab, 5*time.Second)
			loc, _ := chromedp.Run(sctx, chromedp.Location())
			text, _ := chromedp.Run(sctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
			cancel()
			t.Logf("hang guard (%v): tab %d is at %s showing:\n%.1500s", browserTestTimeout, i, loc, text)
		}
		cancelBase()
	})
	t.Cleanup(func() {
		guard.Stop()
		cancelBrowser()
		cancelAlloc() // waits for the process to exit
		cancelBase()
	})
	b.ctx = b.watch(ctx)
	return b
}

// newTab opens another tab of the same browser (same cookies and storage).
func (b *browser) newTab() context.Context {
	ctx, cancel := chromedp.NewContext(b.ctx)
	b.t.Cleanup(cancel)
	return b.watch(ctx)
}

// newPrivate opens a tab in a new browser context: no cookies or storage shared with the
// other tabs, as a second person on another computer.
func (b *browser) newPrivate() context.Context {
	ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext())
	b.t.Cleanup(cancel)
	return b.watch(ctx)
}

// watch starts the tab, logs its script errors and records the captcha ids it receives, so
// that a test can read the answer from the server's store as a person reads the image.
func (b *browser) watch(ctx context.Context) context.Context {
	b.t.Helper()
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		b.t.Fatalf("starting chromium: %v", err)
	}
	b.mu.Lock()
	b.tabs = append(b.tabs, ctx)
	b.mu.Unlock()
	var mu sync.Mutex
	captchaRequests := map[network.RequestID]bool{}
	finished := make(chan network.RequestID, 64)
	err := chromedp.Listen(ctx, func(ev any) { // runs in the tab's reading loop: no commands here
		switch e := ev.(type) {
		case *runtime.EventExceptionThrown:
			b.t.Logf("browser: script error: %s %s", e.ExceptionDetails.Text, e.ExceptionDetails.URL)
		case *network.EventRequestWillBeSent:
			if e.Type == network.ResourceTypeDocument {
				b.mu.Lock()
				b.visited[ctx] = append(b.visited[ctx], e.Request.URL)
				b.mu.Unlock()
			}
		case *network.EventResponseReceived:
			if strings.HasSuffix(strings.SplitN(e.Response.URL, "?", 2)[0], "/api/captcha") {
				mu.Lock()
				captchaRequests[e.RequestID] = true
				mu.Unlock()
			}
		case *network.EventLoadingFinished:
			mu.Lock()
			isCaptcha := captchaRequests[e.RequestID]
			delete(captchaRequests, e.RequestID)
			mu.Unlock()
			if isCaptcha {
				select {
				case finished <- e.RequestID:
				default:
				}
			}
		}
	})
	if err != nil {
		b.t.Fatalf("listening to chromium: %v", err)
	}
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case id := <-finished:
				b.readCaptchaID(ctx, id)
			}
		}
	}()
	return ctx
}

func (b *browser) readCaptchaID(ctx context.Context, id network.RequestID) {
	res, err := chromedp.Call(ctx, network.GetResponseBody, network.GetResponseBodyParams{RequestID: id})
	var env struct {
		Data struct {
			ID string `json:"captcha_id"`
		} `json:"data"`
	}
	if err != nil || res.Base64encoded || json.Unmarshal(res.Body, &env) != nil || env.Data.ID == "" {
		return
	}
	b.mu.Lock()
	b.captchas[ctx] = env.Data.ID
	b.mu.Unlock()
}

// captchaID returns the id of the last captcha the tab received, once it differs from not.
func (b *browser) captchaID(ctx context.Context, not string) string {
	b.t.Helper()
	for {
		b.mu.Lock()
		id := b.captchas[ctx]
		b.mu.Unlock()
		if id != "" && id != not {
			return id
		}
		if ctx.Err() != nil {
			b.t.Fatal("no (new) captcha id seen on the network")
		}
		time.Sleep(10 * time.Millisecond) // the answer's body is being read
	}
}

// captchaAnswer returns the answer of the captcha the tab shows now: its id as the tab
// received it, its answer from the server's store (a person would read it off the image).
func (b *browser) captchaAnswer(ctx context.Context, srv *server, imageSel string) string {
	b.t.Helper()
	b.do(ctx, "captcha image shown", chromedp.WaitVisible(chromedp.CSS(imageSel)))
	id := b.captchaID(ctx, "")
	v, err := srv.KV.Get(context.Background(), "captcha:"+id)
	if err != nil {
		b.t.Fatalf("captcha %s: %v", id, err)
	}
	_, answer, _ := strings.Cut(string(v), ":")
	return answer
}

// takeVisited returns the documents the tab requested since the last call.
func (b *browser) takeVisited(ctx context.Context) []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	v := b.visited[ctx]
	b.visited[ctx] = nil
	return v
}

// do runs steps in the tab and fails the test, naming the step, on an error.
func (b *browser) do(ctx context.Context, step string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.fail(step, err)
	}
}

func (b *browser) fail(step string, err error) {
	b.t.Helper()

	if errors.Is(err, context.DeadlineExceeded) {
		b.t.Fatalf("%s: gave up waiting (the hang guard is %v): %v", step, browserTestTimeout, err)
	}
	b.t.Fatalf("%s: %v", step, err)
}

// eval evaluates a JavaScript expression in the tab.
func eval[T any](b *browser, ctx context.Context, expr string) T {
	b.t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		b.fail("evaluate "+expr, err)
	}
	return v
}

// location returns the tab's current address.
func (b *browser) location(ctx context.Context) string {
	b.t.Helper()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		b.fail("read location", err)
	}
	return loc
}

// text returns the visible text of the first element matching sel, once it is visible.
func (b *browser) text(ctx context.Context, sel string) string {
	b.t.Helper()
	b.do(ctx, sel+" visible", chromedp.WaitVisible(chromedp.CSS(sel)))
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.fail("text of "+sel, err)
	}
	return strings.TrimSpace(s)
}

// fill empties the field matching sel (telling the page, as a person's deletion would) and
// types value into it.
func (b *browser) fill(ctx context.Context, sel, value string) {
	b.t.Helper()
	b.do(ctx, "fill "+sel,
		chromedp.WaitVisible(chromedp.CSS(sel)),
		chromedp.Evaluate[chromedp.Void](`(() => { const e = document.querySelector(`+jsString(sel)+
			`); e.value = ""; e.dispatchEvent(new Event("input", {bubbles: true})); })()`),
		chromedp.SendKeys(chromedp.CSS(sel), value))
}

// waitJS waits until the JavaScript expression is true in the tab, also across page loads
// (a navigation ends the poll in the old page; it starts again in the new one).
func (b *browser) waitJS(ctx context.Context, step, expr string) {
	b.t.Helper()
	for {
		_, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](expr,
			chromedp.WithPollingInterval(20*time.Millisecond), chromedp.WithPollingTimeout(0)))
		if err == nil {
			return
		}
		if ctx.Err() == nil && navigatedAway(err) {
			continue
		}
		b.fail(step, err)
	}
}

// navigatedAway reports an error of a script whose page went away under it.
func navigatedAway(err error) bool {
	for _, s := range []string{"navigated or closed", "Execution context was destroyed", "Cannot find context", "context with specified id"} {
		if strings.Contains(err.Error(), s) {
			return true
		}
	}
	return false
}

// waitPath waits until the tab's address has the given host (empty: any) and path.
func (b *browser) waitPath(ctx context.Context, host, path string) {
	b.t.Helper()
	js := `location.pathname === ` + jsString(path)
	if host != "" {
		js += ` && location.host === ` + jsString(host)
	}
	b.waitJS(ctx, "arrive at "+host+path, js+` && document.readyState === "complete"`)
}

// waitText waits until the element matching sel contains want.
func (b *browser) waitText(ctx context.Context, sel, want string) {
	b.t.Helper()
	b.waitJS(ctx, sel+" shows "+jsString(want), `(() => { const e = document.querySelector(`+jsString(sel)+
		`); return !!e && e.textContent.includes(`+jsString(want)+`); })()`)
}

// bodyText returns the whole page's visible text.
func (b *browser) bodyText(ctx context.Context) string {
	b.t.Helper()
	return eval[string](b, ctx, `document.body ? document.body.innerText : ""`)
}

func jsString(s string) string {
	j, _ := json.Marshal(s)
	return string(j)
}

// screenshotDir is where the screenshots go: $GATEHOUSE_SCREENSHOTS (scripts/screenshots.sh
// sets docs/screenshots) or a temporary directory.
func screenshotDir(t *testing.T) string {
	if d := os.Getenv("GATEHOUSE_SCREENSHOTS"); d != "" {
		if !filepath.IsAbs(d) {
			// go test runs in the package directory; the script names the repository's.
			d = filepath.Join("..", "..", d)
		}
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		return d
	}
	return t.TempDir()
}
