package cli

import (
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/gatehouse/gatehouse/internal/app"
	"github.com/gatehouse/gatehouse/internal/domain"
)

type keyView struct {
	ID        string     `json:"id"`
	Algorithm string     `json:"algorithm"`
	CreatedAt time.Time  `json:"created_at"`
	RetiredAt *time.Time `json:"retired_at,omitempty"`
	Status    string     `json:"status"`
}

func keysCmd(ce *cmdEnv) *cobra.Command {
	cmd := &cobra.Command{Use: "keys", Short: "Manage token-signing keys"}
	list := &cobra.Command{
		Use:   "list",
		Short: "List signing keys, newest first",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return ce.withCore(c.Context(), func(core *app.Core) error {
				all, err := core.SQL.ListSigningKeys(c.Context())
				if err != nil {
					return err
				}
				views := make([]keyView, len(all))
				for i, k := range all {
					views[i] = keyView{ID: k.ID, Algorithm: k.Algorithm, CreatedAt: k.CreatedAt, Status: "active"}
					if !k.RetiredAt.IsZero() {
						t := k.RetiredAt
						views[i].RetiredAt, views[i].Status = &t, "retired"
					}
				}
				return ce.print(views, func(w io.Writer) {
					tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
					fmt.Fprintln(tw, "KID\tALG\tSTATUS\tCREATED")
					for _, v := range views {
						fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", v.ID, v.Algorithm, v.Status, v.CreatedAt.Format(time.RFC3339))
					}
					tw.Flush()
				})
			})
		},
	}
	var alg string
	rotate := &cobra.Command{
		Use:   "rotate",
		Short: "Add a new signing key; the previous one keeps verifying until its tokens expire",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return ce.withCore(c.Context(), func(core *app.Core) error {
				a := alg
				if a == "" {
					a = core.Config.Tokens.SigningAlgorithm
				}
				k, err := core.Keys.Rotate(c.Context(), a)
				if err != nil {
					return err
				}
				_ = core.SQL.AppendAudit(c.Context(), &domain.AuditEvent{At: k.CreatedAt, Type: domain.AuditKeyRotate,
					SubjectID: k.ID, Outcome: "success", Details: map[string]string{"via": "cli", "algorithm": k.Algorithm}})
				return ce.print(keyView{ID: k.ID, Algorithm: k.Algorithm, CreatedAt: k.CreatedAt, Status: "active"}, func(w io.Writer) {
					fmt.Fprintf(w, "new %s signing key %s; older keys keep verifying until their tokens expire\n", k.Algorithm, k.ID)
				})
			})
		},
	}
	rotate.Flags().StringVar(&alg, "algorithm", "", "EdDSA, ES256 or RS256 (default: tokens.signing_algorithm)")
	cmd.AddCommand(ce.jsonFlag(list), ce.jsonFlag(rotate))
	return cmd
}
