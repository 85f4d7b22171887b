package middleware

import (
	"context"
	"net/http"
	"net/netip"
	"strings"
)

// ClientIP finds the address of the client: the peer, or, when the peer is a trusted proxy,
// the right-most address of X-Forwarded-For that no trusted proxy owns.
type ClientIP struct {
	trusted []netip.Prefix
}

// NewClientIP returns a ClientIP that believes X-Forwarded-For and X-Forwarded-Proto only
// from peers inside trusted. With no prefixes it believes no header.
func NewClientIP(trusted []netip.Prefix) *ClientIP {
	ps := make([]netip.Prefix, 0, len(trusted))
	for _, p := range trusted {
		if p.IsValid() {
			ps = append(ps, p.Masked())
		}
	}
	return &ClientIP{trusted: ps}
}

type client struct {
	addr  netip.Addr
	https bool
}

// Middleware stores the client address and scheme in the request's context.
func (c *ClientIP) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		peer := peerAddr(r.RemoteAddr)
		cl := client{addr: peer, https: r.TLS != nil}
		if c.Trusted(peer) {
			cl.addr = c.forwardedFor(peer, r.Header.Values("X-Forwarded-For"))
			if proto := lastElement(r.Header.Values("X-Forwarded-Proto")); proto != "" {
				cl.https = strings.EqualFold(proto, "https")
			}
		}
		r, st := withState(r)
		st.client, st.hasClient = cl, true
		next.ServeHTTP(w, r)
	})
}

// Resolve returns the client address of a request from peer remoteAddr ("ip:port") carrying
// the given X-Forwarded-For header values.
func (c *ClientIP) Resolve(remoteAddr string, forwardedFor []string) netip.Addr {
	peer := peerAddr(remoteAddr)
	if !c.Trusted(peer) {
		return peer
	}
	return c.forwardedFor(peer, forwardedFor)
}

// Trusted reports whether addr belongs to a trusted proxy.
func (c *ClientIP) Trusted(addr netip.Addr) bool {
	if !addr.IsValid() {
		return false
	}
	for _, p := range c.trusted {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// forwardedFor walks X-Forwarded-For from the right, skipping trusted proxies, and returns the
// first untrusted address. When every hop is trusted it returns the left-most one; when a
// trusted hop reported something that is not an address it returns that hop, the last one
// that can be vouched for.
func (c *ClientIP) forwardedFor(peer netip.Addr, values []string) netip.Addr {
	last := peer
	for i := len(values) - 1; i >= 0; i-- {
		rest := values[i]
		for rest != "" {
			var elem string
			if j := strings.LastIndexByte(rest, ','); j >= 0 {
				rest, elem = rest[:j], rest[j+1:]
			} else {
				rest, elem = "", rest
			}
			elem = strings.TrimSpace(elem)
			if elem == "" {
				continue
			}
			addr, ok := parseForwardedAddr(elem)
			if !ok {
				return last
			}
			if !c.Trusted(addr) {
				return addr
			}
			last = addr
		}
	}
	return last
}

// parseForwardedAddr accepts "ip", "ip:port", "[ipv6]" and "[ipv6]:port"; zones are dropped
// and IPv4-mapped IPv6 addresses unmapped.
func parseForwardedAddr(s string) (netip.Addr, bool) {
	if len(s) > 64 {
		return netip.Addr{}, false
	}
	if addr, err := netip.ParseAddr(s); err == nil {
		return addr.WithZone("").Unmap(), true
	}
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().WithZone("").Unmap(), true
	}
	if strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]") {
		if addr, err := netip.ParseAddr(s[1 : len(s)-1]); err == nil && addr.Is6() {
			return addr.WithZone("").Unmap(), true
		}
	}
	return netip.Addr{}, false
}

// peerAddr parses http.Request.RemoteAddr; a unix socket or garbage gives the zero Addr.
func peerAddr(remoteAddr string) netip.Addr {
	if ap, err := netip.ParseAddrPort(remoteAddr); err == nil {
		return ap.Addr().WithZone("").Unmap()
	}
	if addr, err := netip.ParseAddr(remoteAddr); err == nil {
		return addr.WithZone("").Unmap()
	}
	return netip.Addr{}
}

// lastElement is the right-most comma-separated element of the header values, trimmed: the
// one our trusted peer wrote.
func lastElement(values []string) string {
	for i := len(values) - 1; i >= 0; i-- {
		v := values[i]
		if j := strings.LastIndexByte(v, ','); j >= 0 {
			v = v[j+1:]
		}
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}

// ClientIPFrom returns the client address stored by ClientIP.Middleware, or the zero Addr.
func ClientIPFrom(ctx context.Context) netip.Addr {
	if st := stateFrom(ctx); st != nil && st.hasClient {
		return st.client.addr
	}
	return netip.Addr{}
}

// IsHTTPS reports whether the client reached Gatehouse over HTTPS: TLS on this connection, or
// X-Forwarded-Proto: https from a trusted proxy (as judged by ClientIP.Middleware).
func IsHTTPS(r *http.Request) bool {
	if st := stateFrom(r.Context()); st != nil && st.hasClient {
		return st.client.https
	}
	return r.TLS != nil
}
