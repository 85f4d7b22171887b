package config

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"

	"github.com/gatehouse/gatehouse/internal/domain"
)

// source is one run of Load: a YAML file (when not empty), an environment and flags (parsed
// from args when not nil).
type source struct {
	yaml string
	env  []string
	args []string
}

func (s source) load(t *testing.T) (Config, error) {
	t.Helper()
	opts := LoadOptions{Environ: s.env}
	if s.yaml != "" {
		opts.File = writeFile(t, s.yaml)
	}
	if s.args != nil {
		opts.Flags = parseFlags(t, s.args...)
	}
	return Load(opts)
}

func writeFile(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "gatehouse.yaml")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func parseFlags(t *testing.T, args ...string) *pflag.FlagSet {
	t.Helper()
	fs := pflag.NewFlagSet("gatehouse", pflag.ContinueOnError)
	BindFlags(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return fs
}

// problemLines returns the problems of err as "key: problem", checking that the error is the
// invalid_input *domain.Error and that its message lists the same lines.
func problemLines(t *testing.T, err error) []string {
	t.Helper()
	var de *domain.Error
	if !errors.As(err, &de) {
		t.Fatalf("error %v (%T) is not a *domain.Error", err, err)
	}
	if de.Code != domain.CodeInvalidInput || !errors.Is(err, domain.ErrInvalid) {
		t.Errorf("code = %q, want invalid_input", de.Code)
	}
	var lines []string
	for _, f := range de.Fields {
		lines = append(lines, f.Field+": "+f.Problem)
	}
	if got := strings.Split(err.Error(), "\n"); !reflect.DeepEqual(got, lines) {
		t.Errorf("message lines %q differ from the fields %q", got, lines)
	}
	return lines
}

// assertProblems checks that every wanted problem starts one line of err's problems, and that
// there are no others.
func assertProblems(t *testing.T, err error, want ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error; want %q", want)
	}
	lines := problemLines(t, err)
	used := make([]bool, len(lines))
	for _, w := range want {
		found := false
		for i, l := range lines {
			if !used[i] && strings.HasPrefix(l, w) {
				used[i], found = true, true
				break
			}
		}
		if !found {
			t.Errorf("problem %q not listed", w)
		}
	}
	for i, l := range lines {
		if !used[i] {
			t.Errorf("unexpected problem %q", l)
		}
	}
}

