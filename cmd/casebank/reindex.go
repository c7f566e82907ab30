package main

import (
	"context"
	"fmt"
	"time"

	"casebank/index"
)

// reindex rebuilds the index from the store, showing its progress.
func (c *cli) reindex(ctx context.Context, args []string) error {
	fs := newFlagSet("reindex", "", "  rebuilds the search index from the store", c.stderr)
	var df dataFlags
	df.register(fs)
	var lf logFlags
	lf.register(fs)
	if err := parseOperands(fs, args, 0); err != nil {
		return err
	}
	start := time.Now()
	d, err := openData(ctx, df.dir, lf.logger(c.stderr))
	if err != nil {
		return err
	}
	defer d.Close()
	report, finish := lf.progress(c.stderr, "index")
	err = d.index.Rebuild(index.WithBuildProgress(ctx, report))
	finish()
	if err != nil {
		return err
	}
	n, err := d.index.DocCount()
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "reindexed %d records in %s\n", n, time.Since(start).Round(time.Millisecond))
	return nil
}
