package corpus

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
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
// it is a casebank store of this schema. It never overwrites data.
func Restore(backup, dataDir string) error {
	dst := filepath.Join(dataDir, StoreFile)
	if st, err := os.Stat(dst); err == nil && st.Size() > 0 {
		return Errorf(ECONFLICT, "%s already holds a store; restore only into an empty data directory", dataDir)
	}
	// Check the backup before copying it: a damaged one is refused here
	// rather than found when the server starts.
	var damage *damagedError
	err := CheckFile(backup, time.Second)
	if errors.As(err, &damage) {
		return Errorf(EINVALID, "%s is damaged (%v): nothing was restored; restore another backup", backup, err)
	}
	var db *bolt.DB
	if err == nil {
		db, err = bolt.Open(backup, 0o600, &bolt.Options{ReadOnly: true, Timeout: time.Second})
	}
	if err != nil {
		return Errorf(EINVALID, "%s is not a readable casebank backup: %v", backup, err)
	}
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
	db.Close()
	if err != nil {
		return Errorf(EINVALID, "%s is not a casebank backup: %v", backup, err)
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return err
	}
	in, err := os.Open(backup)
	if err != nil {
		return err
	}
	defer in.Close()
	tmp := dst + ".restore"
	out, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		os.Remove(tmp)
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		os.Remove(tmp)
		return err
	}
	if err := out.Close(); err != nil {
		return err
	}
	// The index, if any, belongs to other data: the next start rebuilds it.
	os.RemoveAll(filepath.Join(dataDir, "index.bleve"))
	return os.Rename(tmp, dst)
}
