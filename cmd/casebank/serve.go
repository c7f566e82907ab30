package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"casebank/api"
	"casebank/ui"
)

type serveCommand struct {
	stdout, stderr io.Writer
}

func (c *serveCommand) Run(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "listen address (host:port; port 0 picks a free one)")
	var df dataFlags
	df.register(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(c.stderr, "serve takes no arguments, got %q\n", fs.Args())
		return errUsage
	}
	logger := newLogger(c.stderr)
	start := time.Now()
	d, err := openData(ctx, df.dir, logger)
	if err != nil {
		return err
	}
	defer d.Close()
	// The tag suggester's model is trained now, not in the first editor's request.
	go func() {
		if err := d.store.WarmTagModel(ctx); err != nil && ctx.Err() == nil {
			logger.Warn("tag suggester not trained", "err", err)
		}
	}()

	srv := &api.Server{Store: d.store, Index: d.index, Logger: logger, Version: version}
	pages, err := ui.New(d.store, d.index)
	if err != nil {
		return err
	}
	srv.PageError = pages.PageError
	pages.API = srv
	e := srv.Echo()
	pages.Register(e)

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	hs := &http.Server{
		Handler:           e,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
	n, _ := d.index.DocCount()
	fmt.Fprintf(c.stdout, "casebank %s: %d cases, ready in %s at http://%s/\n", version, n, time.Since(start).Round(time.Millisecond), ln.Addr())

	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
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
	return d.Close()
}