func TestLoadLayers(t *testing.T) {
	tests := []struct {
		name string
		src  source
		want func(*Config) // edits Default() into the expected configuration
	}{
		{"nothing set gives the defaults", source{}, func(*Config) {}},
		{"the file overrides the defaults", source{yaml: "addr: 0.0.0.0:9000\nhttp:\n  shutdown_timeout: 5s\n"},
			func(c *Config) { c.Addr = "0.0.0.0:9000"; c.HTTP.ShutdownTimeout = 5 * time.Second }},
		{"the environment overrides the file", source{
			yaml: "addr: 0.0.0.0:9000\nlog:\n  level: warn\n  format: json\n",
			env:  []string{"GATEHOUSE_ADDR=:9001", "GATEHOUSE_LOG__LEVEL=debug"},
		}, func(c *Config) { c.Addr = ":9001"; c.Log = Log{Level: "debug", Format: "json"} }},
		{"flags override the environment", source{
			yaml: "addr: 0.0.0.0:9000\n",
			env:  []string{"GATEHOUSE_ADDR=:9001", "GATEHOUSE_LOG__LEVEL=warn", "GATEHOUSE_DATA_DIR=/env"},
			args: []string{"--addr", ":9002", "--log-level=error", "--demo"},
		}, func(c *Config) { c.Addr = ":9002"; c.Log.Level = "error"; c.Demo = true; c.DataDir = "/env" }},
		{"flags not given do not override", source{
			env:  []string{"GATEHOUSE_ADDR=:9001", "GATEHOUSE_DEMO=true"},
			args: []string{},
		}, func(c *Config) { c.Addr = ":9001"; c.Demo = true }},
		{"every setting flag", source{args: []string{
			"--addr=:1", "--data-dir=/d", "--database-url=postgres://db/gh", "--redis-url=redis://r:6379",
			"--public-url=https://sso.example.com", "--demo=true", "--log-level=debug", "--log-format=json",
		}}, func(c *Config) {
			c.Addr, c.DataDir, c.DatabaseURL, c.RedisURL = ":1", "/d", "postgres://db/gh", "redis://r:6379"
			c.PublicURL, c.Demo, c.Log = "https://sso.example.com", true, Log{Level: "debug", Format: "json"}
		}},
		{"an empty variable counts as unset", source{yaml: "addr: :9000\n", env: []string{"GATEHOUSE_ADDR="}},
			func(c *Config) { c.Addr = ":9000" }},
		{"a key without a value keeps the default", source{yaml: "public_url:\nlog:\nhttp:\n  read_timeout:\n"},
			func(*Config) {}},
		{"other variables are ignored", source{env: []string{"PATH=/bin", "GATEHOUSEX=1", "gatehouse_addr=x", "HOME"}},
			func(*Config) {}},
		{"nested keys from the environment", source{env: []string{
			"GATEHOUSE_HTTP__SHUTDOWN_TIMEOUT=5s",
			"GATEHOUSE_PASSWORD__ARGON2__MEMORY_KIB=65536",
			"GATEHOUSE_PASSWORD__ARGON2__PARALLELISM=4",
			"GATEHOUSE_PASSWORD__POLICY__FORBID_COMMON=false",
			"GATEHOUSE_HTTP__MAX_BODY_BYTES=2097152",
			"GATEHOUSE_BOOTSTRAP_ADMIN_PASSWORD=correct horse",
			"GATEHOUSE_TLS__CERT_FILE=/c.pem", "GATEHOUSE_TLS__KEY_FILE=/k.pem",
			"GATEHOUSE_SECRET_KEY=" + key(32), // ends in "="
		}}, func(c *Config) {
			c.SecretKey = key(32)
			c.HTTP.ShutdownTimeout = 5 * time.Second
			c.Password.Argon2.MemoryKiB, c.Password.Argon2.Parallelism = 65536, 4
			c.Password.Policy.ForbidCommon = false
			c.HTTP.MaxBodyBytes = 2 << 20
			c.BootstrapAdminPassword = "correct horse"
			c.TLS = TLS{CertFile: "/c.pem", KeyFile: "/k.pem"}
		}},
		{"comma lists from the environment", source{env: []string{"GATEHOUSE_HTTP__TRUSTED_PROXIES=10.0.0.0/8, 127.0.0.1,,::1"}},
			func(c *Config) { c.HTTP.TrustedProxies = []string{"10.0.0.0/8", "127.0.0.1", "::1"} }},
		{"a list from the environment replaces the file's", source{
			yaml: "http:\n  trusted_proxies: [192.168.0.0/16, 172.16.0.0/12]\n",
			env:  []string{"GATEHOUSE_HTTP__TRUSTED_PROXIES=10.0.0.1"},
		}, func(c *Config) { c.HTTP.TrustedProxies = []string{"10.0.0.1"} }},
		{"a list from the file", source{yaml: "http:\n  trusted_proxies:\n    - 10.0.0.0/8\n    - fd00::/8\n"},
			func(c *Config) { c.HTTP.TrustedProxies = []string{"10.0.0.0/8", "fd00::/8"} }},
		{"an empty file", source{yaml: "# nothing\n"}, func(*Config) {}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.src.load(t)
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			want := Default()
			tt.want(&want)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("Load =\n%+v\nwant\n%+v", got, want)
			}
		})
	}
}

func TestLoadDurations(t *testing.T) {
	tests := []struct {
		text string
		want time.Duration // 0: refused
	}{
		{"5s", 5 * time.Second},
		{"1h30m", 90 * time.Minute},
		{"1500ms", 1500 * time.Millisecond},
		{" 2m ", 2 * time.Minute},
		{"5", 0},    // no unit
		{"1d", 0},   // Go durations have no days
		{"soon", 0}, // not a duration
		{"-5s", -1}, // parses, but Validate wants it positive
		{"0s", -1},  // likewise
		{"5 s", 0},  // no spaces inside
		{"1e3s", 0}, // no exponents
		{"30m0s", 30 * time.Minute},
	}
	for _, tt := range tests {
		for _, src := range []struct {
			layer, key string
			source
		}{
			{"environment", "GATEHOUSE_HTTP__SHUTDOWN_TIMEOUT", source{env: []string{"GATEHOUSE_HTTP__SHUTDOWN_TIMEOUT=" + tt.text}}},
			{"file", "http.shutdown_timeout", source{yaml: "http:\n  shutdown_timeout: \"" + tt.text + "\"\n"}},
		} {
			t.Run(src.layer+"/"+tt.text, func(t *testing.T) {
				c, err := src.load(t)
				switch {
				case tt.want > 0:
					if err != nil || c.HTTP.ShutdownTimeout != tt.want {
						t.Errorf("shutdown_timeout = %v, %v; want %v", c.HTTP.ShutdownTimeout, err, tt.want)
					}
				case tt.want < 0:
					assertProblems(t, err, "http.shutdown_timeout: must be positive")
				default:
					assertProblems(t, err, src.key+": must be a duration")
				}
			})
		}
	}
}

