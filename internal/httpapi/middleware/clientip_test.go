package middleware_test

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/gatehouse/gatehouse/internal/httpapi/middleware"
)

var (
	loopback = netip.MustParsePrefix("127.0.0.0/8")
	proxies  = netip.MustParsePrefix("10.0.0.0/8")
	proxies6 = netip.MustParsePrefix("fd00::/8")
)

func TestForwardedForBelievedOnlyFromTrustedPeers(t *testing.T) {
	// The test client connects from 127.0.0.1: a trusted proxy in one stack, not in the other.
	trusting := newStack(t, []netip.Prefix{loopback, proxies}, false)
	distrusting := newStack(t, []netip.Prefix{proxies}, false)

	cases := []struct {
		name string
		xff  []string // one header line each
		want string   // as seen behind the trusting stack
	}{
		{"no header", nil, "127.0.0.1"},
		{"one client", []string{"203.0.113.9"}, "203.0.113.9"},
		{"spoofed by the client through a chain", []string{"6.6.6.6, 203.0.113.9, 10.0.0.2"}, "203.0.113.9"},
		{"spoofed in its own header line", []string{"6.6.6.6", "203.0.113.9, 10.1.2.3"}, "203.0.113.9"},
		{"every hop trusted", []string{"10.0.0.5, 10.0.0.2"}, "10.0.0.5"},
		{"port and spaces", []string{" 203.0.113.9:51234 ,10.0.0.2"}, "203.0.113.9"},
		{"bracketed IPv6 with port", []string{"[2001:db8::1]:443"}, "2001:db8::1"},
		{"IPv4-mapped IPv6", []string{"::ffff:203.0.113.9"}, "203.0.113.9"},
		{"zone dropped", []string{"fe80::1%eth0"}, "fe80::1"},
		{"empty elements", []string{", ,203.0.113.9,, "}, "203.0.113.9"},
		{"garbage from the client is left of the truth", []string{"<script>, 203.0.113.9"}, "203.0.113.9"},
		{"garbage written by a trusted hop", []string{"203.0.113.9, unknown"}, "127.0.0.1"},
		{"garbage behind trusted hops", []string{"203.0.113.9, bogus, 10.0.0.2"}, "10.0.0.2"},
		{"only garbage", []string{"not an address"}, "127.0.0.1"},
		{"a hostname", []string{"example.com"}, "127.0.0.1"},
		{"a CIDR", []string{"203.0.113.0/24"}, "127.0.0.1"},
		{"an overlong element", []string{strings.Repeat("1", 100)}, "127.0.0.1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var headers []string
			for _, v := range c.xff {
				headers = append(headers, "X-Forwarded-For", v)
			}
			if got, _ := trusting.seen(t, headers...); got.ClientIP != c.want {
				t.Errorf("trusted peer: client %s, want %s", got.ClientIP, c.want)
			}
			if got, _ := distrusting.seen(t, headers...); got.ClientIP != "127.0.0.1" {
				t.Errorf("untrusted peer: its header was believed: %s", got.ClientIP)
			}
		})
	}
}

func TestForwardedProtoBelievedOnlyFromTrustedPeers(t *testing.T) {
	trusting := newStack(t, []netip.Prefix{loopback}, false)
	distrusting := newStack(t, nil, false)
	tls := newStack(t, nil, true)

	if got, r := trusting.seen(t, "X-Forwarded-Proto", "https"); !got.HTTPS || r.header.Get("Strict-Transport-Security") == "" {
		t.Errorf("trusted https: %+v, HSTS %q", got, r.header.Get("Strict-Transport-Security"))
	}
	if got, _ := trusting.seen(t, "X-Forwarded-Proto", "https, http"); got.HTTPS {
		t.Error("the right-most (nearest) proto is http")
	}
	if got, r := distrusting.seen(t, "X-Forwarded-Proto", "https"); got.HTTPS || r.header.Get("Strict-Transport-Security") != "" {
		t.Errorf("untrusted https believed: %+v", got)
	}
	if got, _ := trusting.seen(t); got.HTTPS {
		t.Error("plain http called https")
	}
	if got, r := tls.seen(t); !got.HTTPS || r.header.Get("Strict-Transport-Security") != middleware.HSTS {
		t.Errorf("TLS: %+v, HSTS %q", got, r.header.Get("Strict-Transport-Security"))
	}
}

