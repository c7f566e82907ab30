package boltdb

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"casebank/corpus"
)

// A write too large to store is refused without taking the write lock: while
// another writer holds the lock, each refusal still comes back. (Before, a
// list of 100,000 codes was checked inside the write transaction, one search
// of the list per code, and every other writer waited.)
func TestOversizedWritesAreRefusedOutsideTheWriteLock(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "casebank.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	held, release := make(chan struct{}), make(chan struct{})
	go s.db.Update(func(*bolt.Tx) error { close(held); <-release; return nil })
	<-held
	defer close(release) // before Close, which waits for the holder

	ctx := context.Background()
	huge := make([]string, 100_000)
	for i := range huge {
		huge[i] = fmt.Sprintf("code%d", i)
	}
	newCase := func() *corpus.Case {
		return &corpus.Case{ID: "big", Kind: corpus.KindCase, Year: 2025, Bank: corpus.Bank{ID: "jiangsu-bank"}, Title: corpus.Text{ZH: "标题"},
			Body: "正文", Dimensions: []string{"technology"}, Themes: huge}
	}
	writes := []struct {
		name  string
		write func() error
	}{
		{"create", func() error { _, err := s.CreateCase(ctx, newCase(), "ed"); return err }},
		{"update", func() error { _, err := s.UpdateCase(ctx, newCase(), 1, "ed"); return err }},
		{"tags", func() error {
			_, err := s.PatchTags(ctx, "big", corpus.TagPatch{Remove: corpus.TagLists{Themes: huge}}, "ed")
			return err
		}},
		{"bulk", func() error {
			_, err := s.ApplyBulkTag(ctx, corpus.BulkTag{IDs: huge, Kind: corpus.FacetTheme, Code: "ai", Action: "add"}, "ed")
			return err
		}},
		{"codebook", func() error {
			_, err := s.ChangeCodebook(ctx, corpus.CodebookChange{Op: "add", Code: "x", ZH: strings.Repeat("长", 1e5), EN: "x"}, "admin")
			return err
		}},
		{"bank", func() error {
			return s.PutBank(ctx, &corpus.Bank{ID: "b", Name: "银行", Aliases: huge, Type: "village", Region: "national"}, "admin")
		}},
		{"policy", func() error {
			return s.PutPolicy(ctx, &corpus.Policy{ID: "p", Kind: corpus.KindPolicy, Name: "政策", Date: "2025", Region: "national", Themes: huge}, "admin")
		}},
	}
	for _, w := range writes {
		done := make(chan error, 1)
		go func() { done <- w.write() }()
		select {
		case err := <-done:
			if corpus.ErrorCode(err) != corpus.EINVALID || len(err.Error()) > 1000 {
				t.Errorf("%s: %.300v, want a short invalid error", w.name, err)
			}
		case <-time.After(20 * time.Second): // a hang guard: the refusal waits for nothing
			t.Fatalf("%s waited for the write lock", w.name)
		}
	}
}