func TestLoadProblems(t *testing.T) {
	tests := []struct {
		name string
		src  source
		want []string // each starts one line of the error
	}{
		{"unknown key in the file", source{yaml: "colour: blue\n"}, []string{"colour: unknown key"}},
		{"unknown nested key in the file", source{yaml: "http:\n  timeout: 5s\n"}, []string{"http.timeout: unknown key"}},
		{"flat dotted key in the file", source{yaml: "http.read_timeout: 5s\n"}, []string{"http.read_timeout: unknown key"}},
		{"section given a value", source{yaml: "log: debug\n"}, []string{"log: must be a mapping of settings"}},
		{"unknown variable", source{env: []string{"GATEHOUSE_COLOUR=blue"}}, []string{"GATEHOUSE_COLOUR: unknown variable"}},
		{"unknown variable even when empty", source{env: []string{"GATEHOUSE_COLOUR="}}, []string{"GATEHOUSE_COLOUR: unknown variable"}},
		{"nesting needs a double underscore", source{env: []string{"GATEHOUSE_HTTP_SHUTDOWN_TIMEOUT=5s"}},
			[]string{"GATEHOUSE_HTTP_SHUTDOWN_TIMEOUT: unknown variable"}},
		{"a section is no variable", source{env: []string{"GATEHOUSE_LOG=debug"}}, []string{"GATEHOUSE_LOG: unknown variable"}},
		{"lower-case names are not ours", source{env: []string{"GATEHOUSE_addr=:1"}}, []string{"GATEHOUSE_addr: unknown variable"}},
		{"wrong types in the file", source{yaml: `
addr: 8080
demo: "yes"
http:
  max_body_bytes: "1MB"
  read_timeout: 30
  trusted_proxies: 10.0.0.1
password:
  argon2:
    memory_kib: -1
    parallelism: 256
  policy:
    min_length: 8.5
`}, []string{
			"addr: must be a string",
			"demo: must be true or false",
			"http.read_timeout: must be a duration",
			"http.max_body_bytes: must be a whole number",
			"http.trusted_proxies: must be a list of strings",
			"password.argon2.memory_kib: must not be negative",
			"password.argon2.parallelism: must be at most 255",
			"password.policy.min_length: must be a whole number",
		}},
		{"a wrong list item in the file", source{yaml: "http:\n  trusted_proxies: [10.0.0.1, 7]\n"},
			[]string{"http.trusted_proxies[1]: must be a string"}},
		{"wrong types in the environment", source{env: []string{
			"GATEHOUSE_DEMO=yes",
			"GATEHOUSE_HTTP__MAX_BODY_BYTES=1MB",
			"GATEHOUSE_TOKENS__ACCESS_TTL=30",
			"GATEHOUSE_PASSWORD__ARGON2__ITERATIONS=-2",
		}}, []string{
			"GATEHOUSE_DEMO: must be true or false",
			"GATEHOUSE_HTTP__MAX_BODY_BYTES: must be a whole number",
			"GATEHOUSE_TOKENS__ACCESS_TTL: must be a duration",
			"GATEHOUSE_PASSWORD__ARGON2__ITERATIONS: must not be negative",
		}},
		{"bad flag values are validated", source{args: []string{"--log-level=verbose", "--public-url=sso.example.com"}},
			[]string{`log.level: must be one of debug, info, warn, error, not "verbose"`, "public_url: must be an absolute"}},
		{"a bad value in the file is reported though overridden", source{yaml: "addr: 8080\n", env: []string{"GATEHOUSE_ADDR=:9000"}},
			[]string{"addr: must be a string"}},
		{"invalid YAML", source{yaml: "addr: [\n"}, []string{"config: "}},
		{"duplicate YAML key", source{yaml: "addr: :1\naddr: :2\n"}, []string{"config: "}},
		{"every layer's problems at once", source{
			yaml: "colour: blue\nhttp:\n  max_body_bytes: -1\n  trusted_proxies: [10.0.0.0/33]\ntls:\n  cert_file: c.pem\n",
			env: []string{
				"GATEHOUSE_SHAPE=round", "GATEHOUSE_DEMO=maybe", "GATEHOUSE_SECRET_KEY=too-short",
				"GATEHOUSE_PASSWORD__ARGON2__MEMORY_KIB=1024", "GATEHOUSE_PASSWORD__ARGON2__PARALLELISM=0",
				"GATEHOUSE_TOKENS__ACCESS_TTL=48h", "GATEHOUSE_TOKENS__REFRESH_TTL=1h",
				"GATEHOUSE_PASSWORD__POLICY__MIN_LENGTH=6",
			},
			args: []string{"--log-format=xml", "--redis-url=memcached://cache:11211"},
		}, []string{
			"colour: unknown key",
			"GATEHOUSE_SHAPE: unknown variable",
			"GATEHOUSE_DEMO: must be true or false",
			"redis_url: must start with redis://",
			"secret_key: must be base64",
			`log.format: must be one of text, json, not "xml"`,
			"http.max_body_bytes: must be positive",
			"http.trusted_proxies[0]: \"10.0.0.0/33\" is neither an IP address nor a CIDR",
			"tls.key_file: must be set when tls.cert_file is",
			"password.argon2.memory_kib: must be from 8192",
			"password.argon2.parallelism: must be at least 1",
			"password.policy.min_length: must be at least 8",
			"tokens.access_ttl: must be more than 1m0s and at most 24h0m0s",
			"tokens.refresh_ttl: must be at least tokens.access_ttl",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := tt.src.load(t)
			assertProblems(t, err, tt.want...)
			if !reflect.DeepEqual(c, Config{}) {
				t.Errorf("Load returned a configuration with its error")
			}
		})
	}
}

