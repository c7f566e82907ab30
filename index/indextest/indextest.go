// Package indextest opens a real store and index in a temporary directory.
package indextest

import (
	"context"
	"testing"

	"casebank/corpus/boltdb"
	"casebank/corpus/boltdb/bolttest"
	"casebank/index"
)

// MustOpen returns a store seeded with the default corpus and its index,
// both in a fresh temp dir and closed when the test ends.
func MustOpen(tb testing.TB) (*boltdb.Store, *index.Index) {
	tb.Helper()
	store := bolttest.MustOpenStore(tb, true)
	ix, err := index.Open(context.Background(), tb.TempDir(), store, nil)
	if err != nil {
		tb.Fatalf("open index: %v", err)
	}
	tb.Cleanup(func() { ix.Close() })
	return store, ix
}
