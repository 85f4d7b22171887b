package cli

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/gatehouse/gatehouse/internal/app"
	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/identity"
)

type roleView struct {
	ID          string   `json:"id"`
	System      string   `json:"system"`
	Name        string   `json:"name"`
	Description string   `json:"description,omitempty"`
	Permissions []string `json:"permissions"`
}

func viewRole(r *domain.Role) roleView {
	perms := r.Permissions
	if perms == nil {
		perms = []string{}
	}
	return roleView{ID: r.ID, System: r.SystemID, Name: r.Name, Description: r.Description, Permissions: perms}
}

func roleCmd(ce *cmdEnv) *cobra.Command {
	cmd := &cobra.Command{Use: "role", Short: "Manage roles and their permission codes"}
	var desc string
	var perms []string
	add := &cobra.Command{
		Use:   "add SYSTEM:ROLE",
		Short: "Create a role in a system",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			ref, err := identity.ParseRoleRef(args[0])
			if err != nil {
				return err
			}
			return ce.withCore(c.Context(), func(core *app.Core) error {
				r := &domain.Role{SystemID: ref.System, Name: ref.Role, Description: desc, Permissions: perms}
				if err := core.Identity.CreateRole(c.Context(), cliActor, r); err != nil {
					return err
				}
				return ce.print(viewRole(r), func(w io.Writer) { fmt.Fprintf(w, "created role %s\n", ref) })
			})
		},
	}
	add.Flags().StringVar(&desc, "description", "", "what the role is for")
	add.Flags().StringSliceVar(&perms, "permission", nil, "a permission code such as demo:article:* (repeatable)")
	var system string
	list := &cobra.Command{
		Use:   "list",
		Short: "List roles with their permission codes",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return ce.withCore(c.Context(), func(core *app.Core) error {
				roles, err := core.SQL.ListRoles(c.Context(), system)
				if err != nil {
					return err
				}
				views := make([]roleView, len(roles))
				for i, r := range roles {
					views[i] = viewRole(r)
				}
				return ce.print(views, func(w io.Writer) {
					tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
					fmt.Fprintln(tw, "ROLE\tPERMISSIONS\tDESCRIPTION")
					for _, r := range roles {
						fmt.Fprintf(tw, "%s:%s\t%s\t%s\n", r.SystemID, r.Name, strings.Join(r.Permissions, " "), r.Description)
					}
					tw.Flush()
				})
			})
		},
	}
	list.Flags().StringVar(&system, "system", "", "only this system's roles")
	grant := &cobra.Command{
		Use:   "grant-permission SYSTEM:ROLE CODE",
		Short: "Add a permission code (system:resource:action, '*' allowed) to a role",
		Args:  cobra.ExactArgs(2),
		RunE: func(c *cobra.Command, args []string) error {
			ref, err := identity.ParseRoleRef(args[0])
			if err != nil {
				return err
			}
			return ce.withCore(c.Context(), func(core *app.Core) error {
				if err := core.Identity.GrantPermission(c.Context(), cliActor, ref, args[1]); err != nil {
					return err
				}
				fmt.Fprintf(ce.Stdout, "%s now holds %s\n", ref, args[1])
				return nil
			})
		},
	}
	cmd.AddCommand(ce.jsonFlag(add), ce.jsonFlag(list), grant)
	return cmd
}
