package rediskv

import (
	"crypto/tls"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/redis/go-redis/v9"
)

// topology is how Gatehouse reaches Redis.
type topology int

const (
	standalone topology = iota
	sentinel
	cluster
)

var schemes = map[string]struct {
	topo topology
	tls  bool
}{
	"redis":           {standalone, false},
	"rediss":          {standalone, true},
	"redis-sentinel":  {sentinel, false},
	"rediss-sentinel": {sentinel, true},
	"redis-cluster":   {cluster, false},
	"rediss-cluster":  {cluster, true},
}

// urlError is the error of a URL that cannot be used; it never repeats the URL, which may hold
// a password.
func urlError(format string, args ...any) error {
	return domain.Errorf(domain.CodeInvalidInput, "rediskv: Redis URL: "+format, args...)
}

// ParseURL turns a Redis URL of one of the forms in the package documentation into the options
// of a go-redis universal client. It connects to nothing; use it to validate configuration.
func ParseURL(raw string) (*redis.UniversalOptions, error) {
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return nil, urlError("want scheme://host:port…, e.g. redis://127.0.0.1:6379/0")
	}
	sc, ok := schemes[strings.ToLower(scheme)]
	if !ok {
		return nil, urlError("unknown scheme %q (want redis, rediss, redis-sentinel, rediss-sentinel, redis-cluster or rediss-cluster)", scheme)
	}
	authority, tail := rest, ""
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		authority, tail = rest[:i], rest[i:]
	}
	if strings.Contains(tail, "#") {
		return nil, urlError("a fragment (#…) has no meaning here; percent-encode '#' in a password as %%23")
	}
	path, rawQuery, _ := strings.Cut(tail, "?")

	o := &redis.UniversalOptions{}
	hosts := authority
	if i := strings.LastIndex(authority, "@"); i >= 0 {
		var err error
		if o.Username, o.Password, err = userinfo(authority[:i]); err != nil {
			return nil, err
		}
		hosts = authority[i+1:]
	}
	defaultPort := "6379"
	if sc.topo == sentinel {
		defaultPort = "26379"
	}
	for h := range strings.SplitSeq(hosts, ",") {
		addr, err := hostPort(h, defaultPort)
		if err != nil {
			return nil, err
		}
		o.Addrs = append(o.Addrs, addr)
	}

	db := -1
	path = strings.TrimPrefix(path, "/")
	switch sc.topo {
	case standalone:
		if len(o.Addrs) != 1 {
			return nil, urlError("%s:// takes one host; for several use %s-cluster:// or %s-sentinel://", scheme, scheme, scheme)
		}
		if path != "" {
			n, err := strconv.Atoi(path)
			if err != nil || n < 0 {
				return nil, urlError("the path must be a database number, not %q", path)
			}
			db = n
		}
	case sentinel:
		if path == "" || strings.Contains(path, "/") {
			return nil, urlError("%s:// needs the master's name as its path: %s://host:26379/MASTERNAME", scheme, scheme)
		}
		name, err := url.PathUnescape(path)
		if err != nil {
			return nil, urlError("bad percent-encoding in the master name")
		}
		o.MasterName = name
	case cluster:
		if path != "" {
			return nil, urlError("%s:// takes no path: a cluster has a single database", scheme)
		}
		o.IsClusterMode = true // also with a single seed address
	}

	if err := applyQuery(o, rawQuery, sc.topo, sc.tls, &db); err != nil {
		return nil, err
	}
	if db > 0 {
		o.DB = db
	}
	if sc.tls {
		if o.TLSConfig == nil {
			o.TLSConfig = &tls.Config{}
		}
		// ServerName stays empty: each connection verifies the host it dials.
		o.TLSConfig.MinVersion = tls.VersionTLS12
	}
	return o, nil
}

// userinfo decodes "user:password", ":password" or "user".
func userinfo(s string) (user, password string, err error) {
	u, p, _ := strings.Cut(s, ":")
	if user, err = url.PathUnescape(u); err != nil {
		return "", "", urlError("bad percent-encoding in the user name")
	}
	if password, err = url.PathUnescape(p); err != nil {
		return "", "", urlError("bad percent-encoding in the password")
	}
	return user, password, nil
}

