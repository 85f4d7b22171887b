package cli

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/gatehouse/gatehouse/internal/demo"
)

// demoCmd starts the center with its demo data and two demo sub-systems built with the SDK.
func demoCmd(ce *cmdEnv) *cobra.Command {
	var shopAddr, cmsAddr string
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run the center and two demo sub-systems (a shop and a CMS on different hosts) to try SSO and single logout",
		Long: "Starts the center on --addr (default 127.0.0.1:8080) with the demo users jack, danny and smith,\n" +
			"a shop on http://127.0.0.1:8081 and a CMS on http://localhost:8082, both built with the Go SDK.\n" +
			"Data lives in a temporary directory unless --data-dir (or GATEHOUSE_DATA_DIR) is given.",
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			cfg, err := ce.loadConfig()
			if err != nil {
				return err
			}
			if !ce.flags.Changed("data-dir") && !envSet(ce.Environ, "GATEHOUSE_DATA_DIR") {
				dir, err := os.MkdirTemp("", "gatehouse-demo-")
				if err != nil {
					return err
				}
				defer os.RemoveAll(dir)
				cfg.DataDir = dir
			}
			d, err := demo.Start(c.Context(), demo.Options{Center: cfg, ShopAddr: shopAddr, CMSAddr: cmsAddr,
				Logger: ce.logger(cfg), Out: ce.Stdout})
			if err != nil {
				return err
			}
			defer d.Close()
			fmt.Fprint(ce.Stdout, d.Instructions())
			return d.Serve(c.Context())
		},
	}
	cmd.Flags().StringVar(&shopAddr, "shop-addr", "127.0.0.1:8081", "listen address of the demo shop (served as http://127.0.0.1:port)")
	cmd.Flags().StringVar(&cmsAddr, "cms-addr", "127.0.0.1:8082", "listen address of the demo CMS (served as http://localhost:port)")
	return cmd
}

func envSet(environ []string, name string) bool {
	for _, kv := range environ {
		if len(kv) > len(name) && kv[:len(name)+1] == name+"=" {
			return true
		}
	}
	return false
}
