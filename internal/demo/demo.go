package demo

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/gatehouse/gatehouse/internal/app"
	"github.com/gatehouse/gatehouse/internal/config"
	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/identity"
	"github.com/gatehouse/gatehouse/sdk/gatehouse"
)

// Options configure a demo. Zero addresses take the defaults of `gatehouse demo`.
type Options struct {
	// Center is the center's configuration; Demo is forced on. An Addr with port 0 is given a
	// free port before the center starts, so that its issuer names the real address.
	Center config.Config
	// ShopAddr and CMSAddr are where the sub-systems listen (default 127.0.0.1:8081 and
	// 127.0.0.1:8082); the shop is addressed as http://127.0.0.1:port and the CMS as
	// http://localhost:port, two hosts that share no cookies.
	ShopAddr, CMSAddr string
	Logger            *slog.Logger
	Out               io.Writer // notices of the center; default io.Discard
}

// Demo is a started demo: the center and two sub-systems, listening, not yet serving.
type Demo struct {
	Center *app.App
	Shop   *Site
	CMS    *Site

	log *slog.Logger
}

// siteSpecs are the two demo sub-systems.
var siteSpecs = []struct{ id, name, host, addr, color string }{
	{"shop", "Demo Shop", "127.0.0.1", "127.0.0.1:8081", "#0b7a75"},
	{"cms", "Demo CMS", "localhost", "127.0.0.1:8082", "#6b3fa0"},
}

// demoRoles are the roles of each sub-system: those of the center's demo system, in the
// sub-system's own namespace.
var demoRoles = []struct{ name, desc, perm string }{
	{"USER", "Reads articles", "%s:article:read"},
	{"EDITOR", "Reads and edits articles", "%s:article:*"},
	{"ADMIN", "Everything in the system", "%s:*"},
}

// demoGrants give each demo user their role in both sub-systems.
var demoGrants = map[string]string{"jack": "USER", "danny": "EDITOR", "smith": "ADMIN"}

// Start opens the center with its demo data, registers the two sub-systems (rotating their
// secrets when they exist already, in a kept data directory) and opens every listener.
func Start(ctx context.Context, opts Options) (d *Demo, err error) {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	out := opts.Out
	if out == nil {
		out = io.Discard
	}
	addrs := []string{opts.ShopAddr, opts.CMSAddr}
	listeners := make([]net.Listener, 0, 2)
	defer func() {
		if err != nil {
			for _, ln := range listeners {
				ln.Close()
			}
		}
	}()
	for i, spec := range siteSpecs {
		addr := addrs[i]
		if addr == "" {
			addr = spec.addr
		}
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", spec.id, err)
		}
		listeners = append(listeners, ln)
	}
	cfg := opts.Center
	cfg.Demo = true
	if cfg.Addr, err = resolvePort(cfg.Addr); err != nil {
		return nil, err
	}
	center, err := app.Open(ctx, cfg, app.Options{Logger: log, Out: out})
	if err != nil {
		return nil, err
	}
	d = &Demo{Center: center, log: log}
	defer func() {
		if err != nil {
			center.Close()
		}
	}()
	if err := center.Listen(); err != nil {
		return nil, err
	}
	centerURL := strings.TrimSuffix(cfg.BaseURL(), "/")
	for i, spec := range siteSpecs {
		_, port, _ := net.SplitHostPort(listeners[i].Addr().String())
		base := "http://" + net.JoinHostPort(spec.host, port)
		secret, err := register(ctx, center.Core, spec.id, spec.name, base)
		if err != nil {
			return nil, fmt.Errorf("registering %s: %w", spec.id, err)
		}
		cookieKey := make([]byte, 32)
		if _, err := rand.Read(cookieKey); err != nil {
			return nil, err
		}
		client, err := gatehouse.New(gatehouse.Config{
			CenterURL: centerURL, SystemID: spec.id, Secret: secret, BaseURL: base, CookieSecret: cookieKey,
			Issuer: cfg.Issuer(), TouchEvery: 30 * time.Second, Logger: log.With("system", spec.id),
		})
		if err != nil {
			return nil, err
		}
		site := &Site{ID: spec.id, Name: spec.name, URL: base, Color: spec.color, Client: client, listener: listeners[i]}
		if i == 0 {
			d.Shop = site
		} else {
			d.CMS = site
		}
	}
	d.Shop.Other, d.CMS.Other = d.CMS, d.Shop
	return d, nil
}

