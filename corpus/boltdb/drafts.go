package boltdb

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"casebank/corpus"
)

// Drafts live in their own bucket, keyed by their number: they are not
// cases, so neither the index nor an export sees them.
var bucketDrafts = []byte("drafts")

func draftsBucket(tx *bolt.Tx) (*bolt.Bucket, error) {
	if tx.Writable() {
		return tx.CreateBucketIfNotExists(bucketDrafts)
	}
	return tx.Bucket(bucketDrafts), nil // nil in a store without drafts yet
}

func eachDraft(b *bolt.Bucket, fn func(*corpus.Draft) error) error {
	if b == nil {
		return nil
	}
	return b.ForEach(func(k, v []byte) error {
		var d corpus.Draft
		if err := json.Unmarshal(v, &d); err != nil {
			return damagedRecord("draft", fmt.Sprint(binary.BigEndian.Uint64(k)), err)
		}
		return fn(&d)
	})
}

// PutDrafts stores the drafts of an import in one transaction. A draft
// whose key is stored already is left alone when it has been reviewed
// (published or rejected) or says the same; an open one the report now
// words differently takes the new text and suggestions. So importing an
// edition twice changes nothing the second time.
func (s *Store) PutDrafts(ctx context.Context, ds []*corpus.Draft, by string) (*corpus.DraftsResult, error) {
	res := &corpus.DraftsResult{}
	err := s.db.Update(func(tx *bolt.Tx) error {
		*res = corpus.DraftsResult{}
		b, err := draftsBucket(tx)
		if err != nil {
			return err
		}
		byKey := map[string]*corpus.Draft{}
		if err := eachDraft(b, func(d *corpus.Draft) error { byKey[d.Key] = d; return nil }); err != nil {
			return err
		}
		now := corpus.Stamp{At: s.now().UTC(), By: by}
		for _, d := range ds {
			nd := *d
			old := byKey[d.Key]
			switch {
			case old != nil && (old.Status != corpus.DraftOpen || sameDraft(old, &nd)):
				res.Same++
				continue
			case old != nil:
				nd.ID, nd.Status, nd.Created, nd.Updated = old.ID, old.Status, old.Created, &now
				res.Updated++
			default:
				id, err := b.NextSequence()
				if err != nil {
					return err
				}
				nd.ID, nd.Status, nd.Created, nd.Updated = id, corpus.DraftOpen, &now, &now
				res.Created++
			}
			if err := s.putDraft(tx, b, &nd, by); err != nil {
				return err
			}
			byKey[nd.Key] = &nd
		}
		return nil
	})
	return res, err
}

// sameDraft says whether a re-import brings what the stored draft has
// from the report: its place, bank, text and proposed wording. Suggestions
// are not compared: the tagger's learn from the cases published since, and
// a re-import of the same edition must change nothing.
func sameDraft(a, b *corpus.Draft) bool {
	key := func(d *corpus.Draft) []byte {
		data, _ := json.Marshal([]any{d.Year, d.Bank.ID, d.NewBank, d.Title, d.Summary, d.Pattern, d.Source, d.Layout})
		return data
	}
	return bytes.Equal(key(a), key(b))
}

func (s *Store) putDraft(tx *bolt.Tx, b *bolt.Bucket, d *corpus.Draft, by string) error {
	if err := putJSON(b, seqKey(d.ID), d); err != nil {
		return fmt.Errorf("store: put draft %d: %w", d.ID, err)
	}
	_, err := s.appendChange(tx, corpus.OpDraftPut, fmt.Sprint(d.ID), by)
	return err
}

// Drafts lists the drafts of one status ("" for all), in number order.
func (s *Store) Drafts(ctx context.Context, status string) ([]*corpus.Draft, error) {
	out := []*corpus.Draft{}
	err := s.db.View(func(tx *bolt.Tx) error {
		b, _ := draftsBucket(tx)
		return eachDraft(b, func(d *corpus.Draft) error {
			if status == "" || d.Status == status {
				out = append(out, d)
			}
			return nil
		})
	})
	return out, err
}

// Draft returns draft id.
func (s *Store) Draft(ctx context.Context, id uint64) (*corpus.Draft, error) {
	var d *corpus.Draft
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		d, err = getDraft(tx, id)
		return err
	})
	return d, err
}

func getDraft(tx *bolt.Tx, id uint64) (*corpus.Draft, error) {
	b, _ := draftsBucket(tx)
	var v []byte
	if b != nil {
		v = b.Get(seqKey(id))
	}
	if v == nil {
		return nil, corpus.Errorf(corpus.ENOTFOUND, "draft %d not found", id)
	}
	var d corpus.Draft
	if err := json.Unmarshal(v, &d); err != nil {
		return nil, damagedRecord("draft", fmt.Sprint(id), err)
	}
	return &d, nil
}

// PublishDraft creates case c, the researcher's edit of draft id, and marks
// the draft published, in one transaction: the case's history says it came
// from the draft. A draft reviewed already is refused (ECONFLICT).
func (s *Store) PublishDraft(ctx context.Context, id uint64, c *corpus.Case, by string) (*corpus.Case, error) {
	if err := checkCaseLimits(c); err != nil {
		return nil, err
	}
	var out *corpus.Case
	err := s.db.Update(func(tx *bolt.Tx) error {
		d, err := getDraft(tx, id)
		if err != nil {
			return err
		}
		if d.Status != corpus.DraftOpen {
			return corpus.Errorf(corpus.ECONFLICT, "draft %d is %s already", id, d.Status)
		}
		cs := *c
		cs.Version, cs.Created, cs.Updated = 0, nil, nil
		if out, err = s.createCaseKeeping(tx, &cs, by, writeNote{op: corpus.HistCreate, note: fmt.Sprintf("from draft %d", id)}); err != nil {
			return err
		}
		now := corpus.Stamp{At: s.now().UTC(), By: by}
		d.Status, d.CaseID, d.Updated = corpus.DraftPublished, out.ID, &now
		b, err := draftsBucket(tx)
		if err != nil {
			return err
		}
		return s.putDraft(tx, b, d, by)
	})
	return out, err
}

// RejectDraft marks draft id rejected: a re-import does not bring it back.
// Rejecting a rejected draft changes nothing; a published one is refused.
func (s *Store) RejectDraft(ctx context.Context, id uint64, by string) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		d, err := getDraft(tx, id)
		if err != nil {
			return err
		}
		switch d.Status {
		case corpus.DraftRejected:
			return nil
		case corpus.DraftPublished:
			return corpus.Errorf(corpus.ECONFLICT, "draft %d is published as case %s: delete the case instead", id, d.CaseID)
		}
		now := corpus.Stamp{At: s.now().UTC(), By: by}
		d.Status, d.Updated = corpus.DraftRejected, &now
		b, err := draftsBucket(tx)
		if err != nil {
			return err
		}
		return s.putDraft(tx, b, d, by)
	})
}
