package boltdb

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"casebank/corpus"
)

// Backup writes a consistent copy of the store file to w from one read
// transaction; writers go on meanwhile.
func (s *Store) Backup(ctx context.Context, w io.Writer) (int64, error) {
	var n int64
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		n, err = tx.WriteTo(w)
		return err
	})
	if err != nil {
		return n, fmt.Errorf("store: backup: %w", err)
	}
	return n, nil
}

// StoreFile is the store's file name inside a data directory.
const StoreFile = "casebank.db"

// Restore copies a backup into an empty data directory after checking that
// it is a casebank store of this schema whose every record decodes. It
// never overwrites data, and when it fails it leaves the directory as it was.
func Restore(backup, dataDir string) error { return RestoreThen(backup, dataDir, nil) }

// RestoreThen is Restore that runs then, if not nil, once the store is in
// place (the restore command rebuilds the index there); if then fails too,
// whatever the restore and then wrote is removed and the directory is left
// as it was.
func RestoreThen(backup, dataDir string, then func() error) error {
	dst := filepath.Join(dataDir, StoreFile)
	if st, err := os.Stat(dst); err == nil && st.Size() > 0 {
		return corpus.Errorf(corpus.ECONFLICT, "%s already holds a store; restore only into an empty data directory", dataDir)
	}
	if err := checkBackup(backup); err != nil {
		return err
	}
	undo, err := prepareDir(dataDir)
	if err != nil {
		return err
	}
	err = restoreInto(backup, dataDir)
	if err == nil && then != nil {
		err = then()
	}
	if err != nil {
		if uerr := undo(false); uerr != nil {
			return fmt.Errorf("%w (and undoing the restore: %v)", err, uerr)
		}
		return err
	}
	return undo(true)
}

// checkBackup refuses a backup that is damaged, not a casebank store of
// this schema, or holds a record that does not decode: a damaged one is
// refused here rather than found when the server reads it.
func checkBackup(backup string) error {
	var damage *damagedError
	err := CheckFile(backup, time.Second)
	if errors.As(err, &damage) {
		return corpus.Errorf(corpus.EINVALID, "%s is damaged (%v): nothing was restored; restore another backup", backup, err)
	}
	var db *bolt.DB
	if err == nil {
		db, err = bolt.Open(backup, 0o600, &bolt.Options{ReadOnly: true, Timeout: time.Second})
	}
	if err != nil {
		return corpus.Errorf(corpus.EINVALID, "%s is not a readable casebank backup: %v", backup, err)
	}
	defer db.Close()
	err = db.View(func(tx *bolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		if meta == nil || tx.Bucket(bucketCases) == nil || tx.Bucket(bucketLog) == nil {
			return errors.New("it has no casebank buckets")
		}
		if v := meta.Get(keySchema); string(v) != SchemaVersion {
			return fmt.Errorf("its schema version is %q, this casebank reads %q", v, SchemaVersion)
		}
		return nil
	})
	if err != nil {
		return corpus.Errorf(corpus.EINVALID, "%s is not a casebank backup: %v", backup, err)
	}
	if bad := undecodable(db); bad != "" {
		return corpus.Errorf(corpus.EINVALID, "%s is damaged (%s): nothing was restored; restore another backup", backup, bad)
	}
	return nil
}

// recordTypes gives the type each bucket's values decode into.
var recordTypes = map[string]func() any{
	string(bucketCases):    func() any { return &corpus.Case{} },
	string(bucketBanks):    func() any { return &corpus.Bank{} },
	string(bucketPolicies): func() any { return &corpus.Policy{} },
	string(bucketLog):      func() any { return &corpus.Change{} },
	string(bucketHistory):  func() any { return &corpus.HistoryEntry{} },
	string(bucketTokens):   func() any { return &corpus.Token{} },
	string(bucketSessions): func() any { return &corpus.Session{} },
	string(bucketDrafts):   func() any { return &corpus.Draft{} },
}

