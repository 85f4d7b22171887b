package cli

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/gatehouse/gatehouse/internal/app"
	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/slo"
)

type systemView struct {
	ID           string    `json:"id"`
	Name         string    `json:"name"`
	RedirectURIs []string  `json:"redirect_uris"`
	LogoutURL    string    `json:"logout_url,omitempty"`
	Protocols    []string  `json:"protocols,omitempty"`
	CreatedAt    time.Time `json:"created_at"`
	Secret       string    `json:"secret,omitempty"` // only right after creation or rotation
	// OIDC are its OpenID Connect client settings (the zero value: confidential, code and
	// refresh grants, every scope, EdDSA ID tokens).
	OIDC domain.OIDCClient `json:"oidc"`
}

func viewSystem(s *domain.System) systemView {
	uris := s.RedirectURIs
	if uris == nil {
		uris = []string{}
	}
	return systemView{ID: s.ID, Name: s.Name, RedirectURIs: uris, LogoutURL: s.LogoutURL, Protocols: s.Protocols,
		CreatedAt: s.CreatedAt, OIDC: s.OIDC}
}

const secretNotice = "Its secret, shown only now (store it in the system's configuration):\n\n    %s\n\n"

func systemCmd(ce *cmdEnv) *cobra.Command {
	cmd := &cobra.Command{Use: "system", Short: "Manage sub-systems (clients)"}
	var s domain.System
	add := &cobra.Command{
		Use:   "add",
		Short: "Register a sub-system; prints its secret exactly once",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return ce.withCore(c.Context(), func(core *app.Core) error {
				secret, err := core.Identity.CreateSystem(c.Context(), cliActor, &s)
				if err != nil {
					return err
				}
				v := viewSystem(&s)
				v.Secret = secret
				return ce.print(v, func(w io.Writer) {
					fmt.Fprintf(w, "registered system %s\n", s.ID)
					if secret != "" { // a public OpenID Connect client has none
						fmt.Fprintf(w, secretNotice, secret)
					}
				})
			})
		},
	}
	f := add.Flags()
	f.StringVar(&s.ID, "id", "", "system id, also its permission namespace (required)")
	f.StringVar(&s.Name, "name", "", "display name (required)")
	f.StringSliceVar(&s.RedirectURIs, "redirect-uri", nil, "an exact redirect URI (repeatable)")
	f.StringVar(&s.LogoutURL, "logout-url", "", "back-channel logout URL")
	f.StringSliceVar(&s.Protocols, "protocol", nil, "allowed faces: sso, cas, oidc (repeatable; default all)")
	f.BoolVar(&s.OIDC.Public, "oidc-public", false, "OpenID Connect: a public client (no secret at the token endpoint, PKCE S256 required)")
	f.StringSliceVar(&s.OIDC.GrantTypes, "oidc-grant-type", nil,
		"OpenID Connect: an allowed grant, authorization_code, refresh_token or client_credentials (repeatable; default the first two)")
	f.StringSliceVar(&s.OIDC.Scopes, "oidc-scope", nil, "OpenID Connect: an allowed scope, such as openid, profile, email, offline_access, roles (repeatable; default all)")
	f.StringVar(&s.OIDC.IDTokenAlg, "oidc-id-token-alg", "", "OpenID Connect: ID-token signing algorithm, EdDSA (default), ES256 or RS256")
	f.StringSliceVar(&s.OIDC.PostLogoutRedirectURIs, "post-logout-redirect-uri", nil,
		"OpenID Connect: an exact URI that RP-initiated logout may return to (repeatable)")
	list := &cobra.Command{
		Use:   "list",
		Short: "List sub-systems",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return ce.withCore(c.Context(), func(core *app.Core) error {
				systems, err := core.SQL.ListSystems(c.Context())
				if err != nil {
					return err
				}
				views := make([]systemView, len(systems))
				for i, s := range systems {
					views[i] = viewSystem(s)
				}
				return ce.print(views, func(w io.Writer) {
					tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
					fmt.Fprintln(tw, "ID\tNAME\tREDIRECT URIS")
					for _, s := range systems {
						fmt.Fprintf(tw, "%s\t%s\t%s\n", s.ID, s.Name, strings.Join(s.RedirectURIs, " "))
					}
					tw.Flush()
				})
			})
		},
	}
	show := &cobra.Command{
		Use:   "show ID",
		Short: "Show a sub-system",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			return ce.withCore(c.Context(), func(core *app.Core) error {
				s, err := core.SQL.SystemByID(c.Context(), args[0])
				if err != nil {
					return err
				}
				q, qerr := core.KV.Stats(c.Context(), slo.QueueName(s.ID)) // single-logout deliveries
				return ce.print(viewSystem(s), func(w io.Writer) {
					tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
					fmt.Fprintf(tw, "id\t%s\nname\t%s\nlogout url\t%s\nprotocols\t%s\ncreated\t%s\n",
						s.ID, s.Name, s.LogoutURL, strings.Join(s.Protocols, " "), s.CreatedAt.Format(time.RFC3339))
					if qerr == nil && core.Config.RedisURL != "" { // an in-process store here is not the server's
						fmt.Fprintf(tw, "logout deliveries\t%d ready, %d scheduled, %d dead\n", q.Ready, q.Scheduled, q.Dead)
					}
					for _, u := range s.RedirectURIs {
						fmt.Fprintf(tw, "redirect uri\t%s\n", u)
					}
					if s.AllowsProtocol(domain.ProtocolOIDC) {
						o := s.OIDC
						fmt.Fprintf(tw, "oidc client\t%s, grants %s, id token %s\n", map[bool]string{true: "public", false: "confidential"}[o.Public],
							strings.Join(o.AllowedGrantTypes(), " "), o.Alg())
						if len(o.Scopes) > 0 {
							fmt.Fprintf(tw, "oidc scopes\t%s\n", strings.Join(o.Scopes, " "))
						}
						for _, u := range o.PostLogoutRedirectURIs {
							fmt.Fprintf(tw, "post-logout uri\t%s\n", u)
						}
					}
					tw.Flush()
				})
			})
		},
	}
	rotate := &cobra.Command{
		Use:   "rotate-secret ID",
		Short: "Replace a system's secret (the old one stops working within seconds everywhere); prints the new one once",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			return ce.withCore(c.Context(), func(core *app.Core) error {
				secret, err := core.Identity.RotateSecret(c.Context(), cliActor, args[0])
				if err != nil {
					return err
				}
				return ce.print(map[string]string{"id": args[0], "secret": secret}, func(w io.Writer) {
					fmt.Fprintf(w, "rotated the secret of %s\n", args[0])
					fmt.Fprintf(w, secretNotice, secret)
				})
			})
		},
	}
	cmd.AddCommand(ce.jsonFlag(add), ce.jsonFlag(list), ce.jsonFlag(show), ce.jsonFlag(rotate))
	return cmd
}
