package boltdb

import (
	"context"
	"encoding/binary"
	"encoding/json"

	bolt "go.etcd.io/bbolt"

	"casebank/corpus"
)

var bucketHistory = []byte("history")

// writeNote says why a case is written, for its history entry.
type writeNote struct {
	op        string
	note      string
	decisions *corpus.Decisions
}

func historyKey(caseID string, seq uint64) []byte {
	k := make([]byte, len(caseID)+1+8)
	copy(k, caseID)
	binary.BigEndian.PutUint64(k[len(caseID)+1:], seq)
	return k
}

func appendHistory(tx *bolt.Tx, caseID string, e corpus.HistoryEntry) error {
	data, err := json.Marshal(e)
	if err != nil {
		return err
	}
	return tx.Bucket(bucketHistory).Put(historyKey(caseID, e.Seq), data)
}

// History returns a case's changes, oldest first. A deleted case keeps its history.
func (s *Store) History(ctx context.Context, caseID string) ([]corpus.HistoryEntry, error) {
	out := []corpus.HistoryEntry{}
	err := s.db.View(func(tx *bolt.Tx) error {
		prefix := append([]byte(caseID), 0)
		c := tx.Bucket(bucketHistory).Cursor()
		for k, v := c.Seek(prefix); k != nil && len(k) == len(prefix)+8 && string(k[:len(prefix)]) == string(prefix); k, v = c.Next() {
			var e corpus.HistoryEntry
			if err := json.Unmarshal(v, &e); err != nil {
				return damagedRecord("history of case", caseID, err)
			}
			out = append(out, e)
		}
		if len(out) == 0 && tx.Bucket(bucketCases).Get([]byte(caseID)) == nil {
			return corpus.Errorf(corpus.ENOTFOUND, "case %s not found", corpus.QuoteShort(caseID))
		}
		return nil
	})
	return out, err
}
