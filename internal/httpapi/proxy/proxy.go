package proxy

import (
	"errors"
	"fmt"
	"html"
	"log/slog"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/gateway"
	"github.com/gatehouse/gatehouse/internal/httpapi/forwardauth"
	"github.com/gatehouse/gatehouse/internal/httpapi/middleware"
	"github.com/gatehouse/gatehouse/internal/httpapi/respond"
)

// Proxy serves the routes of the gateway.
type Proxy struct {
	checker *forwardauth.Checker
	gw      *gateway.Gateway
	routes  map[*gateway.Route]*httputil.ReverseProxy
	metrics *metrics
}

// New builds the reverse proxies of the gateway's routes and registers the metrics on reg.
func New(c *forwardauth.Checker, reg prometheus.Registerer) (*Proxy, error) {
	m, err := newMetrics(reg)
	if err != nil {
		return nil, err
	}
	p := &Proxy{checker: c, gw: c.Gateway, routes: map[*gateway.Route]*httputil.ReverseProxy{}, metrics: m}
	rts := c.Gateway.Routes()
	for i := range rts {
		rt := &rts[i]
		p.routes[rt] = p.reverseProxy(rt)
	}
	return p, nil
}

// Match returns the route of a request, or nil when it is not for a proxied host and prefix.
func (p *Proxy) Match(r *http.Request) *gateway.Route {
	host, ok := gateway.CleanHost(r.Host)
	if !ok {
		return nil
	}
	path, err := gateway.NormalizePath(r.URL.EscapedPath())
	if err != nil {
		// A refused path on a proxied host is still the proxy's to refuse.
		path = "/"
	}
	return p.gw.Route(host, path)
}

// Wrap sends the requests of proxied routes to the proxy and the others to next.
func (p *Proxy) Wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if rt := p.Match(r); rt != nil {
			p.serve(w, r, rt)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// serve checks the request against the rules and forwards it when allowed.
func (p *Proxy) serve(w http.ResponseWriter, r *http.Request, rt *gateway.Route) {
	start := time.Now()
	rec := &statusWriter{ResponseWriter: w}
	defer func() { p.metrics.observe(rt.Name, rec.code(), time.Since(start)) }()

	host, _ := gateway.CleanHost(r.Host)
	o := forwardauth.Original{Method: r.Method, HTTPS: middleware.IsHTTPS(r), Host: host, URI: r.URL.RequestURI()}
	o.Path, o.Bad = gateway.NormalizePath(r.URL.EscapedPath())
	ip := ""
	if a := middleware.ClientIPFrom(r.Context()); a.IsValid() {
		ip = a.String()
	}
	res, err := p.checker.Check(r.Context(), r.Header, o, ip)
	if err != nil {
		errorPage(rec, r, http.StatusServiceUnavailable, "Sign-in check unavailable", "Gatehouse could not check your sign-in just now. Try again in a moment.")
		middleware.Logger(r.Context()).Error("gateway check failed", "route", rt.Name, "err", err)
		return
	}
	switch res.Verdict {
	case gateway.NeedLogin:
		login := p.checker.LoginRedirect(o)
		if forwardauth.WantsHTML(r.Header) {
			http.Redirect(rec, r, login, http.StatusFound)
			return
		}
		rec.Header().Set(forwardauth.HeaderLoginURL, login)
		respond.Error(rec, r, domain.Errorf(domain.CodeUnauthenticated, "%s", res.Reason))
		return
	case gateway.Forbidden:
		if forwardauth.WantsHTML(r.Header) {
			errorPage(rec, r, http.StatusForbidden, "Access denied", res.Reason)
			return
		}
		respond.Error(rec, r, domain.Errorf(domain.CodeForbidden, "%s", res.Reason))
		return
	}
	// The server's write timeout bounds Gatehouse's own answers, not a stream or a WebSocket
	// relayed from upstream; a read timeout would end an upgraded connection too.
	rc := http.NewResponseController(rec)
	_ = rc.SetWriteDeadline(time.Time{})
	if r.Header.Get("Upgrade") != "" {
		_ = rc.SetReadDeadline(time.Time{})
	}
	out := r.Clone(r.Context())
	forwardauth.SetIdentity(out.Header, res) // strips every incoming X-Auth-* first
	p.routes[rt].ServeHTTP(rec, out)
}

// reverseProxy builds the httputil.ReverseProxy of a route.
func (p *Proxy) reverseProxy(rt *gateway.Route) *httputil.ReverseProxy {
	cookieNames := []string{p.checker.Cookies.SessionNameFor(false), p.checker.Cookies.SessionNameFor(true)}
	prefix, target := rt.Prefix(), rt.Upstream
	return &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			in := pr.In
			pr.SetURL(target)
			pr.SetXForwarded()
			pr.Out.Host = in.Host // the upstream sees the host the client asked for
			// The upstream gets the path the rules were matched against, so that it cannot
			// read the request differently (serve refused every path NormalizePath refuses).
			norm, _ := gateway.NormalizePath(in.URL.EscapedPath())
			if target.Path != "" && target.Path != "/" {
				norm = strings.TrimSuffix(target.Path, "/") + norm[min(len(prefix), len(norm)):]
			}
			pr.Out.URL.RawPath = norm
			if p, err := url.PathUnescape(norm); err == nil {
				pr.Out.URL.Path = p
			}
			for name, vals := range rt.Headers {
				pr.Out.Header[name] = append([]string(nil), vals...)
			}
			removeCookies(pr.Out.Header, cookieNames)
		},
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			middleware.Logger(r.Context()).Warn("upstream failed", "route", rt.Name, "upstream", target.Redacted(), "err", err)
			if errors.Is(err, http.ErrAbortHandler) {
				panic(err)
			}
			errorPage(w, r, http.StatusBadGateway, "Bad gateway",
				fmt.Sprintf("The service behind %s did not answer. Try again in a moment.", rt.Name))
		},
		ErrorLog:   slog.NewLogLogger(slog.DiscardHandler, slog.LevelError),
		BufferPool: buffers,
	}
}

