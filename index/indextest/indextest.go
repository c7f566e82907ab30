package indextest

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"

	"casebank/corpus/boltdb"
	"casebank/corpus/boltdb/bolttest"
	"casebank/index"
	"casebank/index/bleveengine"
)

// MustOpen returns a store seeded with the default corpus and its index,
// both in a fresh temp dir and closed when the test ends.
func MustOpen(tb testing.TB) (*boltdb.Store, *index.Index) {
	tb.Helper()
	store := bolttest.MustOpenStore(tb, true)
	ix, err := index.Open(context.Background(), bleveengine.New(tb.TempDir()), store, nil)
	if err != nil {
		tb.Fatalf("open index: %v", err)
	}
	tb.Cleanup(func() { ix.Close() })
	return store, ix
}

// Logs collects log lines from several goroutines.
type Logs struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *Logs) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *Logs) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// NewLogger logs at level info and above to w, as text.
func NewLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelInfo}))
}
