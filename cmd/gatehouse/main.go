// Command gatehouse is the single-sign-on authentication center: the server and its
// command-line tools. Run "gatehouse --help" for the commands.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"golang.org/x/term"

	"github.com/gatehouse/gatehouse/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, os.Args[1:], cli.Env{
		Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Environ: os.Environ(),
		IsTerminal: func() bool { return term.IsTerminal(int(os.Stdout.Fd())) },
	})
	stop()
	os.Exit(code)
}
