package boltdb

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"casebank/corpus"
)

// A codebook preview reads in a read transaction: while another writer holds
// the write lock, previews of a merge and a retirement still come back, with
// the cases the applied change then touches. (Before, a preview decoded every
// case inside a write transaction that it rolled back: 19 s at 100,000 cases
// during which every other write waited.)
func TestCodebookPreviewTakesNoWriteLock(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "casebank.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	if err := s.SeedDefault(ctx); err != nil {
		t.Fatal(err)
	}
	held, release := make(chan struct{}), make(chan struct{})
	go s.db.Update(func(*bolt.Tx) error { close(held); <-release; return nil })
	<-held
	released := false
	defer func() {
		if !released {
			close(release) // before Close, which waits for the holder
		}
	}()

	changes := []corpus.CodebookChange{
		{Op: "merge", Code: "green", Into: "inclusive", Preview: true},
		{Op: "retire", Code: "green", Preview: true},
	}
	previews := map[string][]string{}
	for _, ch := range changes {
		done := make(chan *corpus.CodebookResult, 1)
		go func() {
			res, err := s.ChangeCodebook(ctx, ch, "admin")
			if err != nil {
				t.Errorf("%s preview: %v", ch.Op, err)
			}
			done <- res
		}()
		select {
		case res := <-done:
			if res == nil || !res.Preview || len(res.Affected) == 0 {
				t.Fatalf("%s preview: %+v", ch.Op, res)
			}
			previews[ch.Op] = res.Affected
		case <-time.After(20 * time.Second): // a hang guard: a preview waits for no writer
			t.Fatalf("%s preview waited for the write lock", ch.Op)
		}
	}
	close(release)
	released = true

	if !slices.Equal(previews["merge"], previews["retire"]) {
		t.Fatalf("merge previews %v, retire %v: both take the cases of green", previews["merge"], previews["retire"])
	}
	ch := changes[0]
	ch.Preview = false
	res, err := s.ChangeCodebook(ctx, ch, "admin")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Affected, previews["merge"]) {
		t.Fatalf("merged %v, previewed %v", res.Affected, previews["merge"])
	}
}
