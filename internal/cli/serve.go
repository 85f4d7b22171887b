package cli

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/gatehouse/gatehouse/internal/app"
	"github.com/gatehouse/gatehouse/internal/buildinfo"
	"github.com/gatehouse/gatehouse/internal/config"
)

func serveCmd(ce *cmdEnv) *cobra.Command {
	return &cobra.Command{
		Use:   "serve",
		Short: "Run the Gatehouse server (zero configuration works: see --help of the flags)",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			cfg, err := ce.loadConfig()
			if err != nil {
				return err
			}
			a, err := app.Open(c.Context(), cfg, app.Options{Logger: ce.logger(cfg), Out: ce.Stdout})
			if err != nil {
				return err
			}
			defer a.Close()
			if err := a.Listen(); err != nil {
				return err
			}
			fmt.Fprintf(ce.Stdout, "Gatehouse %s is serving on %s\n", buildinfo.Version(), a.URL())
			return a.Serve(c.Context())
		},
	}
}

func migrateCmd(ce *cmdEnv) *cobra.Command {
	return ce.jsonFlag(&cobra.Command{
		Use:   "migrate",
		Short: "Apply pending database migrations",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			cfg, err := ce.loadConfig()
			if err != nil {
				return err
			}
			// OpenCore migrates; report the versions it went between.
			return ce.withCore(c.Context(), func(core *app.Core) error {
				v, err := core.SQL.SchemaVersion(c.Context())
				if err != nil {
					return err
				}
				out := map[string]any{"dialect": core.SQL.Dialect(), "version": v, "database": redactURL(cfg.ResolvedDatabaseURL())}
				return ce.print(out, func(w io.Writer) {
					fmt.Fprintf(w, "%s database %s is at schema version %d\n", core.SQL.Dialect(), redactURL(cfg.ResolvedDatabaseURL()), v)
				})
			})
		},
	})
}

func configCmd(ce *cmdEnv) *cobra.Command {
	cmd := &cobra.Command{Use: "config", Short: "Inspect the configuration"}
	cmd.AddCommand(&cobra.Command{
		Use:   "check",
		Short: "Validate the configuration (defaults, --config file, GATEHOUSE_* and flags); list every problem",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if _, err := ce.loadConfig(); err != nil {
				return err
			}
			fmt.Fprintln(ce.Stdout, "configuration is valid")
			return nil
		},
	})
	return cmd
}

func versionCmd(ce *cmdEnv) *cobra.Command {
	return ce.jsonFlag(&cobra.Command{
		Use:   "version",
		Short: "Print the version",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			v := buildinfo.Version()
			return ce.print(map[string]string{"version": v}, func(w io.Writer) { fmt.Fprintln(w, "gatehouse", v) })
		},
	})
}

var _ = config.Default
