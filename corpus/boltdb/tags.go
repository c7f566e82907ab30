package boltdb

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"slices"

	bolt "go.etcd.io/bbolt"

	"casebank/corpus"
)

// PatchTags edits a case's tags, recording the editor's decisions on
// suggested tags in its history.
func (s *Store) PatchTags(ctx context.Context, id string, p corpus.TagPatch, by string) (*corpus.Case, error) {
	if err := p.CheckLimits(); err != nil {
		return nil, err
	}
	var out *corpus.Case
	err := s.db.Update(func(tx *bolt.Tx) error {
		c, err := getCase(tx, id)
		if err != nil {
			return err
		}
		t, err := getTaxonomy(tx)
		if err != nil {
			return err
		}
		p.Resolve(t)
		p.Apply(c)
		out, err = s.updateCase(tx, c, p.Version, by, writeNote{op: corpus.HistTags, decisions: p.Decisions})
		return err
	})
	return out, err
}

// ApplyBulkTag runs a bulk tag change.
func (s *Store) ApplyBulkTag(ctx context.Context, b corpus.BulkTag, by string) (*corpus.BulkResult, error) {
	if err := b.Check(); err != nil {
		return nil, err
	}
	res := &corpus.BulkResult{Matched: len(b.IDs), Changed: []string{}, Preview: b.Preview}
	err := s.db.Update(func(tx *bolt.Tx) error {
		t, err := getTaxonomy(tx)
		if err != nil {
			return err
		}
		if err := b.Validate(t); err != nil {
			return err
		}
		patch := b.Patch()
		for _, id := range b.IDs {
			c, err := getCase(tx, id)
			if err != nil {
				return err // an unknown id aborts the whole change
			}
			before := slices.Clone(append(slices.Clone(c.Dimensions), c.Themes...))
			patch.Apply(c)
			c.Normalize()
			if slices.Equal(before, append(slices.Clone(c.Dimensions), c.Themes...)) {
				continue
			}
			res.Changed = append(res.Changed, id)
			if b.Preview {
				continue
			}
			note := writeNote{op: corpus.HistBulk, note: fmt.Sprintf("%s %s %s", b.Action, b.Kind, b.Code)}
			if _, err := s.updateCase(tx, c, 0, by, note); err != nil {
				return fmt.Errorf("case %s: %w", id, err)
			}
		}
		if b.Preview {
			return errPreview
		}
		return nil
	})
	if err == errPreview {
		err = nil
	}
	if err != nil {
		return nil, err
	}
	return res, nil
}

// errPreview rolls back a transaction that only counted.
var errPreview = fmt.Errorf("preview")

// ChangeCodebook applies a codebook change to the taxonomy and every case it
// touches in one transaction, each case change recorded in its history. It
// reads every case; ChangeCodebookOf reads only the cases an index names.
func (s *Store) ChangeCodebook(ctx context.Context, ch corpus.CodebookChange, by string) (*corpus.CodebookResult, error) {
	return s.ChangeCodebookOf(ctx, ch, by, nil)
}

// Candidates are the cases a codebook change may touch, as an index knows
// them: the ids it holds with the theme, as of the log sequence Seq it had
// applied (read before the ids). The change re-reads each of them, and every
// case the log changed after Seq, inside its transaction: an index that lags
// misses no case, and the store stays the judge of what a case carries.
type Candidates struct {
	IDs []string
	Seq uint64
}

// ChangeCodebookOf is ChangeCodebook over the cases of cand rather than
// every case (nil: every case). A preview runs in a read transaction: it
// never holds up a writer.
func (s *Store) ChangeCodebookOf(ctx context.Context, ch corpus.CodebookChange, by string, cand *Candidates) (*corpus.CodebookResult, error) {
	if err := ch.CheckLimits(); err != nil {
		return nil, err // before the write lock
	}
	res := &corpus.CodebookResult{Op: ch.Op, Affected: []string{}, Preview: ch.Preview}
	if ch.Preview {
		err := s.db.View(func(tx *bolt.Tx) error { return s.changeCodebook(ctx, tx, ch, by, cand, res) })
		if err != nil {
			return nil, err
		}
		return res, nil
	}
	err := s.db.Update(func(tx *bolt.Tx) error { return s.changeCodebook(ctx, tx, ch, by, cand, res) })
	s.tax.Store(nil) // a reader may have cached the old one meanwhile
	if err != nil {
		return nil, err
	}
	return res, nil
}

