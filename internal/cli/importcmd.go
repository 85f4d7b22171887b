package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/gatehouse/gatehouse/internal/app"
	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/identity"
)

func importCmd(ce *cmdEnv) *cobra.Command {
	cmd := &cobra.Command{Use: "import", Short: "Import data"}
	var format string
	users := &cobra.Command{
		Use:   "users FILE",
		Short: "Import users from CSV or JSON (bcrypt and argon2id hashes accepted); '-' reads standard input",
		Long: `Import users from a CSV file with a header row naming some of the columns
username, display_name, email, password, password_hash, status, roles
(roles separated by ';', each as system:ROLE), or from a JSON array of objects
with the same fields (roles as an array). Bcrypt hashes ($2a$, $2b$, $2y$,
Spring's {bcrypt} prefix) are kept and re-hashed to argon2id at the user's
next sign-in. A bad row never stops the others; existing usernames are skipped.`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			var in io.Reader = ce.Stdin
			size := int64(-1)
			if args[0] != "-" {
				f, err := os.Open(args[0])
				if err != nil {
					return domain.Wrap(domain.CodeInvalidInput, err, "cannot open "+args[0])
				}
				defer f.Close()
				if st, err := f.Stat(); err == nil {
					size = st.Size()
				}
				in = f
			}
			fmtName := format
			if fmtName == "" {
				fmtName = strings.TrimPrefix(strings.ToLower(filepath.Ext(args[0])), ".")
			}
			if fmtName != "csv" && fmtName != "json" {
				return domain.Errorf(domain.CodeInvalidInput, "say --format csv or --format json")
			}
			var bar *progressbar.ProgressBar
			if ce.terminal() && !ce.json {
				bar = progressbar.DefaultBytes(size, "importing")
				in = io.TeeReader(in, bar)
			}
			return ce.withCore(c.Context(), func(core *app.Core) error {
				sum := core.Identity.Import(c.Context(), cliActor, identity.ReadImport(in, fmtName), nil)
				if bar != nil {
					_ = bar.Finish()
				}
				err := ce.print(sum, func(w io.Writer) {
					fmt.Fprintf(w, "created %d, skipped %d, failed %d\n", sum.Created, sum.Skipped, sum.Failed)
					for _, p := range sum.Problems {
						fmt.Fprintf(w, "  row %d %s %s: %s\n", p.Line, p.Username, p.Outcome, p.Reason)
					}
				})
				if err != nil {
					return err
				}
				if sum.FileErr != nil {
					return sum.FileErr
				}
				if sum.Failed > 0 {
					return exitError(2)
				}
				return nil
			})
		},
	}
	users.Flags().StringVar(&format, "format", "", "csv or json (default: from the file name)")
	cmd.AddCommand(ce.jsonFlag(users))
	return cmd
}

var _ = app.Options{}
