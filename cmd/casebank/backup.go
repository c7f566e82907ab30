package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"casebank/corpus/boltdb"
)

// backup writes a consistent copy of the store: directly when no server holds
// the data directory, or from a running server (--from URL --token T).
func (c *cli) backup(ctx context.Context, args []string) error {
	fs := newFlagSet("backup", "FILE", "  writes a consistent copy of the store to FILE (0600): from --data while no\n  server runs on it, else from a running server with --from URL --token ADMIN_TOKEN", c.stderr)
	var df dataFlags
	df.register(fs)
	from := fs.String("from", "", "base URL of a running casebank server, e.g. http://127.0.0.1:8080")
	token := fs.String("token", "", "admin token for --from")
	if err := parseOperands(fs, args, 1); err != nil {
		return err
	}
	tmp := fs.Arg(0) + ".part"
	// Private like the store: a backup holds token hashes and sessions. Chmod
	// too, for a part file left over with another mode.
	out, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err == nil {
		if err = out.Chmod(0o600); err != nil {
			out.Close()
		}
	}
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	var n int64
	if *from != "" {
		n, err = c.fetchBackup(ctx, strings.TrimRight(*from, "/")+"/api/v1/backup", *token, out)
	} else {
		var store *boltdb.Store
		store, err = boltdb.Open(filepath.Join(df.dir, boltdb.StoreFile), boltdb.Options{})
		if err != nil {
			out.Close()
			if errors.Is(err, boltdb.ErrInUse) {
				err = fmt.Errorf("%w\n(while a server runs, back up through it: casebank backup --from http://ADDR --token ADMIN_TOKEN %s)", err, fs.Arg(0))
			}
			return err
		}
		n, err = store.Backup(ctx, out)
		store.Close()
	}
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, fs.Arg(0)); err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "backed up %d bytes to %s\n", n, fs.Arg(0))
	return nil
}

func (c *cli) fetchBackup(ctx context.Context, url, token string, w io.Writer) (int64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(res.Body, 1024))
		return 0, fmt.Errorf("backup: %s: %s", res.Status, strings.TrimSpace(string(body)))
	}
	return io.Copy(w, res.Body)
}

// restore restores a backup into an empty data directory and rebuilds the index.
func (c *cli) restore(ctx context.Context, args []string) error {
	fs := newFlagSet("restore", "FILE", "  restores the backup FILE into an empty --data directory and rebuilds the index", c.stderr)
	var df dataFlags
	df.register(fs)
	var lf logFlags
	lf.register(fs)
	if err := parseOperands(fs, args, 1); err != nil {
		return err
	}
	// The index is rebuilt inside the restore: if that fails, the data
	// directory is left as it was. A restored store is never seeded.
	var d *data
	err := boltdb.RestoreThen(fs.Arg(0), df.dir, func() error {
		var err error
		d, err = openDataSeeding(ctx, df.dir, lf.logger(c.stderr), false)
		return err
	})
	if err != nil {
		return err
	}
	defer d.Close()
	n, _ := d.store.CountCases()
	fmt.Fprintf(c.stdout, "restored %d cases into %s; index rebuilt\n", n, df.dir)
	return nil
}
