package e2e

import (
	"bytes"
	"net"
	"os"
	"os/exec"
	"testing"
)

// freePort returns a loopback address with a port that was free a moment ago.
func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// startDaemon starts cmd, a server that runs in the foreground (nginx, caddy, apache2), until
// the test ends, when it is interrupted and waited for. It returns once the server accepts
// connections on addr, and fails the test with the server's output, and errorLog when given,
// if it exits first. With logOnFailure both are also logged at the end of a failed test.
func startDaemon(t *testing.T, cmd *exec.Cmd, addr, errorLog string, logOnFailure bool) {
	t.Helper()
	name := cmd.Args[0]
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	report := func() string {
		if errorLog == "" {
			return out.String()
		}
		logs, _ := os.ReadFile(errorLog)
		return out.String() + "\n" + string(logs)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		<-exited
		if logOnFailure && t.Failed() {
			t.Logf("%s: %s", name, report())
		}
	})
	for {
		select {
		case <-exited:
			t.Fatalf("%s exited: %s", name, report())
		default:
		}
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return
		}
	}
}
