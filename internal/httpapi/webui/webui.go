package webui

import (
	"bytes"
	"html"
	"io/fs"
	"net/http"
	"strings"
)

// CSP is the Content-Security-Policy of the pages: scripts, styles, fonts and API calls from
// this origin only, images also from data: URLs (the captcha), no plugins, no <base>, forms
// posting here only, never framed.
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
	"font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// Cache lifetimes: hashed assets forever, pages never.
const (
	assetCache = "public, max-age=31536000, immutable"
	pageCache  = "no-store"
)

// Handler serves the front end.
type Handler struct {
	// Files is the build: index.html and assets/ at its root (web.Dist()).
	Files fs.FS
	// BasePath is the path of the public URL ("" at the root, else "/prefix"); index.html is
	// rewritten to load its assets below it and tells the app through a meta element.
	BasePath string
	// Fallback serves GET /login when the front end is not built.
	Fallback http.Handler

	index  []byte
	assets *assets
}

// Built reports whether Files holds a built front end (an index.html).
func Built(files fs.FS) bool {
	if files == nil {
		return false
	}
	st, err := fs.Stat(files, "index.html")
	return err == nil && st.Mode().IsRegular()
}

// Mount registers the routes: the pages, /assets/, and the root redirect.
func (h *Handler) Mount(mux *http.ServeMux) error {
	pages := []string{"GET /account", "GET /admin", "GET /admin/{rest...}"}
	if !Built(h.Files) {
		notBuilt := http.HandlerFunc(h.notBuilt)
		for _, p := range pages {
			mux.Handle(p, notBuilt)
		}
		if h.Fallback != nil {
			mux.Handle("GET /login", h.Fallback)
		}
		mux.Handle("GET /{$}", h.redirect("/login"))
		return nil
	}
	index, err := fs.ReadFile(h.Files, "index.html")
	if err != nil {
		return err
	}
	h.index = rewriteIndex(index, h.BasePath)
	if h.assets, err = loadAssets(h.Files); err != nil {
		return err
	}
	page := http.HandlerFunc(h.page)
	for _, p := range append(pages, "GET /login") {
		mux.Handle(p, page)
	}
	mux.Handle("GET /assets/", http.HandlerFunc(h.asset))
	mux.Handle("GET /{$}", h.redirect("/account"))
	return nil
}

// page answers index.html: the app routes on the client.
func (h *Handler) page(w http.ResponseWriter, r *http.Request) {
	hd := w.Header()
	hd.Set("Content-Type", "text/html; charset=utf-8")
	hd.Set("Content-Security-Policy", CSP)
	hd.Set("Cache-Control", pageCache)
	hd.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(h.index)
}

func (h *Handler) redirect(to string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", pageCache)
		http.Redirect(w, r, h.BasePath+to, http.StatusFound)
	})
}

// notBuiltPage is the answer for the app's pages in a build without the front end.
const notBuiltPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Front end not built · Gatehouse</title></head>
<body><main><h1>The Gatehouse front end is not built</h1>
<p>This server was compiled without the web pages. Sign-in still works at <a href="%BASE%/login">%BASE%/login</a>.</p>
<p>To build them, install Node.js and run <code>scripts/run.sh</code>, or
<code>cd web &amp;&amp; npm ci &amp;&amp; npm run build</code> and then rebuild the server.</p>
<p lang="zh-CN">前端页面尚未构建：请安装 Node.js 后运行 <code>scripts/run.sh</code>，或在 <code>web</code> 目录执行 <code>npm ci &amp;&amp; npm run build</code> 后重新编译服务器。</p>
</main></body></html>
`

func (h *Handler) notBuilt(w http.ResponseWriter, r *http.Request) {
	hd := w.Header()
	hd.Set("Content-Type", "text/html; charset=utf-8")
	hd.Set("Content-Security-Policy", CSP)
	hd.Set("Cache-Control", pageCache)
	w.WriteHeader(http.StatusServiceUnavailable)
	_, _ = w.Write([]byte(strings.ReplaceAll(notBuiltPage, "%BASE%", html.EscapeString(h.BasePath))))
}

// rewriteIndex points the asset URLs of index.html below base and adds the
// <meta name="gatehouse-base"> element the app reads (no inline script is needed).
func rewriteIndex(index []byte, base string) []byte {
	if base == "" {
		return index
	}
	esc := html.EscapeString(base)
	out := bytes.ReplaceAll(index, []byte(`="/assets/`), []byte(`="`+esc+`/assets/`))
	meta := []byte(`<head>` + "\n    " + `<meta name="gatehouse-base" content="` + esc + `">`)
	return bytes.Replace(out, []byte("<head>"), meta, 1)
}
