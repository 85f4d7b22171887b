package main

import (
	"bufio"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
)

// TestBinaryServe builds the real binary, runs "gatehouse serve" on zero configuration (a
// random port and a temporary data directory), checks that it answers and printed the
// administrator's one-time password, and stops it with SIGTERM.
func TestBinaryServe(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "gatehouse")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	dir := t.TempDir()
	cmd := exec.Command(bin, "serve", "--demo", "--addr", "127.0.0.1:0", "--data-dir", filepath.Join(dir, "data"))
	cmd.Env = append(os.Environ(), "GATEHOUSE_PASSWORD__ARGON2__MEMORY_KIB=8192")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill() })

	serving := regexp.MustCompile(`serving on (http://\S+)`)
	var printed strings.Builder
	var url string
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		printed.WriteString(sc.Text() + "\n")
		if m := serving.FindStringSubmatch(sc.Text()); m != nil {
			url = m[1]
			break
		}
	}
	if url == "" {
		t.Fatalf("no serving line in:\n%s", printed.String())
	}
	if !strings.Contains(printed.String(), "one-time password") || !strings.Contains(printed.String(), "jack/jack123") {
		t.Errorf("start-up output lacks the password or the demo notice:\n%s", printed.String())
	}
	go io.Copy(io.Discard, stdout)
	for _, path := range []string{"/healthz", "/readyz", "/metrics"} {
		resp, err := http.Get(url + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("%s = %d", path, resp.StatusCode)
		}
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	// A server that ignores SIGTERM hangs here until go test's own -timeout ends the run.
	if err := cmd.Wait(); err != nil {
		t.Fatalf("exit after SIGTERM: %v", err)
	}
}
