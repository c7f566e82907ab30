package bolttest

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"casebank/corpus"
	"casebank/corpus/boltdb"
	"casebank/corpus/export"
)

// MustOpenStore opens a store file in a fresh temp dir, seeded with the
// embedded default corpus when seed is true. When the test ends the store
// is closed and its file must pass bbolt's consistency check.
func MustOpenStore(tb testing.TB, seed bool) *boltdb.Store {
	tb.Helper()
	return MustOpenStoreAt(tb, filepath.Join(tb.TempDir(), "casebank.db"), seed)
}

// MustOpenStoreAt is MustOpenStore for a given file path.
func MustOpenStoreAt(tb testing.TB, path string, seed bool) *boltdb.Store {
	tb.Helper()
	s, err := boltdb.Open(path, boltdb.Options{})
	if err != nil {
		tb.Fatalf("open store: %v", err)
	}
	tb.Cleanup(func() {
		s.Close()
		MustCheck(tb, path)
	})
	if seed {
		if err := s.SeedDefault(context.Background()); err != nil {
			tb.Fatalf("seed store: %v", err)
		}
	}
	return s
}

// NewCase returns a valid case for the given bank of the default corpus.
func NewCase(id, bankID, title, body string) *corpus.Case {
	return &corpus.Case{
		ID: id, Kind: corpus.KindCase, Year: 2025, Bank: corpus.Bank{ID: bankID},
		Title:      corpus.Text{ZH: title, EN: title},
		Summary:    corpus.Text{ZH: body, EN: body},
		Body:       body,
		Dimensions: []string{"technology"}, Themes: []string{"ai"},
		Source: corpus.Source{Report: corpus.ReportTitle, Year: 2025, Section: "9.9"},
	}
}

// ExportJSONL returns the store's JSONL export, to compare its records
// before and after.
func ExportJSONL(tb testing.TB, s *boltdb.Store) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := export.JSONL(context.Background(), &buf, s); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// MustCheck fails the test unless the closed store file at path passes
// bbolt's consistency check (tx.Check: every page reachable or free, once;
// keys in order) and every key and value reads; a file the test removed
// is not checked.
func MustCheck(tb testing.TB, path string) {
	tb.Helper()
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return
	}
	if err := boltdb.CheckFile(path, time.Second); err != nil {
		tb.Errorf("store %s after the test: %v", path, err)
	}
}
