package rediskv

import (
	"errors"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/domain"
)

func TestParseURL(t *testing.T) {
	type want struct {
		addrs              string // comma separated
		user, pass         string
		db                 int
		master             string
		cluster, tls, skip bool
		sentUser, sentPass string
		dial, read         time.Duration
		pool, retries      int
		clientName         string
	}
	for _, c := range []struct {
		url  string
		want want
	}{
		{"redis://127.0.0.1:6379", want{addrs: "127.0.0.1:6379"}},
		{"redis://localhost", want{addrs: "localhost:6379"}},
		{"redis://127.0.0.1:6379/", want{addrs: "127.0.0.1:6379"}},
		{"redis://127.0.0.1:6379/3", want{addrs: "127.0.0.1:6379", db: 3}},
		{"redis://127.0.0.1?db=4", want{addrs: "127.0.0.1:6379", db: 4}},
		{"REDIS://h:1", want{addrs: "h:1"}},
		{"redis://gh:p%40ss%3Aw%2Frd@h:6380/1", want{addrs: "h:6380", user: "gh", pass: "p@ss:w/rd", db: 1}},
		{"redis://:secret@h:6380", want{addrs: "h:6380", pass: "secret"}},
		{"redis://[::1]:6379/2", want{addrs: "[::1]:6379", db: 2}},
		{"redis://[::1]", want{addrs: "[::1]:6379"}},
		{"rediss://u:p@cache.example.com:6380/0", want{addrs: "cache.example.com:6380", user: "u", pass: "p", tls: true}},
		{"rediss://h?skip_verify=true", want{addrs: "h:6379", tls: true, skip: true}},
		{"redis://h:6379/0?dial_timeout=3&read_timeout=500ms&pool_size=50&max_retries=-1&client_name=gatehouse",
			want{addrs: "h:6379", dial: 3 * time.Second, read: 500 * time.Millisecond, pool: 50, retries: -1, clientName: "gatehouse"}},
		{"redis-sentinel://s1:26379,s2:26379,s3/mymaster",
			want{addrs: "s1:26379,s2:26379,s3:26379", master: "mymaster"}},
		{"redis-sentinel://:pw@s1,s2/mymaster?db=2&sentinel_password=spw&sentinel_username=su",
			want{addrs: "s1:26379,s2:26379", master: "mymaster", pass: "pw", db: 2, sentUser: "su", sentPass: "spw"}},
		{"rediss-sentinel://s1:26380/my%20master", want{addrs: "s1:26380", master: "my master", tls: true}},
		{"redis-cluster://127.0.0.1:7001,127.0.0.1:7002,127.0.0.1:7003",
			want{addrs: "127.0.0.1:7001,127.0.0.1:7002,127.0.0.1:7003", cluster: true}},
		{"redis-cluster://seed.example.com:7000", want{addrs: "seed.example.com:7000", cluster: true}},
		{"rediss-cluster://u:p@n1:7000,n2:7000?pool_size=20",
			want{addrs: "n1:7000,n2:7000", user: "u", pass: "p", cluster: true, tls: true, pool: 20}},
	} {
		o, err := ParseURL(c.url)
		if err != nil {
			t.Errorf("ParseURL(%q): %v", c.url, err)
			continue
		}
		got := want{
			addrs: strings.Join(o.Addrs, ","), user: o.Username, pass: o.Password, db: o.DB, master: o.MasterName,
			cluster: o.IsClusterMode, tls: o.TLSConfig != nil, skip: o.TLSConfig != nil && o.TLSConfig.InsecureSkipVerify,
			sentUser: o.SentinelUsername, sentPass: o.SentinelPassword, dial: o.DialTimeout, read: o.ReadTimeout,
			pool: o.PoolSize, retries: o.MaxRetries, clientName: o.ClientName,
		}
		if got != c.want {
			t.Errorf("ParseURL(%q) =\n %+v, want\n %+v", c.url, got, c.want)
		}
	}
}

func TestParseURLErrors(t *testing.T) {
	for _, c := range []struct{ url, says string }{
		{"", "scheme://"},
		{"127.0.0.1:6379", "scheme://"},
		{"http://h:6379", "unknown scheme"},
		{"redis://", "host is missing"},
		{"redis://h1:6379,h2:6379", "takes one host"},
		{"redis://h:6379/x", "database number"},
		{"redis://h:6379/-1", "database number"},
		{"redis://h:6379/1/2", "database number"},
		{"redis://h:notaport", "bad port"},
		{"redis://h:0", "bad port"},
		{"redis://h:70000", "bad port"},
		{"redis://::1:6379", "IPv6"},
		{"redis://h,/0", "host is missing"},
		{"redis-cluster://0[", "bad host"},
		{"redis://h%20x:6379", "bad host"},
		{"redis://h/1?db=2", "already names database 1"},
		{"redis://h?db=x", "db="},
		{"redis://h?dial_timeout=soon", "dial_timeout="},
		{"redis://h?pool_size=0", "pool_size="},
		{"redis://h?max_retries=-2", "max_retries="},
		{"redis://h?frobnicate=1", `unknown option "frobnicate"`},
		{"redis://h?skip_verify=true", "only for the TLS schemes"},
		{"redis://h?sentinel_password=x", "only for redis-sentinel"},
		{"redis://u:p%zz@h", "percent-encoding in the password"},
		{"redis://h#frag", "fragment"},
		{"redis-sentinel://s1,s2", "master's name"},
		{"redis-sentinel://s1,s2/", "master's name"},
		{"redis-sentinel://s1/a/b", "master's name"},
		{"redis-cluster://n1:7000,n2:7000/0", "takes no path"},
		{"redis-cluster://n1:7000?db=1", "single database"},
		{"redis-cluster://n1:7000,,n3:7000", "host is missing"},
	} {
		_, err := ParseURL(c.url)
		if !errors.Is(err, domain.ErrInvalid) {
			t.Errorf("ParseURL(%q) = %v, want an invalid-input error", c.url, err)
			continue
		}
		if !strings.Contains(err.Error(), c.says) {
			t.Errorf("ParseURL(%q) = %q, want it to say %q", c.url, err, c.says)
		}
	}
	// The error never repeats the URL, whose password may be in it.
	if _, err := ParseURL("redis://u:hunter2@h?frobnicate=1"); err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("error %v shows the password", err)
	}
}

// FuzzParseURL: any input either parses to usable addresses or fails with an invalid-input
// error; it never panics.
func FuzzParseURL(f *testing.F) {
	for _, seed := range []string{
		"redis://127.0.0.1:6379/0", "rediss://u:p@h:6380/2?dial_timeout=3s&skip_verify=true",
		"redis-sentinel://:pw@s1,s2:26380/mymaster?db=1&sentinel_password=x",
		"redis-cluster://a:7001,b:7002,[::1]:7003?pool_size=5", "redis://[::1", "redis://%zz@h",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		o, err := ParseURL(raw)
		if err != nil {
			if !errors.Is(err, domain.ErrInvalid) {
				t.Fatalf("ParseURL(%q): %v is not an invalid-input error", raw, err)
			}
			return
		}
		if len(o.Addrs) == 0 {
			t.Fatalf("ParseURL(%q) gave no address", raw)
		}
		for _, a := range o.Addrs {
			host, port, err := net.SplitHostPort(a)
			n, perr := strconv.Atoi(port)
			if err != nil || host == "" || perr != nil || n < 1 || n > 65535 {
				t.Fatalf("ParseURL(%q) gave the bad address %q", raw, a)
			}
		}
		if o.DB < 0 {
			t.Fatalf("ParseURL(%q) gave database %d", raw, o.DB)
		}
	})
}
