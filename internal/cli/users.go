package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/gatehouse/gatehouse/internal/app"
	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/identity"
)

var cliActor = identity.Actor{Via: "cli"}

// userView is how a user is printed: never with its password hash.
type userView struct {
	ID                string    `json:"id"`
	Username          string    `json:"username"`
	DisplayName       string    `json:"display_name"`
	Email             string    `json:"email,omitempty"`
	Status            string    `json:"status"`
	PasswordChangedAt time.Time `json:"password_changed_at"`
	CreatedAt         time.Time `json:"created_at"`
	UpdatedAt         time.Time `json:"updated_at"`
	Roles             []string  `json:"roles,omitempty"`
}

func viewUser(u *domain.User) userView {
	return userView{ID: u.ID, Username: u.Username, DisplayName: u.DisplayName, Email: u.Email,
		Status: string(u.Status), PasswordChangedAt: u.PasswordChangedAt, CreatedAt: u.CreatedAt, UpdatedAt: u.UpdatedAt}
}

// readPassword takes the password from --password, or the first line of standard input with
// --password-stdin.
func (ce *cmdEnv) readPassword(flag string, fromStdin bool) (string, error) {
	if fromStdin {
		line, err := bufio.NewReader(ce.Stdin).ReadString('\n')
		if err != nil && err != io.EOF {
			return "", err
		}
		return strings.TrimRight(line, "\r\n"), nil
	}
	if flag == "" {
		return "", domain.Errorf(domain.CodeInvalidInput, "give the password with --password or --password-stdin")
	}
	return flag, nil
}

func userCmd(ce *cmdEnv) *cobra.Command {
	cmd := &cobra.Command{Use: "user", Short: "Manage users"}
	cmd.AddCommand(userAddCmd(ce), userListCmd(ce), userShowCmd(ce), userPasswdCmd(ce),
		userStatusCmd(ce, "disable", domain.UserDisabled), userStatusCmd(ce, "enable", domain.UserActive),
		userGrantCmd(ce, true), userGrantCmd(ce, false))
	return cmd
}

func userAddCmd(ce *cmdEnv) *cobra.Command {
	var in identity.NewUser
	var pw string
	var stdin bool
	var roles []string
	c := &cobra.Command{
		Use:   "add USERNAME",
		Short: "Create a user",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			in.Username = args[0]
			if in.PasswordHash == "" {
				p, err := ce.readPassword(pw, stdin)
				if err != nil {
					return err
				}
				in.Password = p
			}
			for _, r := range roles {
				ref, err := identity.ParseRoleRef(r)
				if err != nil {
					return err
				}
				in.Roles = append(in.Roles, ref)
			}
			return ce.withCore(c.Context(), func(core *app.Core) error {
				u, err := core.Identity.CreateUser(c.Context(), cliActor, in)
				if err != nil {
					return err
				}
				v := viewUser(u)
				v.Roles = roles
				return ce.print(v, func(w io.Writer) { fmt.Fprintf(w, "created user %s (id %s)\n", u.Username, u.ID) })
			})
		},
	}
	f := c.Flags()
	f.StringVar(&in.DisplayName, "name", "", "display name")
	f.StringVar(&in.Email, "email", "", "e-mail address")
	f.StringVar(&pw, "password", "", "password (prefer --password-stdin: flags show in process lists)")
	f.BoolVar(&stdin, "password-stdin", false, "read the password from the first line of standard input")
	f.StringVar(&in.PasswordHash, "password-hash", "", "an existing argon2id or bcrypt hash instead of a password")
	f.StringSliceVar(&roles, "role", nil, "grant a role, as system:ROLE (repeatable)")
	return ce.jsonFlag(c)
}

func userListCmd(ce *cmdEnv) *cobra.Command {
	var f domain.UserFilter
	var status string
	c := &cobra.Command{
		Use:   "list",
		Short: "List users",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			f.Status = domain.UserStatus(status)
			return ce.withCore(c.Context(), func(core *app.Core) error {
				users, total, err := core.SQL.ListUsers(c.Context(), f)
				if err != nil {
					return err
				}
				views := make([]userView, len(users))
				for i, u := range users {
					views[i] = viewUser(u)
				}
				out := map[string]any{"total": total, "users": views}
				return ce.print(out, func(w io.Writer) {
					tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
					fmt.Fprintln(tw, "USERNAME\tNAME\tEMAIL\tSTATUS\tID")
					for _, u := range users {
						fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", u.Username, u.DisplayName, u.Email, u.Status, u.ID)
					}
					tw.Flush()
					fmt.Fprintf(w, "%d of %d users\n", len(users), total)
				})
			})
		},
	}
	c.Flags().StringVar(&f.Query, "query", "", "search username, name and e-mail")
	c.Flags().StringVar(&status, "status", "", "active, disabled or locked")
	c.Flags().IntVar(&f.Offset, "offset", 0, "skip this many")
	c.Flags().IntVar(&f.Limit, "limit", 50, "at most this many (≤ 500)")
	return ce.jsonFlag(c)
}