// changeCodebook makes (or, in a preview's read-only tx, counts) a codebook
// change inside tx.
func (s *Store) changeCodebook(ctx context.Context, tx *bolt.Tx, ch corpus.CodebookChange, by string, cand *Candidates, res *corpus.CodebookResult) error {
	t, err := getTaxonomy(tx)
	if err != nil {
		return err
	}
	retag, err := ch.Apply(t)
	if err != nil {
		return err
	}
	if !ch.Preview {
		// The new taxonomy goes in first, so that retagged cases validate against it.
		if err := putJSON(tx.Bucket(bucketTaxonomy), keyTaxonomy, t); err != nil {
			return err
		}
		s.tax.Store(nil)
		// Themes are indexed by their labels alone: only a rename changes
		// what the index holds of cases it does not retag.
		entry := corpus.Change{Op: corpus.OpTaxonomyPut, ID: "taxonomy", By: by, Scoped: true}
		if ch.Op == "rename" {
			entry.Relabelled = []string{ch.Code}
		}
		if _, err := s.appendEntry(tx, entry); err != nil {
			return err
		}
	}
	if retag == nil {
		return nil
	}
	// A case's themes are read alone, a fraction of decoding it whole: only
	// the cases the change retags are decoded, and only to be changed. They
	// are gathered first: a bucket is not written while it is iterated.
	var cases []*corpus.Case
	visit := func(id string, v []byte) error {
		var tags struct {
			Themes []string `json:"themes"`
		}
		if err := json.Unmarshal(v, &tags); err != nil {
			return damagedRecord("case", id, err)
		}
		if !retag(&corpus.Case{ID: id, Themes: tags.Themes}) {
			return ctx.Err()
		}
		res.Affected = append(res.Affected, id)
		if ch.Preview {
			return ctx.Err()
		}
		c, err := decodeCase(tx, id, v)
		if err != nil {
			return err
		}
		retag(c)
		cases = append(cases, c)
		return ctx.Err()
	}
	ids, all, err := candidateIDs(tx, cand)
	bucket := tx.Bucket(bucketCases)
	switch {
	case err != nil:
		return err
	case all:
		err = bucket.ForEach(func(k, v []byte) error { return visit(string(k), v) })
	default:
		for _, id := range ids {
			v := bucket.Get([]byte(id))
			if v == nil {
				continue // deleted since the index saw it
			}
			if err = visit(id, v); err != nil {
				break
			}
		}
	}
	if err != nil || ch.Preview {
		return err
	}
	for _, c := range cases {
		note := writeNote{op: corpus.HistCodebook, note: fmt.Sprintf("%s theme %s %s", ch.Op, ch.Code, ch.Into)}
		if _, err := s.updateCase(tx, c, 0, by, note); err != nil {
			return fmt.Errorf("case %s: %w", c.ID, err)
		}
	}
	// Policies carry themes too.
	var pols []*corpus.Policy
	err = tx.Bucket(bucketPolicies).ForEach(func(k, v []byte) error {
		p, err := getPolicy(tx, string(k))
		if err == nil {
			pols = append(pols, p)
		}
		return err
	})
	if err != nil {
		return err
	}
	for _, p := range pols {
		pc := &corpus.Case{Themes: p.Themes}
		if !retag(pc) {
			continue
		}
		p.Themes = pc.Themes
		if err := s.putPolicy(tx, p, by); err != nil {
			return fmt.Errorf("policy %s: %w", p.ID, err)
		}
	}
	return nil
}

// candidateIDs returns, in id order (the order a full scan finds them), the
// cases of cand and those the log changed after cand.Seq; all, meaning every
// case, when cand is nil or claims a sequence this store has not reached
// (an index of something else: it is not believed).
func candidateIDs(tx *bolt.Tx, cand *Candidates) (ids []string, all bool, err error) {
	log := tx.Bucket(bucketLog)
	if cand == nil || cand.Seq > log.Sequence() {
		return nil, true, nil
	}
	ids = slices.Clone(cand.IDs)
	c := log.Cursor()
	for k, v := c.Seek(seqKey(cand.Seq + 1)); k != nil; k, v = c.Next() {
		var e corpus.Change
		if err := json.Unmarshal(v, &e); err != nil {
			return nil, false, damagedRecord("log entry", fmt.Sprint(binary.BigEndian.Uint64(k)), err)
		}
		if e.Op == corpus.OpCasePut || e.Op == corpus.OpCaseDelete {
			ids = append(ids, e.ID)
		}
	}
	slices.Sort(ids)
	return slices.Compact(ids), false, nil
}
