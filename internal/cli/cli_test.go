package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// run executes one command line in-process against dataDir and returns exit code and output.
func run(t *testing.T, dataDir, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := Env{
		Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb,
		// light hashing for tests; the defaults are benchmarked
		Environ: []string{"GATEHOUSE_PASSWORD__ARGON2__MEMORY_KIB=8192", "GATEHOUSE_PASSWORD__ARGON2__ITERATIONS=1"},
	}
	code := Run(context.Background(), append(args, "--data-dir", dataDir), env)
	return code, out.String(), errb.String()
}

func mustRun(t *testing.T, dataDir string, args ...string) string {
	t.Helper()
	code, out, errs := run(t, dataDir, "", args...)
	if code != 0 {
		t.Fatalf("gatehouse %s: exit %d\n%s%s", strings.Join(args, " "), code, out, errs)
	}
	return out
}

func decode[T any](t *testing.T, s string) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, s)
	}
	return v
}

func TestSystemsRolesUsers(t *testing.T) {
	dir := t.TempDir()
	out := mustRun(t, dir, "system", "add", "--id", "cms", "--name", "CMS", "--redirect-uri", "https://cms.example.com/cb", "--json")
	sys := decode[systemView](t, out)
	if !strings.HasPrefix(sys.Secret, "ghs_") || sys.RedirectURIs[0] != "https://cms.example.com/cb" {
		t.Fatalf("system add: %+v", sys)
	}
	if show := mustRun(t, dir, "system", "show", "cms", "--json"); strings.Contains(show, sys.Secret) || strings.Contains(show, "secret") {
		t.Fatal("system show reveals the secret")
	}
	rotated := decode[map[string]string](t, mustRun(t, dir, "system", "rotate-secret", "cms", "--json"))
	if rotated["secret"] == sys.Secret || !strings.HasPrefix(rotated["secret"], "ghs_") {
		t.Fatal("rotate-secret did not give a new secret")
	}
	if list := mustRun(t, dir, "system", "list"); !strings.Contains(list, "cms") {
		t.Fatalf("system list: %s", list)
	}
	code, _, errs := run(t, dir, "", "system", "add", "--id", "Bad ID", "--name", "", "--redirect-uri", "https://u@evil.example/")
	if code == 0 || !strings.Contains(errs, "id:") || !strings.Contains(errs, "name:") || !strings.Contains(errs, "redirect_uris:") {
		t.Fatalf("bad system accepted or not every problem listed: %d %s", code, errs)
	}

	mustRun(t, dir, "role", "add", "cms:EDITOR", "--permission", "cms:article:*", "--description", "edits")
	mustRun(t, dir, "role", "grant-permission", "cms:EDITOR", "cms:comment:read")
	roles := decode[[]roleView](t, mustRun(t, dir, "role", "list", "--system", "cms", "--json"))
	if len(roles) != 1 || strings.Join(roles[0].Permissions, ",") != "cms:article:*,cms:comment:read" {
		t.Fatalf("role list: %+v", roles)
	}
	if code, _, errs := run(t, dir, "", "role", "grant-permission", "cms:EDITOR", "other:thing"); code == 0 || !strings.Contains(errs, "must start with") {
		t.Fatalf("a code of another system was accepted: %s", errs)
	}

	code, out, errs = run(t, dir, "s3cret-Passw0rd\n", "user", "add", "Alice", "--password-stdin", "--name", "Alice A", "--email", "alice@example.com", "--role", "cms:EDITOR", "--json")
	if code != 0 {
		t.Fatalf("user add: %s %s", out, errs)
	}
	alice := decode[userView](t, out)
	if alice.Username != "alice" || strings.Contains(out, "argon2") {
		t.Fatalf("user add: %+v", alice)
	}
	if code, _, errs := run(t, dir, "", "user", "add", "ALICE", "--password", "another-Passw0rd"); code == 0 || !strings.Contains(errs, "") {
		t.Fatal("a username differing only by case was accepted")
	}
	if code, _, errs := run(t, dir, "", "user", "add", "bob", "--password", "bob"); code == 0 || !strings.Contains(errs, "password:") {
		t.Fatalf("a weak password was accepted: %s", errs)
	}
	shown := decode[userView](t, mustRun(t, dir, "user", "show", "alice", "--json"))
	if len(shown.Roles) != 1 || shown.Roles[0] != "cms:EDITOR" {
		t.Fatalf("user show: %+v", shown)
	}
	mustRun(t, dir, "user", "revoke", "alice", "cms:EDITOR")
	if shown := decode[userView](t, mustRun(t, dir, "user", "show", alice.ID, "--json")); len(shown.Roles) != 0 {
		t.Fatalf("revoke left %v", shown.Roles)
	}
	mustRun(t, dir, "user", "grant", "alice", "cms:EDITOR")
	mustRun(t, dir, "user", "disable", "alice")
	list := decode[struct {
		Total int        `json:"total"`
		Users []userView `json:"users"`
	}](t, mustRun(t, dir, "user", "list", "--status", "disabled", "--json"))
	if list.Total != 1 || list.Users[0].Username != "alice" {
		t.Fatalf("user list --status disabled: %+v", list)
	}
	mustRun(t, dir, "user", "enable", "alice")
	mustRun(t, dir, "user", "passwd", "alice", "--password", "a-new-Passw0rd!")
	if code, _, errs := run(t, dir, "", "user", "show", "nobody"); code == 0 || !strings.Contains(errs, "no user") {
		t.Fatalf("show of an unknown user: %s", errs)
	}
}