func TestLoadFile(t *testing.T) {
	path := writeFile(t, "addr: :7000\n")
	missing := filepath.Join(t.TempDir(), "missing.yaml")
	tests := []struct {
		name    string
		file    string
		args    []string
		addr    string
		problem string
	}{
		{"LoadOptions.File", path, nil, ":7000", ""},
		{"--config names the file", "", []string{"--config", path}, ":7000", ""},
		{"--config overrides LoadOptions.File", missing, []string{"--config=" + path}, ":7000", ""},
		{"a missing file is an error", missing, nil, "", "config: cannot read " + missing + ": no such file or directory"},
		{"a missing --config file is an error", "", []string{"--config", missing}, "", "config: cannot read " + missing},
		{"a directory is an error", t.TempDir(), nil, "", "config: cannot read "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := LoadOptions{File: tt.file}
			if tt.args != nil {
				opts.Flags = parseFlags(t, tt.args...)
			}
			c, err := Load(opts)
			if tt.problem != "" {
				assertProblems(t, err, tt.problem)
				return
			}
			if err != nil || c.Addr != tt.addr {
				t.Errorf("addr = %q, %v; want %q", c.Addr, err, tt.addr)
			}
		})
	}
}

// Problems name what is wrong, never the value of a secret or a URL's password.
func TestLoadProblemsHideSecrets(t *testing.T) {
	_, err := source{
		yaml: "secret_key: 1234567890\nbootstrap_admin_password: 987654321\n",
		env: []string{
			"GATEHOUSE_DATABASE_URL=mysql://gh:db-password@db/gh",
			"GATEHOUSE_REDIS_URL=redis://:redis-password@r1:6379,r2:6379",
		},
		args: []string{"--public-url=https://admin:web-password@sso.example.com"},
	}.load(t)
	assertProblems(t, err, "secret_key: must be a string", "bootstrap_admin_password: must be a string",
		"database_url: must be empty, sqlite:PATH or a postgres:// URL", "redis_url: names one server",
		"public_url: must not hold a user name or password")
	for _, secret := range []string{"1234567890", "987654321", "db-password", "redis-password", "web-password"} {
		if strings.Contains(err.Error(), secret) {
			t.Errorf("the error shows %q:\n%v", secret, err)
		}
	}
}

func TestBindFlags(t *testing.T) {
	fs := pflag.NewFlagSet("gatehouse", pflag.ContinueOnError)
	BindFlags(fs)
	d := Default()
	for name, def := range map[string]string{
		"config": "", "addr": d.Addr, "data-dir": d.DataDir, "database-url": "", "redis-url": "",
		"public-url": "", "demo": "false", "log-level": "info", "log-format": "text",
	} {
		f := fs.Lookup(name)
		if f == nil {
			t.Errorf("--%s is not registered", name)
			continue
		}
		if f.DefValue != def {
			t.Errorf("--%s defaults to %q, want %q", name, f.DefValue, def)
		}
	}
}
