package index_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"casebank/corpus/boltdb"
	"casebank/corpus/boltdb/bolttest"
	"casebank/index"
	"casebank/index/bleveengine"
	"casebank/index/indextest"
)

func mustOpenIndex(t *testing.T, dir string, store *boltdb.Store, logs *indextest.Logs) *index.Index {
	t.Helper()
	logger := indextest.NewLogger(&indextest.Logs{})
	if logs != nil {
		logger = indextest.NewLogger(logs)
	}
	ix, err := index.Open(context.Background(), bleveengine.New(dir), store, logger)
	if err != nil {
		t.Fatal(err)
	}
	return ix
}

func createAndIndex(t *testing.T, store *boltdb.Store, ix *index.Index, id, title string) {
	t.Helper()
	ctx := context.Background()
	if _, err := store.CreateCase(ctx, bolttest.NewCase(id, "jiangsu-bank", title, title), "test"); err != nil {
		t.Fatal(err)
	}
	if err := ix.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
}

func contains(t *testing.T, ix *index.Index, id string) bool {
	t.Helper()
	ok, err := ix.Contains(id)
	if err != nil {
		t.Fatal(err)
	}
	return ok
}

// An older backup copied over the store leaves the index ahead of the
// store's log: new writes would get sequence numbers the index has already
// applied and never be indexed. The index is rebuilt instead, and says why.
func TestOlderStoreUnderNewerIndexIsRebuilt(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), boltdb.StoreFile)
	store, err := boltdb.Open(path, boltdb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := store.SeedDefault(ctx); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	ix := mustOpenIndex(t, dir, store, nil)
	var backup bytes.Buffer
	if _, err := store.Backup(ctx, &backup); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"after-backup-1", "after-backup-2", "after-backup-3"} {
		createAndIndex(t, store, ix, id, "备份之后的案例")
	}
	ix.Close()
	store.Close()

	if err := os.WriteFile(path, backup.Bytes(), 0o600); err != nil { // the slip: cp old-backup.db casebank.db
		t.Fatal(err)
	}
	store = bolttest.MustOpenStoreAt(t, path, false)
	var logs indextest.Logs
	ix = mustOpenIndex(t, dir, store, &logs)
	defer ix.Close()
	last, _ := store.LastSeq()
	if line := logs.String(); !strings.Contains(line, "ahead of the store's log") || !strings.Contains(line, "level=WARN") {
		t.Fatalf("no rebuild logged:\n%s", line)
	}
	if applied, _ := ix.AppliedSeq(); applied != last {
		t.Fatalf("index at seq %d, store at %d", applied, last)
	}
	if contains(t, ix, "after-backup-1") {
		t.Fatal("the index still holds a case the store no longer has")
	}
	createAndIndex(t, store, ix, "after-copy", "复制之后的案例")
	if !contains(t, ix, "after-copy") {
		t.Fatal("a case written after the copy is not indexed")
	}
}

// An index built for another store is rebuilt, even when that store's log
// is shorter than this one's.
func TestIndexOfAnotherStoreIsRebuilt(t *testing.T) {
	a := bolttest.MustOpenStore(t, true)
	dir := t.TempDir()
	ix := mustOpenIndex(t, dir, a, nil)
	createAndIndex(t, a, ix, "only-in-a", "只在甲库的案例")
	ix.Close()

	b := bolttest.MustOpenStore(t, true)
	ctx := context.Background()
	for _, id := range []string{"only-in-b-1", "only-in-b-2"} {
		if _, err := b.CreateCase(ctx, bolttest.NewCase(id, "jiangsu-bank", "只在乙库的案例", "正文"), "test"); err != nil {
			t.Fatal(err)
		}
	}
	var logs indextest.Logs
	ix = mustOpenIndex(t, dir, b, &logs)
	defer ix.Close()
	if line := logs.String(); !strings.Contains(line, "belongs to another store") || !strings.Contains(line, a.ID()) || !strings.Contains(line, b.ID()) {
		t.Fatalf("no rebuild logged with both store ids:\n%s", line)
	}
	if contains(t, ix, "only-in-a") || !contains(t, ix, "only-in-b-1") || !contains(t, ix, "only-in-b-2") {
		t.Fatal("the index does not hold exactly the store's cases")
	}
}