// bufferPool lends ReverseProxy its 32 KiB copy buffers instead of a new one per answer.
type bufferPool struct{ p sync.Pool }

var buffers = &bufferPool{p: sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}}

func (b *bufferPool) Get() []byte  { return *(b.p.Get().(*[]byte)) }
func (b *bufferPool) Put(p []byte) { b.p.Put(&p) }

// removeCookies drops the named cookies from the Cookie headers, keeping the others.
func removeCookies(h http.Header, names []string) {
	vals := h.Values("Cookie")
	if len(vals) == 0 {
		return
	}
	var kept []string
	for _, line := range vals {
		for part := range strings.SplitSeq(line, ";") {
			name, _, _ := strings.Cut(strings.TrimSpace(part), "=")
			drop := false
			for _, n := range names {
				drop = drop || name == n
			}
			if !drop && strings.TrimSpace(part) != "" {
				kept = append(kept, strings.TrimSpace(part))
			}
		}
	}
	h.Del("Cookie")
	if len(kept) > 0 {
		h.Set("Cookie", strings.Join(kept, "; "))
	}
}

// errorPage writes a small HTML page.
func errorPage(w http.ResponseWriter, _ *http.Request, status int, title, text string) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	h.Del("Content-Length")
	w.WriteHeader(status)
	fmt.Fprintf(w, `<!doctype html><html><head><meta charset="utf-8"><title>%d %s</title></head>`+
		`<body style="font-family:sans-serif;max-width:40em;margin:4em auto"><h1>%s</h1><p>%s</p><p><small>Gatehouse gateway · %d</small></p></body></html>`+"\n",
		status, html.EscapeString(title), html.EscapeString(title), html.EscapeString(text), status)
}