func TestKeysMigrateVersion(t *testing.T) {
	dir := t.TempDir()
	mig := decode[map[string]any](t, mustRun(t, dir, "migrate", "--json"))
	if mig["dialect"] != "sqlite" || mig["version"].(float64) < 1 {
		t.Fatalf("migrate: %v", mig)
	}
	mustRun(t, dir, "keys", "rotate")
	mustRun(t, dir, "keys", "rotate", "--algorithm", "ES256")
	keys := decode[[]keyView](t, mustRun(t, dir, "keys", "list", "--json"))
	active := map[string]int{}
	for _, k := range keys {
		if k.Status == "active" {
			active[k.Algorithm]++
		}
	}
	if active["EdDSA"] != 1 || active["ES256"] != 1 {
		t.Fatalf("keys: %+v", keys)
	}
	if v := mustRun(t, dir, "version"); !strings.HasPrefix(v, "gatehouse ") {
		t.Fatalf("version: %q", v)
	}
}

func TestConfigCheck(t *testing.T) {
	dir := t.TempDir()
	if out := mustRun(t, dir, "config", "check"); !strings.Contains(out, "valid") {
		t.Fatal(out)
	}
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("addr: 1\nlog:\n  level: loud\nhttp:\n  shutdown_timeout: soon\ncolour: blue\n"), 0o600)
	code, _, errs := run(t, dir, "", "config", "check", "--config", bad)
	if code == 0 {
		t.Fatal("a bad configuration passed the check")
	}
	for _, want := range []string{"log.level", "http.shutdown_timeout", "colour"} {
		if !strings.Contains(errs, want) {
			t.Errorf("config check did not list %s:\n%s", want, errs)
		}
	}
}

