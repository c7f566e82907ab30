package bolttest

import (
	"encoding/binary"
	"encoding/json"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"casebank/corpus"
)

// PutUnchecked writes cases into the closed store file at path as an older
// casebank without today's limits would have: no validation, one change-log
// entry each. It knows the store's layout (buckets "cases" and "log"); tests
// use it to stand for stores written before a limit existed.
func PutUnchecked(tb testing.TB, path string, cases ...*corpus.Case) {
	tb.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		tb.Fatalf("open %s: %v", path, err)
	}
	defer db.Close()
	err = db.Update(func(tx *bolt.Tx) error {
		cb, log := tx.Bucket([]byte("cases")), tx.Bucket([]byte("log"))
		for _, c := range cases {
			stored := *c
			stored.Bank = corpus.Bank{ID: c.Bank.ID}
			data, err := json.Marshal(&stored)
			if err != nil {
				return err
			}
			if err := cb.Put([]byte(c.ID), data); err != nil {
				return err
			}
			seq, _ := log.NextSequence()
			key := binary.BigEndian.AppendUint64(nil, seq)
			entry, _ := json.Marshal(corpus.Change{Seq: seq, Op: corpus.OpCasePut, ID: c.ID, At: time.Now().UTC(), By: "older casebank"})
			if err := log.Put(key, entry); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatalf("put unchecked cases: %v", err)
	}
}
