package boltdb_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"casebank/corpus"
	"casebank/corpus/boltdb"
	"casebank/corpus/boltdb/bolttest"
)

const damageMarker = "DAMAGE-MARKER-7f3a"

// damagedStoreFile writes a seeded store with one case whose stored value
// no longer decodes, and returns the file's path.
func damagedStoreFile(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), boltdb.StoreFile)
	s, err := boltdb.Open(path, boltdb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SeedDefault(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateCase(ctx, bolttest.NewCase("damaged-case", "jiangsu-bank", "损坏测试", damageMarker+" 正文"), "t"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	bolttest.DamageValue(t, path, damageMarker)
	return path
}

// A record damaged inside an intact file passes the start-up check and is
// found when read: unavailable, naming the case and the way out, where
// before it was an internal error ("decode case: invalid character").
func TestDamagedRecordIsUnavailableNamingIt(t *testing.T) {
	s := bolttest.MustOpenStoreAt(t, damagedStoreFile(t), false)
	_, err := s.FindCaseByID(ctx, "damaged-case")
	if corpus.ErrorCode(err) != corpus.EUNAVAILABLE {
		t.Fatalf("read of a damaged case: %v", err)
	}
	for _, want := range []string{"the store is damaged: case damaged-case cannot be read (invalid character", "casebank restore"} {
		if msg := corpus.ErrorMessage(err); !strings.Contains(msg, want) {
			t.Fatalf("message %q lacks %q", msg, want)
		}
	}
	if _, err := s.FindCases(ctx, corpus.Filter{}); corpus.ErrorCode(err) != corpus.EUNAVAILABLE {
		t.Fatalf("list with a damaged case: %v", err)
	}
	if _, err := s.ReadCases(ctx, []string{"damaged-case"}); corpus.ErrorCode(err) != corpus.EUNAVAILABLE {
		t.Fatalf("cached read of a damaged case: %v", err)
	}
	if _, err := s.FindCaseByID(ctx, "r2025-t1-4-qingdao-rcb"); err != nil {
		t.Fatalf("an intact case: %v", err)
	}
}

// Restore decodes every record and refuses a backup with one that does not
// decode, leaving the data directory as it was: missing, or empty.
func TestRestoreRefusesUndecodableRecords(t *testing.T) {
	backup := damagedStoreFile(t)
	for _, dir := range []string{filepath.Join(t.TempDir(), "new"), t.TempDir()} {
		_, existed := os.Stat(dir)
		err := boltdb.Restore(backup, dir)
		if corpus.ErrorCode(err) != corpus.EINVALID || !strings.Contains(err.Error(), `case record "damaged-case" cannot be read`) {
			t.Fatalf("restore of a backup with a damaged record: %v", err)
		}
		entries, err := os.ReadDir(dir)
		switch {
		case existed != nil && !os.IsNotExist(err):
			t.Fatalf("restore made %s: %v", dir, err)
		case existed == nil && len(entries) != 0:
			t.Fatalf("restore left %v in %s", entries, dir)
		}
	}
}

// When a restore fails after the store is in place (the index rebuild), it
// removes what it wrote and puts back what it moved: an empty store file
// and an index of other data stay as they were.
func TestFailedRestoreLeavesTheDirectoryAsItWas(t *testing.T) {
	backup := filepath.Join(t.TempDir(), "backup.db")
	if err := os.WriteFile(backup, backupBytes(t), 0o600); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, boltdb.StoreFile), nil, 0o600)
	os.MkdirAll(filepath.Join(dir, "index.bleve"), 0o700)
	os.WriteFile(filepath.Join(dir, "index.bleve", "old"), []byte("old index"), 0o600)
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("mine"), 0o600)
	before := listTree(t, dir)

	err := boltdb.RestoreThen(backup, dir, func() error {
		os.MkdirAll(filepath.Join(dir, "index.bleve"), 0o700)
		os.WriteFile(filepath.Join(dir, "index.bleve", "new"), []byte("half an index"), 0o600)
		os.WriteFile(filepath.Join(dir, "index.lock"), nil, 0o600)
		return corpus.Errorf(corpus.EUNAVAILABLE, "the disk is full")
	})
	if corpus.ErrorCode(err) != corpus.EUNAVAILABLE {
		t.Fatalf("restore whose rebuild fails: %v", err)
	}
	if after := listTree(t, dir); after != before {
		t.Fatalf("directory after a failed restore:\n%s\nbefore:\n%s", after, before)
	}
	// And a restore that succeeds drops what it moved aside.
	if err := boltdb.RestoreThen(backup, dir, nil); err != nil {
		t.Fatal(err)
	}
	if got := listTree(t, dir); strings.Contains(got, "before-restore") || strings.Contains(got, "index.bleve") || !strings.Contains(got, "notes.txt") {
		t.Fatalf("after a restore: %s", got)
	}
}

// listTree lists every file under dir with its size and contents' start.
func listTree(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		b.WriteString(rel)
		if !info.IsDir() {
			data, _ := os.ReadFile(path)
			b.WriteString(" " + string(data[:min(len(data), 16)]))
		}
		b.WriteString("\n")
		return nil
	})
	return b.String()
}