func userShowCmd(ce *cmdEnv) *cobra.Command {
	return ce.jsonFlag(&cobra.Command{
		Use:   "show USER",
		Short: "Show a user (by username or id) with roles per system",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			return ce.withCore(c.Context(), func(core *app.Core) error {
				u, err := core.Identity.User(c.Context(), args[0])
				if err != nil {
					return err
				}
				grants, err := core.SQL.GrantsOfUser(c.Context(), u.ID)
				if err != nil {
					return err
				}
				v := viewUser(u)
				for _, g := range grants {
					v.Roles = append(v.Roles, g.Role.SystemID+":"+g.Role.Name)
				}
				return ce.print(v, func(w io.Writer) {
					tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
					fmt.Fprintf(tw, "id\t%s\nusername\t%s\nname\t%s\nemail\t%s\nstatus\t%s\ncreated\t%s\npassword changed\t%s\n",
						u.ID, u.Username, u.DisplayName, u.Email, u.Status, u.CreatedAt.Format(time.RFC3339), u.PasswordChangedAt.Format(time.RFC3339))
					for _, g := range grants {
						fmt.Fprintf(tw, "role\t%s:%s\t%s\n", g.Role.SystemID, g.Role.Name, strings.Join(g.Role.Permissions, " "))
					}
					tw.Flush()
				})
			})
		},
	})
}

func userPasswdCmd(ce *cmdEnv) *cobra.Command {
	var pw string
	var stdin bool
	c := &cobra.Command{
		Use:   "passwd USER",
		Short: "Set a user's password",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			p, err := ce.readPassword(pw, stdin)
			if err != nil {
				return err
			}
			return ce.withCore(c.Context(), func(core *app.Core) error {
				u, err := core.Identity.User(c.Context(), args[0])
				if err != nil {
					return err
				}
				if err := core.Identity.SetPassword(c.Context(), cliActor, u.ID, p); err != nil {
					return err
				}
				fmt.Fprintf(ce.Stdout, "password of %s changed\n", u.Username)
				return nil
			})
		},
	}
	c.Flags().StringVar(&pw, "password", "", "the new password")
	c.Flags().BoolVar(&stdin, "password-stdin", false, "read the new password from standard input")
	return c
}

func userStatusCmd(ce *cmdEnv, verb string, status domain.UserStatus) *cobra.Command {
	return &cobra.Command{
		Use:   verb + " USER",
		Short: strings.ToUpper(verb[:1]) + verb[1:] + " a user",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			return ce.withCore(c.Context(), func(core *app.Core) error {
				u, err := core.Identity.User(c.Context(), args[0])
				if err != nil {
					return err
				}
				if _, err := core.Identity.SetStatus(c.Context(), cliActor, u.ID, status); err != nil {
					return err
				}
				fmt.Fprintf(ce.Stdout, "user %s is %s\n", u.Username, status)
				return nil
			})
		},
	}
}

func userGrantCmd(ce *cmdEnv, grant bool) *cobra.Command {
	verb, short := "grant", "Give a user a role of a system"
	if !grant {
		verb, short = "revoke", "Take a role of a system away from a user"
	}
	return &cobra.Command{
		Use:   verb + " USER SYSTEM:ROLE",
		Short: short,
		Args:  cobra.ExactArgs(2),
		RunE: func(c *cobra.Command, args []string) error {
			ref, err := identity.ParseRoleRef(args[1])
			if err != nil {
				return err
			}
			return ce.withCore(c.Context(), func(core *app.Core) error {
				return grantOrRevoke(c.Context(), ce, core, args[0], ref, grant)
			})
		},
	}
}

func grantOrRevoke(ctx context.Context, ce *cmdEnv, core *app.Core, user string, ref identity.RoleRef, grant bool) error {
	u, err := core.Identity.User(ctx, user)
	if err != nil {
		return err
	}
	if grant {
		err = core.Identity.GrantRole(ctx, cliActor, u.ID, ref)
	} else {
		err = core.Identity.RevokeRole(ctx, cliActor, u.ID, ref)
	}
	if err != nil {
		return err
	}
	verb := "granted to"
	if !grant {
		verb = "revoked from"
	}
	fmt.Fprintf(ce.Stdout, "%s %s %s\n", ref, verb, u.Username)
	return nil
}
