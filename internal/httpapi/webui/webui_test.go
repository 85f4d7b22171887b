package webui

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
)

const testIndex = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="UTF-8" />
    <script type="module" crossorigin src="/assets/index-abc123.js"></script>
    <link rel="stylesheet" crossorigin href="/assets/style-def456.css">
  </head>
  <body><div id="app"></div></body>
</html>
`

var bigJS = "export const x = 1;\n" + strings.Repeat("console.log('gatehouse');\n", 200)

func built() fstest.MapFS {
	return fstest.MapFS{
		"index.html":              {Data: []byte(testIndex)},
		"assets/index-abc123.js":  {Data: []byte(bigJS)},
		"assets/style-def456.css": {Data: []byte("body{margin:0}")},
		"assets/logo-1a2b.svg":    {Data: []byte("<svg xmlns='http://www.w3.org/2000/svg'/>")},
		"assets/font-9z.woff2":    {Data: []byte("wOF2")},
		"assets/.hidden":          {Data: []byte("secret")},
		".vite/manifest.json":     {Data: []byte("{}")},
		".gitkeep":                {Data: nil},
	}
}

var fallback = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	io.WriteString(w, `<form id="login" data-continue="/">minimal</form>`)
})

func serve(t *testing.T, h *Handler) *http.ServeMux {
	t.Helper()
	mux := http.NewServeMux()
	if err := h.Mount(mux); err != nil {
		t.Fatal(err)
	}
	return mux
}

func get(mux http.Handler, target string, hdr ...string) *httptest.ResponseRecorder {
	r := httptest.NewRequest("GET", target, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Set(hdr[i], hdr[i+1])
	}
	w := httptest.NewRecorder()
	mux.ServeHTTP(w, r)
	return w
}

func TestPagesServeIndexNeverCached(t *testing.T) {
	mux := serve(t, &Handler{Files: built(), Fallback: fallback})
	for _, p := range []string{"/login", "/login?continue=%2Fsso%2Flogin%3Fsystem%3Da", "/account", "/admin", "/admin/users", "/admin/users/42/edit"} {
		w := get(mux, p)
		if w.Code != 200 || w.Body.String() != testIndex {
			t.Fatalf("%s: %d %q", p, w.Code, w.Body.String())
		}
		h := w.Header()
		if h.Get("Content-Type") != "text/html; charset=utf-8" || h.Get("Cache-Control") != "no-store" || h.Get("Content-Security-Policy") != CSP {
			t.Fatalf("%s headers: %v", p, h)
		}
		if h.Get("X-Content-Type-Options") != "nosniff" {
			t.Fatalf("%s: no nosniff", p)
		}
	}
	for _, want := range []string{"script-src 'self'", "style-src 'self'", "img-src 'self' data:", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "form-action 'self'", "connect-src 'self'"} {
		if !strings.Contains(CSP, want) {
			t.Errorf("CSP lacks %q", want)
		}
	}
	if strings.Contains(CSP, "unsafe") {
		t.Error("CSP allows unsafe sources")
	}
}

func TestRootRedirects(t *testing.T) {
	w := get(serve(t, &Handler{Files: built()}), "/")
	if w.Code != http.StatusFound || w.Header().Get("Location") != "/account" {
		t.Fatalf("built: %d %q", w.Code, w.Header().Get("Location"))
	}
	w = get(serve(t, &Handler{Files: fstest.MapFS{}, BasePath: "/center"}), "/")
	if w.Code != http.StatusFound || w.Header().Get("Location") != "/center/login" {
		t.Fatalf("not built: %d %q", w.Code, w.Header().Get("Location"))
	}
}

func TestAssetsImmutableWithTypes(t *testing.T) {
	mux := serve(t, &Handler{Files: built()})
	for path, ct := range map[string]string{
		"/assets/index-abc123.js":  "text/javascript; charset=utf-8",
		"/assets/style-def456.css": "text/css; charset=utf-8",
		"/assets/logo-1a2b.svg":    "image/svg+xml",
		"/assets/font-9z.woff2":    "font/woff2",
	} {
		w := get(mux, path)
		if w.Code != 200 || w.Header().Get("Content-Type") != ct {
			t.Fatalf("%s: %d %q", path, w.Code, w.Header().Get("Content-Type"))
		}
		if w.Header().Get("Cache-Control") != "public, max-age=31536000, immutable" || w.Header().Get("X-Content-Type-Options") != "nosniff" {
			t.Fatalf("%s headers %v", path, w.Header())
		}
	}
	if w := get(mux, "/assets/index-abc123.js"); w.Body.String() != bigJS || w.Header().Get("Content-Encoding") != "" {
		t.Fatal("identity body differs")
	}
}

func TestAssetsGzip(t *testing.T) {
	mux := serve(t, &Handler{Files: built()})
	w := get(mux, "/assets/index-abc123.js", "Accept-Encoding", "br, gzip;q=0.8")
	if w.Header().Get("Content-Encoding") != "gzip" || !strings.Contains(w.Header().Get("Vary"), "Accept-Encoding") {
		t.Fatalf("headers %v", w.Header())
	}
	zr, err := gzip.NewReader(bytes.NewReader(w.Body.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(zr)
	if string(body) != bigJS || w.Body.Len() >= len(bigJS) {
		t.Fatalf("gzip body: %d bytes for %d", w.Body.Len(), len(bigJS))
	}
	for _, ae := range []string{"gzip;q=0", "identity", "", "gzip; q=0.000"} {
		if w := get(mux, "/assets/index-abc123.js", "Accept-Encoding", ae); w.Header().Get("Content-Encoding") != "" {
			t.Errorf("Accept-Encoding %q got gzip", ae)
		}
	}
	if w := get(mux, "/assets/style-def456.css", "Accept-Encoding", "gzip"); w.Header().Get("Content-Encoding") != "" {
		t.Error("a tiny file is gzipped")
	}
}

func TestUnknownAndHostileAssetPaths(t *testing.T) {
	mux := serve(t, &Handler{Files: built()})
	for _, p := range []string{
		"/assets/nope-123.js",
		"/assets/",
		"/assets/.hidden",
		"/assets/../index.html",
		"/assets/../embed.go",
		"/assets/%2e%2e/embed.go",
		"/assets/%2e%2e%2fembed.go",
		"/assets/..%2fembed.go",
		"/assets/..%5cembed.go",
		"/assets/%2fetc%2fpasswd",
		"/assets/index-abc123.js%00.png",
		"/assets/sub/index-abc123.js",
		"/assets//index-abc123.js",
		"/.vite/manifest.json",
		"/index.html",
		"/.gitkeep",
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.URL.RawPath, r.URL.Path = "", ""
		if err := setPath(r, p); err != nil {
			t.Fatal(err)
		}
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, r)
		if w.Code == 200 {
			t.Errorf("%s: 200 %q", p, w.Body.String())
			continue
		}
		redirect := w.Code == http.StatusMovedPermanently || w.Code == http.StatusTemporaryRedirect
		if w.Code != 404 && !redirect { // the mux answers unclean paths with a redirect to the clean one
			t.Errorf("%s: %d", p, w.Code)
		}
		if loc := w.Header().Get("Location"); redirect && strings.Contains(loc, "..") {
			t.Errorf("%s: redirected to %q", p, loc)
		}
		if strings.Contains(w.Body.String(), "secret") || strings.Contains(w.Body.String(), "package web") {
			t.Errorf("%s leaked %q", p, w.Body.String())
		}
	}
}

// setPath sets a raw, possibly hostile, path the way the server would parse it.
func setPath(r *http.Request, raw string) error {
	u, err := r.URL.Parse(raw)
	if err != nil {
		return err
	}
	r.URL = u
	r.RequestURI = raw
	return nil
}

func TestNotBuilt(t *testing.T) {
	for name, files := range map[string]fstest.MapFS{
		"empty":                {},
		"only gitkeep":         {".gitkeep": {}},
		"index is a directory": {"index.html/x": {Data: []byte("x")}},
	} {
		mux := serve(t, &Handler{Files: files, BasePath: "/center", Fallback: fallback})
		if w := get(mux, "/login?continue=%2Faccount"); w.Code != 200 || !strings.Contains(w.Body.String(), "minimal") {
			t.Fatalf("%s: /login %d %q", name, w.Code, w.Body.String())
		}
		for _, p := range []string{"/account", "/admin", "/admin/users"} {
			w := get(mux, p)
			if w.Code != http.StatusServiceUnavailable || !strings.Contains(w.Body.String(), "npm ci &amp;&amp; npm run build") ||
				!strings.Contains(w.Body.String(), `href="/center/login"`) {
				t.Fatalf("%s: %s %d %q", name, p, w.Code, w.Body.String())
			}
			if w.Header().Get("Cache-Control") != "no-store" || w.Header().Get("Content-Security-Policy") != CSP {
				t.Fatalf("%s: %s headers %v", name, p, w.Header())
			}
		}
		if w := get(mux, "/assets/index-abc123.js"); w.Code != 404 {
			t.Fatalf("%s: asset %d", name, w.Code)
		}
	}
	if Built(nil) {
		t.Fatal("nil files are built")
	}
}

func TestBasePathRewritesIndex(t *testing.T) {
	mux := serve(t, &Handler{Files: built(), BasePath: "/center"})
	body := get(mux, "/admin").Body.String()
	for _, want := range []string{`src="/center/assets/index-abc123.js"`, `href="/center/assets/style-def456.css"`, `<meta name="gatehouse-base" content="/center">`} {
		if !strings.Contains(body, want) {
			t.Errorf("index lacks %s:\n%s", want, body)
		}
	}
	if strings.Count(body, `"/assets/`) != 0 {
		t.Errorf("unrewritten asset URL:\n%s", body)
	}
	if got := rewriteIndex([]byte(testIndex), `/a"b`); !bytes.Contains(got, []byte(`content="/a&#34;b"`)) {
		t.Errorf("base path not escaped: %s", got)
	}
}

func TestHead(t *testing.T) {
	mux := serve(t, &Handler{Files: built()})
	r := httptest.NewRequest("HEAD", "/assets/index-abc123.js", nil)
	w := httptest.NewRecorder()
	mux.ServeHTTP(w, r)
	if w.Code != 200 || w.Body.Len() != 0 || w.Header().Get("Content-Length") == "" {
		t.Fatalf("HEAD: %d %d %v", w.Code, w.Body.Len(), w.Header())
	}
}

func TestAcceptsGzip(t *testing.T) {
	for h, want := range map[string]bool{
		"gzip": true, "GZIP": true, "br, gzip": true, "gzip;q=0.5": true, "*": true, "gzip;q=1.0": true,
		"": false, "br": false, "gzip;q=0": false, "gzip;q=0.0": false, "gzipx": false, "x-gzip": false,
	} {
		if got := acceptsGzip(h); got != want {
			t.Errorf("acceptsGzip(%q) = %v", h, got)
		}
	}
}