func TestImportTenThousandBcryptUsers(t *testing.T) {
	dir := t.TempDir()
	mustRun(t, dir, "system", "add", "--id", "demo", "--name", "Demo")
	mustRun(t, dir, "role", "add", "demo:USER", "--permission", "demo:article:read")
	const n = 10000
	var b strings.Builder
	b.WriteString("username,display_name,email,password_hash,roles\n")
	hashes := []string{
		"$2a$10$AQol1A.LkxoJ5dEzS5o5E.QG9jD.hncoeCGdVaMQZaiYZ98V/JyRq",
		"{bcrypt}$2a$10$8nMJR6r7lvh9H2INtM2vtuA156dHTcQUyU.2Q2OK/7LwMd/I.HM12",
		"$2y$10$E86mKigOx1NeIr7D6CJM3OQnWdaPXOjWe4OoRqDqFgNgowvJW9nAi",
	}
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "user%05d,User %d,user%d@example.com,%s,demo:USER\n", i, i, i, hashes[i%3])
	}
	file := filepath.Join(dir, "users.csv")
	os.WriteFile(file, []byte(b.String()), 0o600)
	out := mustRun(t, dir, "import", "users", file, "--json")
	var sum struct{ Created, Skipped, Failed int }
	if err := json.Unmarshal([]byte(out), &sum); err != nil || sum.Created != n || sum.Failed != 0 || sum.Skipped != 0 {
		t.Fatalf("import: %+v %v %s", sum, err, out[:min(len(out), 500)])
	}
	// Again: every row exists, so every row is skipped.
	out = mustRun(t, dir, "import", "users", file, "--json")
	json.Unmarshal([]byte(out), &sum)
	if sum.Created != 0 || sum.Skipped != n {
		t.Fatalf("re-import: %+v", sum)
	}
	list := decode[struct {
		Total int `json:"total"`
	}](t, mustRun(t, dir, "user", "list", "--query", "user0999", "--json"))
	if list.Total != 10 {
		t.Fatalf("search user0999 found %d", list.Total)
	}
}

func TestImportBadRows(t *testing.T) {
	dir := t.TempDir()
	mustRun(t, dir, "system", "add", "--id", "demo", "--name", "Demo")
	mustRun(t, dir, "role", "add", "demo:USER")
	file := filepath.Join(dir, "users.json")
	os.WriteFile(file, []byte(`[
 {"username": "good1", "password_hash": "$2a$10$AQol1A.LkxoJ5dEzS5o5E.QG9jD.hncoeCGdVaMQZaiYZ98V/JyRq", "roles": ["demo:USER"]},
 {"username": "bad hash", "password_hash": "md5:abc"},
 {"username": "good2", "password": "a-long-Passw0rd!"},
 {"username": "norole", "password_hash": "$2a$10$AQol1A.LkxoJ5dEzS5o5E.QG9jD.hncoeCGdVaMQZaiYZ98V/JyRq", "roles": ["demo:NOPE"]},
 {"username": "weird", "colour": "blue"},
 {"username": "good1", "password_hash": "$2a$10$AQol1A.LkxoJ5dEzS5o5E.QG9jD.hncoeCGdVaMQZaiYZ98V/JyRq"},
 {"username": 42},
 {"username": "bademail", "email": "not an email", "password": "a-long-Passw0rd!"}
]`), 0o600)
	code, out, errs := run(t, dir, "", "import", "users", file)
	if code != 2 {
		t.Fatalf("import with bad rows exited %d: %s %s", code, out, errs)
	}
	if !strings.Contains(out, "created 2, skipped 1, failed 5") {
		t.Fatalf("summary: %s", out)
	}
	// Rows are imported concurrently, so either copy of the duplicate good1 may be the one skipped.
	if strings.Contains(out, "row 1 good1 skipped") == strings.Contains(out, "row 6 good1 skipped") {
		t.Errorf("exactly one of the two good1 rows must be skipped:\n%s", out)
	}
	for _, want := range []string{"row 2", "row 4 norole failed", "row 5", "row 7", "row 8 bademail failed"} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	// The failed row with a missing role wrote nothing.
	if code, _, _ := run(t, dir, "", "user", "show", "norole"); code == 0 {
		t.Fatal("a failed row left a user behind")
	}
	// A file that is not JSON at all is an error of the whole file.
	os.WriteFile(file, []byte(`{"not": "an array"}`), 0o600)
	if code, _, errs := run(t, dir, "", "import", "users", file); code == 0 || !strings.Contains(errs, "array") {
		t.Fatalf("non-array file: %d %s", code, errs)
	}
}
