package config

import (
	"os"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

const docPath = "../../docs/configuration.md"

func readDoc(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(docPath)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// docRow is a row of a settings table: | `key` | type | default | `ENV` | meaning |
var docRow = regexp.MustCompile("(?m)^\\| `([a-z0-9_.]+)` \\| ([^|]+) \\| ([^|]+) \\| `([A-Z0-9_]+)` \\| .+ \\|$")

// The documentation names every setting of the schema with its environment variable and its
// default, and no setting that does not exist.
func TestDocDescribesEverySetting(t *testing.T) {
	doc, s, d := readDoc(t), newSchema(), Default()
	rows := map[string][]string{}
	for _, m := range docRow.FindAllStringSubmatch(doc, -1) {
		if _, dup := rows[m[1]]; dup {
			t.Errorf("%s is documented twice", m[1])
		}
		rows[m[1]] = m
	}
	for _, l := range s.leaves {
		row, ok := rows[l.key]
		if !ok {
			t.Errorf("docs/configuration.md has no row for %s", l.key)
			continue
		}
		delete(rows, l.key)
		if row[4] != l.env {
			t.Errorf("%s: the docs name the variable %s, want %s", l.key, row[4], l.env)
		}
		if !docDefaultIs(strings.Trim(strings.TrimSpace(row[3]), "`"), l.get(d)) {
			t.Errorf("%s: the docs give the default %s, want %v", l.key, row[3], l.get(d))
		}
	}
	for key := range rows {
		t.Errorf("docs/configuration.md documents %s, which is no setting", key)
	}
	for _, f := range settingFlags() {
		if !strings.Contains(doc, "`--"+f.name+"`") {
			t.Errorf("docs/configuration.md does not name the flag --%s", f.name)
		}
	}
}

// docDefaultIs reports whether the text of a default in the docs means v.
func docDefaultIs(text string, v any) bool {
	switch v := v.(type) {
	case string:
		return text == v || text == `""` && v == ""
	case time.Duration:
		d, err := time.ParseDuration(text)
		return err == nil && d == v
	case []string:
		return text == "[]" && len(v) == 0
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Bool:
		return text == strconv.FormatBool(rv.Bool())
	case reflect.Int, reflect.Int64:
		return text == strconv.FormatInt(rv.Int(), 10)
	case reflect.Uint8, reflect.Uint32:
		return text == strconv.FormatUint(rv.Uint(), 10)
	}
	return false
}

// The example in the docs is testdata/example.yaml, and it loads and validates.
func TestDocExample(t *testing.T) {
	doc := readDoc(t)
	_, after, ok := strings.Cut(doc, "## Example")
	if !ok {
		t.Fatal("docs/configuration.md has no ## Example")
	}
	_, block, ok := strings.Cut(after, "```yaml\n")
	if !ok {
		t.Fatal("the example section has no yaml block")
	}
	block, _, _ = strings.Cut(block, "```\n")
	file, err := os.ReadFile("testdata/example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if block != string(file) {
		t.Errorf("testdata/example.yaml differs from the example in docs/configuration.md")
	}
	c, err := Load(LoadOptions{File: "testdata/example.yaml"})
	if err != nil {
		t.Fatalf("the example does not load:\n%v", err)
	}
	if c.BaseURL() != "https://sso.example.com" || c.Issuer() != "https://sso.example.com" ||
		c.Tokens.AccessTTL != 15*time.Minute || c.Password.Policy.MinLength != 10 ||
		!reflect.DeepEqual(c.HTTP.TrustedProxies, []string{"10.0.0.0/8"}) {
		t.Errorf("the example loads as %+v", c)
	}
}
