package boltdb

import (
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"casebank/corpus"
)

// damagedError is a store file that failed its check; it says why.
type damagedError struct{ reason string }

func (e *damagedError) Error() string { return e.reason }

func damaged(format string, args ...any) error {
	return &damagedError{fmt.Sprintf(format, args...)}
}

// CheckFile verifies the bbolt file at path without changing it: that every
// page its meta page counts is in the file (a copy cut short is refused
// before any of its pages is read), that every key and value can be read,
// and bbolt's own consistency check (every page reachable or free, once;
// keys in order).
//
// bbolt trusts its file: a damaged one makes it panic on an assertion, and a
// read past the end of a cut-short file is a memory fault, which kills the
// process unless the goroutine asked for faults to panic. So the file is
// read here read-only with faults turned into panics, and every panic into
// a *damagedError.
func CheckFile(path string, timeout time.Duration) (err error) {
	st, err := os.Stat(path)
	if err != nil {
		return err
	}
	if st.Size() == 0 {
		return damaged("the file is empty")
	}
	// bbolt writes four pages (two meta pages, the freelist and a root
	// page) before anything else, and pages are at least 4 KiB.
	const smallest = 4 * 4096
	if st.Size() < smallest {
		return damaged("the file has %d bytes, fewer than the smallest store (%d): it was cut short", st.Size(), smallest)
	}
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			err = damaged("bbolt: %v", r)
		}
	}()
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: timeout})
	if err != nil {
		return err
	}
	defer db.Close()
	return db.View(func(tx *bolt.Tx) error {
		if tx.Size() > st.Size() {
			return damaged("its pages reach byte %d but the file has %d bytes: it was cut short", tx.Size(), st.Size())
		}
		// Read everything here first: a page pointer past the end faults,
		// and bbolt's check runs on a goroutine of its own where a fault
		// could not be caught.
		var last byte
		if err := tx.ForEach(func(_ []byte, b *bolt.Bucket) error { return readBucket(b, &last) }); err != nil {
			return damaged("%v", err)
		}
		runtime.KeepAlive(last)
		var problems []string
		n := 0
		for err := range tx.Check() {
			if n++; n <= 3 {
				problems = append(problems, err.Error())
			}
		}
		if n > 0 {
			more := ""
			if n > 3 {
				more = fmt.Sprintf(" and %d more", n-3)
			}
			return damaged("bbolt check: %s%s", strings.Join(problems, "; "), more)
		}
		return nil
	})
}

// readBucket reads the last byte of every key and value of b and of its
// nested buckets: a value's pages are contiguous, so its last byte is the
// one that would lie past the end.
func readBucket(b *bolt.Bucket, last *byte) error {
	return b.ForEach(func(k, v []byte) error {
		if v == nil {
			if nested := b.Bucket(k); nested != nil {
				return readBucket(nested, last)
			}
		}
		if len(k) > 0 {
			*last ^= k[len(k)-1]
		}
		if len(v) > 0 {
			*last ^= v[len(v)-1]
		}
		return nil
	})
}

// damagedRecord is the error for a stored value that does not decode. The
// file check at start reads every value but decodes none (at 100,000 cases
// that would take seconds), so a value damaged inside an intact file is
// found when it is read: unavailable, naming the record, not a bare 500.
func damagedRecord(what, id string, err error) error {
	if id != "" {
		if !corpus.ValidID(id) {
			id = corpus.QuoteShort(id)
		}
		what += " " + id
	}
	return corpus.Errorf(corpus.EUNAVAILABLE, "the store is damaged: %s cannot be read (%v); restore a backup with casebank restore", what, err)
}