// hostPort checks one "host", "host:port", "[v6]" or "[v6]:port" and adds the default port.
func hostPort(h, defaultPort string) (string, error) {
	if h == "" {
		return "", urlError("a host is missing (want host:port, several separated by commas)")
	}
	host, port := h, defaultPort
	switch {
	case strings.HasPrefix(h, "[") && strings.HasSuffix(h, "]"):
		host = h[1 : len(h)-1]
	case strings.HasPrefix(h, "[") || strings.Count(h, ":") == 1:
		var err error
		if host, port, err = net.SplitHostPort(h); err != nil {
			return "", urlError("bad host:port %q", h)
		}
	case strings.Contains(h, ":"):
		return "", urlError("bad host %q: write an IPv6 address in brackets, [::1]:6379", h)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return "", urlError("bad port in %q", h)
	}
	if !validHost(host) {
		return "", urlError("bad host %q", h)
	}
	return net.JoinHostPort(host, port), nil
}

// validHost accepts a DNS name or IPv4 address (letters, digits, '.', '-', '_') or an IPv6
// address, with an optional zone.
func validHost(host string) bool {
	if strings.Contains(host, ":") {
		addr, _, _ := strings.Cut(host, "%")
		return net.ParseIP(addr) != nil
	}
	if host == "" {
		return false
	}
	for _, r := range host {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// applyQuery sets the options given as query parameters; an unknown one is an error.
func applyQuery(o *redis.UniversalOptions, rawQuery string, topo topology, useTLS bool, db *int) error {
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return urlError("bad query string")
	}
	for name, vals := range q {
		v := vals[len(vals)-1]
		var err error
		switch name {
		case "db":
			if topo == cluster {
				return urlError("db: a cluster has a single database")
			}
			n, perr := strconv.Atoi(v)
			switch {
			case perr != nil || n < 0:
				err = fmt.Errorf("want a database number")
			case *db >= 0 && *db != n:
				err = fmt.Errorf("the path already names database %d", *db)
			default:
				*db = n
			}
		case "dial_timeout":
			o.DialTimeout, err = duration(v)
		case "read_timeout":
			o.ReadTimeout, err = duration(v)
		case "write_timeout":
			o.WriteTimeout, err = duration(v)
		case "pool_timeout":
			o.PoolTimeout, err = duration(v)
		case "conn_max_idle_time":
			o.ConnMaxIdleTime, err = duration(v)
		case "conn_max_lifetime":
			o.ConnMaxLifetime, err = duration(v)
		case "pool_size":
			o.PoolSize, err = count(v, 1)
		case "min_idle_conns":
			o.MinIdleConns, err = count(v, 0)
		case "max_idle_conns":
			o.MaxIdleConns, err = count(v, 0)
		case "max_retries":
			o.MaxRetries, err = count(v, -1)
		case "client_name":
			o.ClientName = v
		case "sentinel_username", "sentinel_password":
			if topo != sentinel {
				return urlError("%s: only for redis-sentinel:// and rediss-sentinel://", name)
			}
			if name == "sentinel_username" {
				o.SentinelUsername = v
			} else {
				o.SentinelPassword = v
			}
		case "skip_verify":
			if !useTLS {
				return urlError("skip_verify: only for the TLS schemes (rediss…)")
			}
			var skip bool
			if skip, err = strconv.ParseBool(v); err == nil {
				o.TLSConfig = &tls.Config{InsecureSkipVerify: skip} //nolint:gosec // asked for explicitly
			}
		default:
			return urlError("unknown option %q", name)
		}
		if err != nil {
			return urlError("%s=%q: %v", name, v, err)
		}
	}
	return nil
}

// duration reads a Go duration ("500ms", "3s") or a whole number of seconds ("3").
func duration(v string) (time.Duration, error) {
	if n, err := strconv.Atoi(v); err == nil && n >= 0 {
		return time.Duration(n) * time.Second, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("want a duration such as 500ms or 3s")
	}
	return d, nil
}

func count(v string, least int) (int, error) {
	n, err := strconv.Atoi(v)
	if err != nil || n < least {
		return 0, fmt.Errorf("want a whole number of at least %d", least)
	}
	return n, nil
}
