package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/gatehouse/gatehouse/internal/app"
	"github.com/gatehouse/gatehouse/internal/config"
	"github.com/gatehouse/gatehouse/internal/domain"
)

// Env is the process environment a command runs in, injected so tests can run commands
// in-process.
type Env struct {
	Stdin   io.Reader
	Stdout  io.Writer
	Stderr  io.Writer
	Environ []string
	// IsTerminal reports whether Stdout is a terminal (progress bars); nil means no.
	IsTerminal func() bool
}

// Run executes the command line args and returns the process exit code.
func Run(ctx context.Context, args []string, env Env) int {
	root := newRoot(env)
	root.SetArgs(args)
	root.SetIn(env.Stdin)
	root.SetOut(env.Stdout)
	root.SetErr(env.Stderr)
	if err := root.ExecuteContext(ctx); err != nil {
		printError(env.Stderr, err)
		var ee exitError
		if errors.As(err, &ee) {
			return int(ee)
		}
		return 1
	}
	return 0
}

// exitError ends a command with a given code after it printed its own message.
type exitError int

func (e exitError) Error() string { return fmt.Sprintf("exit %d", int(e)) }

func printError(w io.Writer, err error) {
	var ee exitError
	if errors.As(err, &ee) {
		return
	}
	var de *domain.Error
	if errors.As(err, &de) {
		msg := de.Message
		if msg == "" {
			msg = string(de.Code)
		}
		fmt.Fprintf(w, "error: %s\n", msg)
		for _, f := range de.Fields {
			fmt.Fprintf(w, "  %s: %s\n", f.Field, f.Problem)
		}
		if de.Code == domain.CodeInternal && de.Err != nil {
			fmt.Fprintf(w, "  cause: %v\n", de.Err)
		}
		return
	}
	fmt.Fprintf(w, "error: %v\n", err)
}

// cmdEnv carries what every subcommand needs.
type cmdEnv struct {
	Env
	flags *pflag.FlagSet
	json  bool
}

func newRoot(env Env) *cobra.Command {
	ce := &cmdEnv{Env: env}
	root := &cobra.Command{
		Use:           "gatehouse",
		Short:         "Gatehouse: one sign-in for every system, one sign-out for all",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	ce.flags = root.PersistentFlags()
	config.BindFlags(ce.flags)
	root.AddCommand(
		serveCmd(ce), migrateCmd(ce), configCmd(ce), versionCmd(ce),
		userCmd(ce), roleCmd(ce), systemCmd(ce), importCmd(ce), keysCmd(ce),
		demoCmd(ce),
	)
	return root
}

// jsonFlag adds --json to a command that prints data.
func (ce *cmdEnv) jsonFlag(c *cobra.Command) *cobra.Command {
	c.Flags().BoolVar(&ce.json, "json", false, "print JSON")
	return c
}

// loadConfig reads defaults, the --config file, GATEHOUSE_* and the flags, and validates.
func (ce *cmdEnv) loadConfig() (config.Config, error) {
	cfg, err := config.Load(config.LoadOptions{Environ: ce.Environ, Flags: ce.flags})
	if err != nil {
		return cfg, err
	}
	return cfg, cfg.Validate()
}

// logger builds the process logger from the configuration.
func (ce *cmdEnv) logger(cfg config.Config) *slog.Logger {
	level := new(slog.LevelVar)
	_ = level.UnmarshalText([]byte(cfg.Log.Level))
	hopts := &slog.HandlerOptions{Level: level}
	if cfg.Log.Format == "json" {
		return slog.New(slog.NewJSONHandler(ce.Stderr, hopts))
	}
	return slog.New(slog.NewTextHandler(ce.Stderr, hopts))
}

// withCore opens the core (the SQL database and the services) for a command.
func (ce *cmdEnv) withCore(ctx context.Context, fn func(*app.Core) error) error {
	cfg, err := ce.loadConfig()
	if err != nil {
		return err
	}
	log := ce.logger(cfg)
	if cfg.Log.Level != "debug" {
		log = slog.New(slog.DiscardHandler)
	}
	core, err := app.OpenCore(ctx, cfg, app.Options{Logger: log, Out: ce.Stdout})
	if err != nil {
		return err
	}
	defer core.Close()
	return fn(core)
}

// print writes v as indented JSON with --json, else calls human.
func (ce *cmdEnv) print(v any, human func(w io.Writer)) error {
	if ce.json {
		enc := json.NewEncoder(ce.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	}
	human(ce.Stdout)
	return nil
}

func (ce *cmdEnv) terminal() bool { return ce.IsTerminal != nil && ce.IsTerminal() }

var _ = os.Stdout
