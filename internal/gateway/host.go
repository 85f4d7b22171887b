package gateway

import (
	"fmt"
	"net"
	"strings"
)

// hostPattern matches the Host of a request: exact, "*.parent" (any sub-domain of parent) or
// "*" (any). Without a port it matches any port.
type hostPattern struct {
	text     string // lower case
	any      bool
	suffix   string // ".parent" for "*.parent"
	name     string // host name, lower case
	port     string // "" → any port
	wildcard bool
}

func parseHostPattern(s string) (hostPattern, error) {
	s = strings.ToLower(s)
	if s == "*" {
		return hostPattern{text: s, any: true}, nil
	}
	name, port := SplitHostPort(s)
	hp := hostPattern{text: s, name: name, port: port}
	if rest, ok := strings.CutPrefix(name, "*."); ok {
		hp.wildcard, hp.suffix, hp.name = true, "."+rest, rest
	}
	if !ValidHost(hp.name) || port != "" && !validPort(port) {
		return hostPattern{}, fmt.Errorf("host %q: want a host name, *.parent or *", s)
	}
	return hp, nil
}

// match reports whether host ("name" or "name:port", lower case) matches.
func (hp hostPattern) match(host string) bool {
	if hp.any {
		return true
	}
	name, port := SplitHostPort(host)
	if hp.port != "" && port != hp.port {
		return false
	}
	if hp.wildcard {
		return len(name) > len(hp.suffix) && strings.HasSuffix(name, hp.suffix)
	}
	return name == hp.name
}

// SplitHostPort splits "host:port", "[v6]:port", "host" and "[v6]"; the name keeps no brackets.
func SplitHostPort(s string) (name, port string) {
	if h, p, err := net.SplitHostPort(s); err == nil {
		return h, p
	}
	return strings.TrimSuffix(strings.TrimPrefix(s, "["), "]"), ""
}

// ValidHost reports whether s is a plausible host name or IP literal: letters, digits, '-',
// '.', and ':' for IPv6, nothing that could end the authority of a URL ('/', '@', '\', '?').
func ValidHost(s string) bool {
	if s == "" || len(s) > 253 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == ':' || c == '_') {
			return false
		}
	}
	return true
}

func validPort(p string) bool {
	if p == "" || len(p) > 5 {
		return false
	}
	for i := 0; i < len(p); i++ {
		if p[i] < '0' || p[i] > '9' {
			return false
		}
	}
	return true
}

// CleanHost validates a Host header value ("name[:port]") and returns it in lower case, or
// false when it is not a host.
func CleanHost(h string) (string, bool) {
	h = strings.ToLower(strings.TrimSpace(h))
	name, port := SplitHostPort(h)
	name = strings.TrimSuffix(name, ".")
	if !ValidHost(name) || port != "" && !validPort(port) {
		return "", false
	}
	if port != "" {
		return net.JoinHostPort(name, port), true
	}
	if strings.Contains(name, ":") {
		return "[" + name + "]", true
	}
	return name, true
}
