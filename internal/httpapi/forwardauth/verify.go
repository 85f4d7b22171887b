package forwardauth

import (
	"net/http"
	"net/netip"
	"strings"

	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/gateway"
	"github.com/gatehouse/gatehouse/internal/httpapi/middleware"
	"github.com/gatehouse/gatehouse/internal/httpapi/respond"
)

// Handler serves the forward-auth endpoint.
type Handler struct {
	Checker *Checker
	// Proxies says which peers are trusted proxies (http.trusted_proxies): only theirs
	// X-Forwarded-* and X-Original-* headers are read.
	Proxies *middleware.ClientIP
}

// Mount registers /api/verify (proxies forward other methods too, so any is answered) and the
// return hop GET /gateway/return.
func (h *Handler) Mount(mux *http.ServeMux) {
	mux.HandleFunc("/api/verify", h.verify)
	mux.HandleFunc("GET /gateway/return", h.back)
}

// back is the return hop after sign-in: a redirect to url= when it lies on a protected host.
func (h *Handler) back(w http.ResponseWriter, r *http.Request) {
	target, ok := h.Checker.ReturnTarget(r.URL.Query().Get("url"))
	if !ok {
		respond.Error(w, r, domain.Errorf(domain.CodeInvalidInput, "the return address is not on a protected host"))
		return
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// style is the convention of the asking proxy.
type style int

const (
	styleForwarded style = iota // Traefik, Caddy: X-Forwarded-*; browsers get a 302
	styleNginx                  // nginx auth_request: X-Original-URL; always a 401 with the login URL
)

var errUnknownOriginal = domain.Errorf(domain.CodeInvalidInput,
	"the original request is unknown: send X-Forwarded-Host and X-Forwarded-Uri (or X-Original-URL) from a trusted proxy")

// verify answers 200 with identity headers, 401 (or, for browsers behind Traefik and Caddy, a
// 302 to the login page) when the caller must sign in, 403 when signed in but not allowed.
func (h *Handler) verify(w http.ResponseWriter, r *http.Request) {
	o, st, err := h.original(r)
	if err != nil {
		respond.Error(w, r, err)
		return
	}
	ip := ""
	if a := middleware.ClientIPFrom(r.Context()); a.IsValid() {
		ip = a.String()
	}
	res, err := h.Checker.Check(r.Context(), r.Header, o, ip)
	if err != nil {
		respond.Error(w, r, err)
		return
	}
	switch res.Verdict {
	case gateway.Allow:
		h := w.Header()
		SetIdentity(h, res)
		// Every identity header is present, empty when unknown: proxies that copy a header
		// the answer lacks may otherwise pass on something else (Caddy 2.6 its placeholder).
		for _, name := range identityHeaders {
			if _, ok := h[name]; !ok {
				h[name] = []string{""}
			}
		}
		w.WriteHeader(http.StatusOK)
	case gateway.NeedLogin:
		login := h.Checker.LoginRedirect(o)
		if st == styleForwarded && WantsHTML(r.Header) {
			http.Redirect(w, r, login, http.StatusFound)
			return
		}
		w.Header().Set(HeaderLoginURL, login)
		respond.Error(w, r, domain.Errorf(domain.CodeUnauthenticated, "%s", res.Reason))
	default:
		respond.Error(w, r, domain.Errorf(domain.CodeForbidden, "%s", res.Reason))
	}
}

// original reads the request the proxy asks about, from a trusted proxy only.
func (h *Handler) original(r *http.Request) (Original, style, error) {
	peer, _ := netip.ParseAddrPort(r.RemoteAddr)
	if !h.Proxies.Trusted(peer.Addr().Unmap()) {
		return Original{}, 0, errUnknownOriginal
	}
	if raw := r.Header.Get("X-Original-URL"); raw != "" {
		o, err := parseOriginalURL(raw)
		if err != nil {
			return Original{}, 0, err
		}
		o.Method = methodOr(r.Header.Get("X-Original-Method"), r.Method)
		return o, styleNginx, nil
	}
	host, uri := r.Header.Get("X-Forwarded-Host"), r.Header.Get("X-Forwarded-Uri")
	if host == "" || uri == "" {
		return Original{}, 0, errUnknownOriginal
	}
	proto := lastValue(r.Header.Values("X-Forwarded-Proto"))
	if proto != "" && proto != "http" && proto != "https" {
		return Original{}, 0, domain.Errorf(domain.CodeInvalidInput, "X-Forwarded-Proto must be http or https")
	}
	o, err := newOriginal(proto == "https", lastValue([]string{host}), uri)
	if err != nil {
		return Original{}, 0, err
	}
	o.Method = methodOr(r.Header.Get("X-Forwarded-Method"), r.Method)
	return o, styleForwarded, nil
}

// parseOriginalURL splits nginx's "$scheme://$http_host$request_uri" without unescaping it.
func parseOriginalURL(raw string) (Original, error) {
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok || scheme != "http" && scheme != "https" {
		return Original{}, domain.Errorf(domain.CodeInvalidInput, "X-Original-URL must be an absolute http(s) URL")
	}
	i := strings.IndexAny(rest, "/?")
	if i < 0 {
		i = len(rest)
	}
	uri := rest[i:]
	if strings.HasPrefix(uri, "?") {
		uri = "/" + uri
	}
	return newOriginal(scheme == "https", rest[:i], uri)
}

func newOriginal(https bool, host, uri string) (Original, error) {
	h, ok := gateway.CleanHost(host)
	if !ok {
		return Original{}, domain.Errorf(domain.CodeInvalidInput, "the original host is not a host name")
	}
	if uri == "" {
		uri = "/"
	}
	if strings.ContainsAny(uri, " \t\r\n#") || !strings.HasPrefix(uri, "/") {
		return Original{}, domain.Errorf(domain.CodeInvalidInput, "the original URI must be a path with an optional query")
	}
	o := Original{HTTPS: https, Host: h, URI: uri}
	path, _, _ := strings.Cut(uri, "?")
	o.Path, o.Bad = gateway.NormalizePath(path)
	return o, nil
}

func methodOr(m, def string) string {
	if m == "" || len(m) > 20 || strings.ContainsAny(m, " \t\r\n") {
		return def
	}
	return m
}

// lastValue is the right-most comma-separated element, the one the nearest proxy wrote.
func lastValue(values []string) string {
	if len(values) == 0 {
		return ""
	}
	v := values[len(values)-1]
	if i := strings.LastIndexByte(v, ','); i >= 0 {
		v = v[i+1:]
	}
	return strings.ToLower(strings.TrimSpace(v))
}
