package boltdb

import (
	"golang.org/x/sys/unix"

	bolt "go.etcd.io/bbolt"
)

// releaseMapped takes the store's pages out of this process's resident set
// after a read of the whole file. bbolt reads through a shared, read-only
// map of the file and writes with pwrite, so the pages stay in the page
// cache and a later read maps them again (a minor fault); without this, one
// scan of 100,000 cases kept 400 MB resident for the life of the server.
//
// Only a read transaction releases: bbolt remaps only under its map lock,
// which a read transaction holds shared, so the range is the map tx reads.
func releaseMapped(db *bolt.DB, tx *bolt.Tx) {
	size := uintptr(tx.Size())
	if size == 0 || tx.Writable() {
		return
	}
	// Data is the map's start (page-aligned); the map reaches at least to
	// the transaction's last page. Failure only leaves the pages resident.
	_, _, _ = unix.Syscall(unix.SYS_MADVISE, db.Info().Data, size, unix.MADV_DONTNEED)
}