// undecodable decodes every record of db and describes the ones that do
// not decode (the first few, and a count), "" when all do. A restore is
// rare, so it can afford what a start cannot.
func undecodable(db *bolt.DB) string {
	var bad []string
	n := 0
	note := func(what string, k []byte, err error) {
		if n++; n <= 3 {
			bad = append(bad, fmt.Sprintf("%s %s cannot be read: %v", what, corpus.QuoteShort(string(k)), err))
		}
	}
	db.View(func(tx *bolt.Tx) error {
		for name, typ := range recordTypes {
			b := tx.Bucket([]byte(name))
			if b == nil {
				continue
			}
			b.ForEach(func(k, v []byte) error {
				if v != nil {
					if err := json.Unmarshal(v, typ()); err != nil {
						note(strings.TrimSuffix(name, "s")+" record", k, err)
					}
				}
				return nil
			})
		}
		if b := tx.Bucket(bucketTaxonomy); b != nil {
			if v := b.Get(keyTaxonomy); v != nil {
				if err := json.Unmarshal(v, &corpus.Taxonomy{}); err != nil {
					note("taxonomy", keyTaxonomy, err)
				}
			}
			if v := b.Get(keyGlossary); v != nil {
				if err := json.Unmarshal(v, &corpus.Glossary{}); err != nil {
					note("glossary", keyGlossary, err)
				}
			}
		}
		return nil
	})
	if n > 3 {
		bad = append(bad, fmt.Sprintf("and %d more", n-3))
	}
	return strings.Join(bad, "; ")
}

// indexDir is the index's directory inside a data directory (see package index).
const indexDir = "index.bleve"

// prepareDir makes dataDir if needed and moves aside what a restore
// replaces (an empty store file, an index of other data). undo(true) then
// drops what was moved aside; undo(false) removes every entry the restore
// added and puts back what was moved aside, or the directory it made.
func prepareDir(dataDir string) (undo func(keep bool) error, err error) {
	made := false
	if _, err := os.Stat(dataDir); errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(dataDir, 0o700); err != nil {
			return nil, err
		}
		made = true
	}
	entries, err := os.ReadDir(dataDir)
	if err != nil {
		return nil, err
	}
	before := map[string]bool{}
	for _, e := range entries {
		before[e.Name()] = true
	}
	aside := map[string]string{}
	for _, name := range []string{StoreFile, indexDir} {
		if !before[name] {
			continue
		}
		moved := filepath.Join(dataDir, name+".before-restore")
		if err := os.Rename(filepath.Join(dataDir, name), moved); err != nil {
			putBack(dataDir, aside)
			return nil, err
		}
		aside[name] = moved
	}
	return func(keep bool) error {
		if keep {
			var errs []error
			for _, moved := range aside {
				errs = append(errs, os.RemoveAll(moved))
			}
			return errors.Join(errs...)
		}
		if made {
			return os.RemoveAll(dataDir)
		}
		entries, err := os.ReadDir(dataDir)
		if err != nil {
			return err
		}
		var errs []error
		for _, e := range entries {
			_, replaced := aside[e.Name()]
			if (!before[e.Name()] || replaced) && !isAside(aside, e.Name()) {
				errs = append(errs, os.RemoveAll(filepath.Join(dataDir, e.Name())))
			}
		}
		return errors.Join(append(errs, putBack(dataDir, aside))...)
	}, nil
}

func isAside(aside map[string]string, name string) bool {
	for _, moved := range aside {
		if filepath.Base(moved) == name {
			return true
		}
	}
	return false
}

func putBack(dataDir string, aside map[string]string) error {
	var errs []error
	for name, moved := range aside {
		errs = append(errs, os.Rename(moved, filepath.Join(dataDir, name)))
	}
	return errors.Join(errs...)
}

// restoreInto copies the backup to the store file through a synced
// temporary file and a rename.
func restoreInto(backup, dataDir string) error {
	in, err := os.Open(backup)
	if err != nil {
		return err
	}
	defer in.Close()
	dst := filepath.Join(dataDir, StoreFile)
	tmp := dst + ".restore"
	out, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	_, err = io.Copy(out, in)
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, dst)
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}
