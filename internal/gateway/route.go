package gateway

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// Route sends the requests of a host and path prefix to an upstream server, behind an access
// rule. Its text form:
//
//	HOST PREFIX UPSTREAM ACCESS [system=ID] [bind_ip] [header=Name:Value]…
//
// HOST as for rules but not "*"; PREFIX a plain path ("/" for everything); UPSTREAM an http or
// https URL whose path, when not empty, replaces PREFIX; ACCESS and options as for rules;
// header=Name:Value adds a header to every request sent upstream (no spaces in the value).
type Route struct {
	Name     string // "HOST PREFIX", the metrics label
	Upstream *url.URL
	Headers  http.Header
	Rule     Rule

	prefix string // normal form, no trailing slash ("" for "/")
}

// ParseRoute reads the text form of a route.
func ParseRoute(text string) (Route, error) {
	f := strings.Fields(text)
	if len(f) < 4 {
		return Route{}, fmt.Errorf("want HOST PREFIX UPSTREAM ACCESS [options], got %q", text)
	}
	host, prefix, upstream := f[0], f[1], f[2]
	if host == "*" {
		return Route{}, fmt.Errorf("a route names its host; * is not one")
	}
	if prefix != "/" && strings.HasSuffix(prefix, "/") {
		prefix = strings.TrimSuffix(prefix, "/")
	}
	if strings.Contains(prefix, "*") {
		return Route{}, fmt.Errorf("prefix %q: a plain path, no *", prefix)
	}
	u, err := url.Parse(upstream)
	if err != nil || u.Scheme != "http" && u.Scheme != "https" || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return Route{}, fmt.Errorf("upstream %q: want http(s)://host[:port][/path]", upstream)
	}
	rt := Route{Upstream: u, Headers: http.Header{}}
	var opts []string
	for _, o := range f[4:] {
		if hv, ok := strings.CutPrefix(o, "header="); ok {
			name, val, ok := strings.Cut(hv, ":")
			if !ok || name == "" || strings.HasPrefix(http.CanonicalHeaderKey(name), "X-Auth-") {
				return Route{}, fmt.Errorf("%s: want header=Name:Value, and not an X-Auth-* header", o)
			}
			rt.Headers.Add(name, val)
			continue
		}
		opts = append(opts, o)
	}
	if err := rt.Rule.setHostPath(host, joinPrefix(prefix)); err != nil {
		return Route{}, err
	}
	if err := rt.Rule.setAccess(f[3], opts); err != nil {
		return Route{}, err
	}
	rt.Rule.Text = "route " + host + " " + prefix
	rt.Name = rt.Rule.Host + " " + prefix
	rt.prefix = strings.TrimSuffix(prefix, "/")
	return rt, nil
}

// matchPrefix reports whether a normal path lies under the prefix (segment-wise).
func (rt *Route) matchPrefix(path string, fold bool) bool {
	if rt.prefix == "" {
		return true
	}
	if len(path) < len(rt.prefix) {
		return false
	}
	head := path[:len(rt.prefix)]
	if head != rt.prefix && !(fold && strings.EqualFold(head, rt.prefix)) {
		return false
	}
	return len(path) == len(rt.prefix) || path[len(rt.prefix)] == '/'
}

// Prefix is the route's path prefix without a trailing slash ("" for "/").
func (rt *Route) Prefix() string { return rt.prefix }