// resolvePort replaces port 0 by a free port, so that the center knows its own address before
// it listens.
func resolvePort(addr string) (string, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil || port != "0" {
		return addr, nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", err
	}
	defer ln.Close()
	_, port, _ = net.SplitHostPort(ln.Addr().String())
	return net.JoinHostPort(host, port), nil
}

// register creates (or updates) a demo sub-system with its roles and grants and returns a
// fresh secret for it.
func register(ctx context.Context, core *app.Core, id, name, base string) (string, error) {
	actor := identity.Actor{Via: "demo"}
	sys := &domain.System{ID: id, Name: name, RedirectURIs: []string{base + "/sso/callback", base + "/"},
		LogoutURL: base + "/sso/backchannel-logout", Protocols: []string{domain.ProtocolSSO}}
	secret, err := core.Identity.CreateSystem(ctx, actor, sys)
	if domain.ErrorCode(err) == domain.CodeConflict {
		// A kept data directory: the addresses may have moved; the old secret is unknown.
		old, err := core.SQL.SystemByID(ctx, id)
		if err != nil {
			return "", err
		}
		old.RedirectURIs, old.LogoutURL = sys.RedirectURIs, sys.LogoutURL
		if err := core.SQL.UpdateSystem(ctx, old); err != nil {
			return "", err
		}
		secret, err = core.Identity.RotateSecret(ctx, actor, id)
		if err != nil {
			return "", err
		}
	} else if err != nil {
		return "", err
	}
	for _, r := range demoRoles {
		role := &domain.Role{SystemID: id, Name: r.name, Description: r.desc, Permissions: []string{fmt.Sprintf(r.perm, id)}}
		if err := core.Identity.CreateRole(ctx, actor, role); err != nil && domain.ErrorCode(err) != domain.CodeConflict {
			return "", err
		}
	}
	for username, role := range demoGrants {
		u, err := core.Identity.User(ctx, username)
		if err != nil {
			return "", err
		}
		err = core.Identity.GrantRole(ctx, actor, u.ID, identity.RoleRef{System: id, Role: role})
		if err != nil && domain.ErrorCode(err) != domain.CodeConflict {
			return "", err
		}
	}
	return secret, nil
}

// Instructions is the text `gatehouse demo` prints at start.
func (d *Demo) Instructions() string {
	var b strings.Builder
	fmt.Fprintf(&b, "\nGatehouse demo is running.\n\n")
	fmt.Fprintf(&b, "  Center (sign-in):  %s/login\n", d.Center.URL())
	fmt.Fprintf(&b, "  Shop (sub-system): %s/\n", d.Shop.URL)
	fmt.Fprintf(&b, "  CMS  (sub-system): %s/\n\n", d.CMS.URL)
	fmt.Fprintf(&b, "Users (password): jack (jack123) is USER, danny (danny123) is EDITOR, smith (smith123) is ADMIN\n")
	fmt.Fprintf(&b, "in both sub-systems.\n\n")
	fmt.Fprintf(&b, "Try: open the shop, sign in as danny, then open the CMS — you are signed in without a prompt.\n")
	fmt.Fprintf(&b, "Sign out in the CMS and reload the shop: you are signed out there too (single logout).\n")
	fmt.Fprintf(&b, "The two sub-systems live on different hosts (127.0.0.1 and localhost): they share no cookies.\n\n")
	fmt.Fprintf(&b, "Press Ctrl+C to stop.\n")
	return b.String()
}

// Serve runs the center and both sub-systems until ctx ends, then shuts them down.
func (d *Demo) Serve(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errc := make(chan error, 3)
	go func() { errc <- d.Center.Serve(ctx) }()
	var servers []*http.Server
	for _, s := range []*Site{d.Shop, d.CMS} {
		srv := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second}
		servers = append(servers, srv)
		go func(s *Site) {
			if err := srv.Serve(s.listener); !errors.Is(err, http.ErrServerClosed) {
				errc <- fmt.Errorf("%s: %w", s.ID, err)
			}
		}(s)
	}
	var err error
	select {
	case <-ctx.Done():
	case err = <-errc:
		cancel()
	}
	sctx, stop := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer stop()
	for _, srv := range servers {
		srv.Shutdown(sctx)
	}
	if err == nil {
		err = <-errc // the center's Serve returns once ctx has ended
	}
	return err
}

// Close releases the listeners and the center's stores (after Serve returned, or instead of it).
func (d *Demo) Close() error {
	d.Shop.listener.Close()
	d.CMS.listener.Close()
	return d.Center.Close()
}
