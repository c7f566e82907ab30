package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"casebank/api"
	"casebank/corpus/app"
	"casebank/ui"
)

// serveConfig is what serve's flags say.
type serveConfig struct {
	addr      string
	proxies   cidrList
	tlsConfig *tls.Config // nil: plain http
	log       logFlags
	data      dataFlags
	// writeRate and writeBurst bound each token's writes.
	writeRate  float64
	writeBurst int
}

// serve runs the web server until ctx is done, then shuts it down.
func (c *cli) serve(ctx context.Context, args []string) error {
	cfg, err := c.parseServe(args)
	if err != nil {
		return err
	}
	logger := cfg.log.logger(c.stderr)
	start := time.Now()
	d, err := openData(ctx, cfg.data.dir, logger)
	if err != nil {
		return err
	}
	defer d.Close()
	handler, svc, closeApp, err := newHandler(d, logger, cfg)
	if err != nil {
		return err
	}
	defer closeApp() // before the store: deferred calls run last first
	// The tag suggester's model is trained now, not in the first editor's request.
	go func() {
		start := time.Now()
		if err := svc.WarmTagModel(ctx); err != nil && ctx.Err() == nil {
			logger.Warn("tag suggester not trained", "err", err)
		} else if err == nil {
			logger.Info("tag suggester trained", "took", time.Since(start).Round(time.Millisecond))
		}
	}()
	releaseCtx, stopReleasing := context.WithCancel(ctx)
	var releasing sync.WaitGroup
	releasing.Go(func() {
		releaseMappedEvery(releaseCtx, mappedCheckEvery, mappedBudget, residentFileBytes, d.releaseMapped)
	})
	// It reads the store and the index: it ends before they close.
	defer releasing.Wait()
	defer stopReleasing()
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	hs := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		TLSConfig:         cfg.tlsConfig,
		// Failed TLS handshakes and the like go to the structured log.
		ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	scheme := "http"
	if cfg.tlsConfig != nil {
		scheme = "https"
	}
	n, _ := d.index.DocCount()
	fmt.Fprintf(c.stdout, "casebank %s: %d cases, ready in %s at %s://%s/\n", version, n, time.Since(start).Round(time.Millisecond), scheme, ln.Addr())
	if err := serveUntilDone(ctx, hs, ln, logger); err != nil {
		return err
	}
	stopReleasing()
	releasing.Wait()
	// Import jobs stop (after their current batch) before the store closes.
	closeApp()
	return d.Close()
}

// parseServe reads serve's flags, loading the TLS certificate if one is named.
func (c *cli) parseServe(args []string) (*serveConfig, error) {
	cfg := &serveConfig{}
	fs := newFlagSet("serve", "", "  serves the web pages and the API; a new --data directory is seeded with the embedded corpus", c.stderr)
	fs.StringVar(&cfg.addr, "addr", "127.0.0.1:8080", "listen address (host:port; port 0 picks a free one)")
	fs.Var(&cfg.proxies, "trusted-proxy", "address or CIDR range of a reverse proxy whose X-Forwarded-For and X-Forwarded-Proto\nare believed (repeat the flag or separate with commas); from anyone else they are ignored")
	certFile := fs.String("tls-cert", "", "PEM certificate (chain) file: serve https directly, with --tls-key")
	keyFile := fs.String("tls-key", "", "PEM private key file of --tls-cert")
	cfg.log.register(fs)
	fs.Float64Var(&cfg.writeRate, "write-rate", app.DefaultWriteRate, "writes a second each token may make (POST, PUT, PATCH, DELETE; 429 beyond)")
	fs.IntVar(&cfg.writeBurst, "write-burst", app.DefaultWriteBurst, "writes each token may make at once before --write-rate applies")
	cfg.data.register(fs)
	if err := parseFlags(fs, args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, err
		}
		return nil, errUsage // the flag package said what was wrong
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(c.stderr, "serve takes no arguments, got %q\n", fs.Args())
		return nil, errUsage
	}
	if cfg.writeRate <= 0 || cfg.writeBurst < 1 {
		fmt.Fprintln(c.stderr, "serve: --write-rate must be above 0 and --write-burst at least 1")
		return nil, errUsage
	}
	if (*certFile == "") != (*keyFile == "") {
		fmt.Fprintln(c.stderr, "serve: give --tls-cert and --tls-key together, or neither")
		return nil, errUsage
	}
	if *certFile != "" {
		cert, err := tls.LoadX509KeyPair(*certFile, *keyFile)
		if err != nil {
			return nil, fmt.Errorf("load --tls-cert %s and --tls-key %s: %w", *certFile, *keyFile, err)
		}
		cfg.tlsConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	return cfg, nil
}

// newHandler wires the API and the pages to one application service; the
// API's error handler renders page errors with the pages' renderer.
// closeApp ends the API's import jobs, then the service's background work;
// it may be called more than once.
func newHandler(d *data, logger *slog.Logger, cfg *serveConfig) (_ http.Handler, _ *app.Service, closeApp func(), _ error) {
	svc := app.New(d.store, d.index, logger)
	svc.WriteRate, svc.WriteBurst = rate.Limit(cfg.writeRate), cfg.writeBurst
	pages, err := ui.New(svc)
	if err != nil {
		svc.Close()
		return nil, nil, nil, err
	}
	srv := &api.Server{App: svc, Logger: logger, Version: version, TrustedProxies: cfg.proxies, PageError: pages.PageError}
	e := srv.Echo()
	pages.Register(e)
	var once sync.Once
	return e, svc, func() { once.Do(func() { srv.Close(); svc.Close() }) }, nil
}

// serveUntilDone serves on ln until ctx is done, then shuts down, letting
// in-flight requests finish.
func serveUntilDone(ctx context.Context, hs *http.Server, ln net.Listener, logger *slog.Logger) error {
	served := make(chan error, 1)
	go func() {
		if hs.TLSConfig != nil {
			served <- hs.ServeTLS(ln, "", "") // the certificate is in TLSConfig
		} else {
			served <- hs.Serve(ln)
		}
	}()
	select {
	case err := <-served:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	logger.Info("shutting down: finishing in-flight requests")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// cidrList is a repeatable flag of CIDR ranges, also comma-separated; a bare
// address is a range of one.
type cidrList []*net.IPNet

func (l *cidrList) String() string {
	var parts []string
	for _, n := range *l {
		parts = append(parts, n.String())
	}
	return strings.Join(parts, ",")
}

func (l *cidrList) Set(v string) error {
	for part := range strings.SplitSeq(v, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if ip := net.ParseIP(part); ip != nil {
			bits := 128
			if ip.To4() != nil {
				ip, bits = ip.To4(), 32
			}
			*l = append(*l, &net.IPNet{IP: ip, Mask: net.CIDRMask(bits, bits)})
			continue
		}
		_, n, err := net.ParseCIDR(part)
		if err != nil {
			return fmt.Errorf("%q is not an address or a CIDR range like 10.0.0.0/8", part)
		}
		*l = append(*l, n)
	}
	return nil
}
