package boltdb_test

import (
	"bytes"
	"fmt"
	"os"
	"testing"

	"casebank/corpus"
	"casebank/corpus/boltdb/bolttest"
)

// A scan of every case (an index rebuild, the tag model's training), a
// count of them and an import leave the store's pages in the page cache,
// not in the process: before, one scan of 100,000 cases kept 400 MB
// resident for the life of the server.
func TestWholeStoreReadsLeaveNoPagesResident(t *testing.T) {
	path := t.TempDir() + "/casebank.db"
	s := bolttest.MustOpenStoreAt(t, path, true)
	lines := generatedJSONL(t, 3000)
	body := append(bytes.Join(lines, []byte("\n")), '\n')
	if _, err := s.ImportJSONL(ctx, bytes.NewReader(body), corpus.ImportOptions{By: "importer"}); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	limit := int(st.Size() / 100)
	if got := bolttest.MappedResident(t, func(p string) bool { return p == path }); got > limit {
		t.Errorf("after the import %d bytes of the %d-byte store are resident, want at most %d", got, st.Size(), limit)
	}
	n := 0
	if _, err := s.EachRecord(ctx, func(*corpus.Policy) error { return nil }, func(*corpus.Case) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	if n < 3000 {
		t.Fatalf("the scan saw %d cases, want at least 3000", n)
	}
	if got := bolttest.MappedResident(t, func(p string) bool { return p == path }); got > limit {
		t.Errorf("after a scan of every case %d bytes of the %d-byte store are resident, want at most %d", got, st.Size(), limit)
	}
	if got, err := s.CountRecords(); err != nil || got < n {
		t.Fatalf("CountRecords: %d, %v; want at least %d", got, err, n)
	}
	if got := bolttest.MappedResident(t, func(p string) bool { return p == path }); got > limit {
		t.Errorf("after counting the records %d bytes of the %d-byte store are resident, want at most %d", got, st.Size(), limit)
	}
	// The pages are read again after the release: the same cases, decoded.
	all, err := s.FindCases(ctx, corpus.Filter{})
	if err != nil || len(all) != n {
		t.Fatalf("after the release: %d cases, %v; want %d", len(all), err, n)
	}

	// Reads of one case at a time (case pages) map pages that stay until
	// ReleaseMapped lets go of them.
	for _, c := range all {
		if _, err := s.FindCaseByID(ctx, c.ID); err != nil {
			t.Fatal(err)
		}
	}
	if got := bolttest.MappedResident(t, func(p string) bool { return p == path }); got < 10*limit {
		t.Fatalf("after reading every case by id %d bytes are resident, want at least %d (the test reads nothing)", got, 10*limit)
	}
	s.ReleaseMapped()
	if got := bolttest.MappedResident(t, func(p string) bool { return p == path }); got > limit {
		t.Errorf("after ReleaseMapped %d bytes of the %d-byte store are resident, want at most %d", got, st.Size(), limit)
	}
	for _, c := range all[:100] {
		if got, err := s.FindCaseByID(ctx, c.ID); err != nil || got.Title != c.Title {
			t.Fatalf("case %s after the release: %v, %v", c.ID, got, err)
		}
	}

	// Released while reads and a write run, as serve's releaser does.
	stop, released := make(chan struct{}), make(chan int)
	go func() {
		n := 0
		for {
			select {
			case <-stop:
				released <- n
				return
			default:
				s.ReleaseMapped()
				n++
			}
		}
	}()
	edited := all[0]
	edited.Title.EN += " (edited)"
	_, writeErr := s.UpdateCase(ctx, edited, edited.Version, "test")
	var readErr error
	for _, c := range all[1:500] {
		if got, err := s.FindCaseByID(ctx, c.ID); err != nil || got.Title != c.Title {
			readErr = fmt.Errorf("case %s while releasing: %v, %v", c.ID, got, err)
			break
		}
	}
	close(stop)
	releases := <-released
	if writeErr != nil || readErr != nil {
		t.Fatal(writeErr, readErr)
	}
	if got, err := s.FindCaseByID(ctx, edited.ID); err != nil || got.Title.EN != edited.Title.EN {
		t.Fatalf("the case written while releasing: %v, %v", got, err)
	}
	if releases < 2 {
		t.Errorf("released %d times during the reads, want several (the test releases nothing)", releases)
	}
}
