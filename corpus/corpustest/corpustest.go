// Package corpustest opens real stores in temporary directories for tests.
package corpustest

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"

	"casebank/corpus"
	"casebank/corpus/export"
)

// MustOpenStore opens a store file in a fresh temp dir, seeded with the
// embedded default corpus when seed is true; it is closed when the test ends.
func MustOpenStore(tb testing.TB, seed bool) *corpus.Store {
	tb.Helper()
	return MustOpenStoreAt(tb, filepath.Join(tb.TempDir(), "casebank.db"), seed)
}

// MustOpenStoreAt is MustOpenStore for a given file path.
func MustOpenStoreAt(tb testing.TB, path string, seed bool) *corpus.Store {
	tb.Helper()
	s, err := corpus.Open(path, corpus.Options{})
	if err != nil {
		tb.Fatalf("open store: %v", err)
	}
	tb.Cleanup(func() { s.Close() })
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
func ExportJSONL(tb testing.TB, s *corpus.Store) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := export.JSONL(context.Background(), &buf, s); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}
