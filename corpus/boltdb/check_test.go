package boltdb_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"casebank/corpus"
	"casebank/corpus/boltdb"
	"casebank/corpus/boltdb/bolttest"
)

// backupBytes returns a consistent copy of a seeded store's file.
func backupBytes(t *testing.T) []byte {
	t.Helper()
	s := bolttest.MustOpenStore(t, true)
	var buf bytes.Buffer
	if _, err := s.Backup(ctx, &buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// An empty file is not a new store: bbolt would initialise it and the
// server would seed it, hiding the lost data behind the demo corpus.
func TestOpenRefusesAnEmptyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), boltdb.StoreFile)
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := boltdb.Open(path, boltdb.Options{})
	if err == nil {
		s.Close()
		t.Fatal("an empty file opened as a store")
	}
	if !strings.Contains(err.Error(), "empty") || !strings.Contains(err.Error(), "casebank restore") {
		t.Fatalf("error %q should say the file is empty and point to casebank restore", err)
	}
	if st, _ := os.Stat(path); st.Size() != 0 {
		t.Fatalf("the empty file was written: %d bytes", st.Size())
	}
}

// A store cut short anywhere is refused with a message, never a panic or
// a fault, and is left as it was.
func TestOpenRefusesATruncatedStore(t *testing.T) {
	data := backupBytes(t)
	for _, size := range []int{100, 4096, 3 * 4096, 4*4096 + 1, len(data) / 3, len(data) / 2, len(data) - 4096, len(data) - 1} {
		path := filepath.Join(t.TempDir(), boltdb.StoreFile)
		if err := os.WriteFile(path, data[:size], 0o600); err != nil {
			t.Fatal(err)
		}
		s, err := boltdb.Open(path, boltdb.Options{})
		if err == nil {
			s.Close()
			t.Fatalf("%d of %d bytes: opened", size, len(data))
		}
		if !strings.Contains(err.Error(), "casebank restore") {
			t.Fatalf("%d of %d bytes: %v", size, len(data), err)
		}
		if got, _ := os.ReadFile(path); !bytes.Equal(got, data[:size]) {
			t.Fatalf("%d of %d bytes: the file was changed", size, len(data))
		}
	}
}

// Garbage over any page either leaves a store bbolt's check accepts (a free
// page) or is refused; no page makes Open panic or fault.
func TestOpenSurvivesAGarbledPage(t *testing.T) {
	data := backupBytes(t)
	const page = 4096
	refused := 0
	for p := 2; p < len(data)/page; p += 3 {
		garbled := bytes.Clone(data)
		for i := p * page; i < (p+1)*page; i++ {
			garbled[i] = 0xA5
		}
		path := filepath.Join(t.TempDir(), boltdb.StoreFile)
		if err := os.WriteFile(path, garbled, 0o600); err != nil {
			t.Fatal(err)
		}
		s, err := boltdb.Open(path, boltdb.Options{})
		if err != nil {
			if !strings.Contains(err.Error(), "is damaged") {
				t.Fatalf("page %d: %v", p, err)
			}
			refused++
			continue
		}
		s.Close()
	}
	if refused == 0 {
		t.Fatal("no garbled page was found")
	}
}

// Restoring a backup cut short fails with a message and leaves the data
// directory as it was.
func TestRestoreRefusesATruncatedBackup(t *testing.T) {
	data := backupBytes(t)
	backup := filepath.Join(t.TempDir(), "backup.db")
	if err := os.WriteFile(backup, data[:len(data)/10], 0o600); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "data")
	err := boltdb.Restore(backup, dir)
	if corpus.ErrorCode(err) != corpus.EINVALID || !strings.Contains(err.Error(), "cut short") {
		t.Fatalf("restore of a truncated backup: %v", err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatalf("the data directory was touched: %v", err)
	}
}

// A store keeps its id across reopening, and so does a copy made by Backup;
// another store has another.
func TestStoreIDIsKeptByReopenAndBackup(t *testing.T) {
	path := filepath.Join(t.TempDir(), boltdb.StoreFile)
	s, err := boltdb.Open(path, boltdb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	id := s.ID()
	var buf bytes.Buffer
	if _, err := s.Backup(ctx, &buf); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if id == "" {
		t.Fatal("no store id")
	}
	if again := bolttest.MustOpenStoreAt(t, path, false).ID(); again != id {
		t.Fatalf("id %q after reopen, was %q", again, id)
	}
	copyPath := filepath.Join(t.TempDir(), boltdb.StoreFile)
	os.WriteFile(copyPath, buf.Bytes(), 0o600)
	if copied := bolttest.MustOpenStoreAt(t, copyPath, false).ID(); copied != id {
		t.Fatalf("backup has id %q, store %q", copied, id)
	}
	if other := bolttest.MustOpenStore(t, false).ID(); other == id {
		t.Fatal("two stores share an id")
	}
}
