package boltdb

import (
	"context"
	"hash/maphash"
	"sync"

	bolt "go.etcd.io/bbolt"

	"casebank/corpus"
)

// readCache keeps recently read cases decoded. An entry is used only while
// the stored bytes of the case and of its bank hash to what they were when
// it was decoded, so no write can leave a stale case behind; hashing a
// record is a small fraction of decoding it.
type readCache struct {
	mu    sync.Mutex
	seed  maphash.Seed
	items map[string]cachedCase
}

type cachedCase struct {
	sum, bankSum uint64
	c            *corpus.Case
}

// readCacheSize bounds the cases kept: a few pages of hits for many users.
const readCacheSize = 4096

func newReadCache() *readCache {
	return &readCache{seed: maphash.MakeSeed(), items: map[string]cachedCase{}}
}

// ReadCases returns the cases with the given ids in that order, skipping ids
// that no longer exist, like FindCasesByIDs. The cases are shared with other
// readers: callers must not modify them. Search results use it.
func (s *Store) ReadCases(ctx context.Context, ids []string) ([]*corpus.Case, error) {
	out := make([]*corpus.Case, 0, len(ids))
	err := s.db.View(func(tx *bolt.Tx) error {
		cases, banks := tx.Bucket(bucketCases), tx.Bucket(bucketBanks)
		for _, id := range ids {
			v := cases.Get([]byte(id))
			if v == nil {
				continue
			}
			sum := maphash.Bytes(s.reads.seed, v)
			s.reads.mu.Lock()
			e, ok := s.reads.items[id]
			s.reads.mu.Unlock()
			if ok && e.sum == sum && e.bankSum == maphash.Bytes(s.reads.seed, banks.Get([]byte(e.c.Bank.ID))) {
				out = append(out, e.c)
				continue
			}
			c, err := decodeCase(tx, id, v)
			if err != nil {
				return err
			}
			e = cachedCase{sum: sum, bankSum: maphash.Bytes(s.reads.seed, banks.Get([]byte(c.Bank.ID))), c: c}
			s.reads.mu.Lock()
			if len(s.reads.items) >= readCacheSize {
				for k := range s.reads.items { // map order is random enough to evict by
					delete(s.reads.items, k)
					break
				}
			}
			s.reads.items[id] = e
			s.reads.mu.Unlock()
			out = append(out, c)
		}
		return nil
	})
	return out, err
}