func TestResolve(t *testing.T) {
	c := middleware.NewClientIP([]netip.Prefix{proxies, proxies6, {}})
	cases := []struct {
		remote string
		xff    []string
		want   string
	}{
		{"10.0.0.1:80", []string{"198.51.100.1"}, "198.51.100.1"},
		{"[fd00::1]:80", []string{"198.51.100.1, fd00::7"}, "198.51.100.1"},
		{"[::ffff:10.0.0.1]:80", []string{"198.51.100.1"}, "198.51.100.1"},
		{"198.51.100.2:80", []string{"198.51.100.1"}, "198.51.100.2"},
		{"10.0.0.1:80", nil, "10.0.0.1"},
		{"@", []string{"198.51.100.1"}, "invalid IP"}, // a unix socket is no trusted proxy
		{"", []string{"198.51.100.1"}, "invalid IP"},
	}
	for _, tc := range cases {
		if got := c.Resolve(tc.remote, tc.xff).String(); got != tc.want {
			t.Errorf("Resolve(%q, %q) = %s, want %s", tc.remote, tc.xff, got, tc.want)
		}
	}
	if middleware.NewClientIP(nil).Trusted(netip.MustParseAddr("10.0.0.1")) {
		t.Error("no prefixes must trust nobody")
	}
}

func FuzzForwardedFor(f *testing.F) {
	for _, s := range []string{
		"", "1.2.3.4", "6.6.6.6, 1.2.3.4, 10.0.0.2", "garbage", "10.0.0.1, x", ",,,", "[::1]:80",
		"fe80::1%eth0", "::ffff:10.0.0.1", "1.2.3.4:99999", "[", "]", "1.2.3.4,\x00", strings.Repeat("10.0.0.1,", 50),
	} {
		f.Add("10.0.0.1:443", s)
		f.Add("203.0.113.5:443", s)
	}
	c := middleware.NewClientIP([]netip.Prefix{proxies, proxies6})
	f.Fuzz(func(t *testing.T, remote, xff string) {
		got := c.Resolve(remote, []string{xff})
		peer := c.Resolve(remote, nil)
		if want := reference(c, peer, xff); got != want {
			t.Fatalf("Resolve(%q, %q) = %s, the plain reading gives %s", remote, xff, got, want)
		}
		if c.Trusted(peer) && (!got.IsValid() || got.Zone() != "" || got.Is4In6()) {
			t.Fatalf("not a normalised address: %s", got)
		}
	})
}

// reference is the plain reading of X-Forwarded-For: split, walk from the right, skip
// trusted hops, stop at garbage.
func reference(c *middleware.ClientIP, peer netip.Addr, xff string) netip.Addr {
	if !c.Trusted(peer) {
		return peer
	}
	parts := strings.Split(xff, ",")
	last := peer
	for i := len(parts) - 1; i >= 0; i-- {
		p := strings.TrimSpace(parts[i])
		if p == "" {
			continue
		}
		var addr netip.Addr
		if a, err := netip.ParseAddr(p); err == nil {
			addr = a
		} else if ap, err := netip.ParseAddrPort(p); err == nil {
			addr = ap.Addr()
		} else if a, err := netip.ParseAddr(strings.TrimSuffix(strings.TrimPrefix(p, "["), "]")); err == nil && a.Is6() && p[0] == '[' && p[len(p)-1] == ']' {
			addr = a
		}
		if !addr.IsValid() || len(p) > 64 {
			return last
		}
		addr = addr.WithZone("").Unmap()
		if !c.Trusted(addr) {
			return addr
		}
		last = addr
	}
	return last
}
