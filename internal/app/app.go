package app

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"runtime/debug"
	"strings"

	"github.com/gatehouse/gatehouse/internal/buildinfo"
	"github.com/gatehouse/gatehouse/internal/config"
	"github.com/gatehouse/gatehouse/internal/identity"
)

// App is a running Gatehouse server.
type App struct {
	*Core
	Handler http.Handler
	// BootstrapPassword is the administrator password set at this start ("" when the
	// administrator existed already). It has been printed once to Options.Out.
	BootstrapPassword string
	// DemoSecret is the demo system's secret when this start created it.
	DemoSecret string

	opts     Options
	listener net.Listener
	server   *http.Server
}

// Open builds a server from cfg: the core, the session store, the signing keys, the bootstrap
// administrator (and the demo data with cfg.Demo), and the HTTP handler. It does not listen yet.
func Open(ctx context.Context, cfg config.Config, opts Options) (*App, error) {
	opts.defaults()
	core, err := OpenCore(ctx, cfg, opts)
	if err != nil {
		return nil, err
	}
	a := &App{Core: core, opts: opts}
	if err := a.open(ctx); err != nil {
		a.Close()
		return nil, err
	}
	return a, nil
}

func (a *App) open(ctx context.Context) error {
	cfg := a.Config
	if err := a.Keys.Ensure(ctx, cfg.Tokens.SigningAlgorithm); err != nil {
		return fmt.Errorf("signing keys: %w", err)
	}
	pw, err := a.Identity.Bootstrap(ctx, cfg.BootstrapAdminPassword)
	if err != nil {
		return fmt.Errorf("bootstrap: %w", err)
	}
	if pw != "" {
		a.BootstrapPassword = pw
		if cfg.BootstrapAdminPassword != "" {
			fmt.Fprintf(a.opts.Out, "Created administrator %q with the password from GATEHOUSE_BOOTSTRAP_ADMIN_PASSWORD.\n", identity.BootstrapAdmin)
		} else {
			fmt.Fprintf(a.opts.Out, "Created administrator %q. Its one-time password, shown only now:\n\n    %s\n\nSign in and change it.\n", identity.BootstrapAdmin, pw)
		}
	}
	if cfg.Demo {
		base := strings.TrimSuffix(cfg.BaseURL(), "/")
		secret, err := a.Identity.SeedDemo(ctx, []string{base + "/demo/callback"}, "")
		if err != nil {
			return fmt.Errorf("demo data: %w", err)
		}
		a.DemoSecret = secret
		if secret != "" {
			fmt.Fprintf(a.opts.Out, "Demo data: system %q (secret %s), users jack/jack123, danny/danny123, smith/smith123.\n", identity.DemoSystemID, secret)
		}
	}
	h, err := a.routes()
	if err != nil {
		return err
	}
	a.Handler = h
	return nil
}

// Listen opens the listening socket on the configured address (":0" picks a free port).
func (a *App) Listen() error {
	ln, err := net.Listen("tcp", a.Config.Addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	if a.Config.TLSEnabled() {
		cert, err := tls.LoadX509KeyPair(a.Config.TLS.CertFile, a.Config.TLS.KeyFile)
		if err != nil {
			ln.Close()
			return fmt.Errorf("tls: %w", err)
		}
		ln = tls.NewListener(ln, &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12, NextProtos: []string{"h2", "http/1.1"}})
	}
	a.listener = ln
	return nil
}

// Addr is the address the server listens on, after Listen.
func (a *App) Addr() string { return a.listener.Addr().String() }

// URL is the base URL of the listening server, after Listen.
func (a *App) URL() string {
	scheme := "http"
	if a.Config.TLSEnabled() {
		scheme = "https"
	}
	return scheme + "://" + a.Addr()
}

// Serve answers requests until ctx ends, then stops taking new connections and lets in-flight
// requests finish within the configured shutdown bound.
func (a *App) Serve(ctx context.Context) error {
	if a.listener == nil {
		if err := a.Listen(); err != nil {
			return err
		}
	}
	hc := a.Config.HTTP
	a.server = &http.Server{
		Handler:           a.Handler,
		ReadHeaderTimeout: hc.ReadHeaderTimeout,
		ReadTimeout:       hc.ReadTimeout,
		WriteTimeout:      hc.WriteTimeout,
		IdleTimeout:       hc.IdleTimeout,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          nil,
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	errc := make(chan error, 1)
	go func() { errc <- a.server.Serve(a.listener) }()
	workers, stopWorkers := context.WithCancel(context.WithoutCancel(ctx))
	workersDone := make(chan struct{})
	go func() { defer close(workersDone); a.runSLO(workers) }()
	defer func() { stopWorkers(); <-workersDone }() // background work ends before Serve returns
	// Start-up (migrations, key generation, the bootstrap password hash) leaves a heap far
	// larger than an idle server needs: hand it back to the system now, not minutes later.
	go debug.FreeOSMemory()
	a.Log.Info("gatehouse listening", "url", a.URL(), "version", buildinfo.Version(),
		"database", a.SQL.Dialect(), "session_store", backendName(a.Config))
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	a.Log.Info("shutting down", "bound", hc.ShutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), hc.ShutdownTimeout)
	defer cancel()
	err := a.server.Shutdown(sctx)
	if e := <-errc; !errors.Is(e, http.ErrServerClosed) && err == nil {
		err = e
	}
	return err
}

func backendName(cfg config.Config) string {
	if cfg.RedisURL != "" {
		return "redis"
	}
	return "memory"
}

// trustedProxies parses the configured list (validated already by config).
func trustedProxies(list []string) []netip.Prefix {
	var out []netip.Prefix
	for _, s := range list {
		if p, err := netip.ParsePrefix(s); err == nil {
			out = append(out, p.Masked())
		} else if ip, err := netip.ParseAddr(s); err == nil {
			out = append(out, netip.PrefixFrom(ip, ip.BitLen()))
		}
	}
	return out
}
