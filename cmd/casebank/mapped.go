package main

import (
	"bufio"
	"context"
	"os"
	"strconv"
	"strings"
	"time"
)

// The store and the index are read through shared, read-only maps of their
// files, and the kernel maps 64 KiB around each page a read touches: a
// server that had answered a few thousand distinct searches and case pages
// at 100,000 cases held 370 MB of those files resident, most of it read once.
// Every mappedCheckEvery, if more than mappedBudget of file pages is
// resident, serve lets go of them: they stay in the page cache, and the next
// read maps them again at the cost of a minor fault.
const (
	mappedCheckEvery = 10 * time.Second
	mappedBudget     = 128 << 20
)

// releaseMappedEvery runs releaseIfOver every interval until ctx is done.
func releaseMappedEvery(ctx context.Context, interval time.Duration, budget int64, resident func() (int64, error), release func()) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			releaseIfOver(budget, resident, release)
		}
	}
}

// releaseIfOver calls release when resident says more than budget bytes are
// resident; it reports whether it did. Not knowing (no /proc) releases
// nothing.
func releaseIfOver(budget int64, resident func() (int64, error), release func()) bool {
	n, err := resident()
	if err != nil || n <= budget {
		return false
	}
	release()
	return true
}

// residentFileBytes is the process's resident pages mapped from files
// (RssFile in /proc/self/status), the program's own code among them.
func residentFileBytes() (int64, error) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "RssFile:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10, err
		}
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	return 0, os.ErrNotExist
}
