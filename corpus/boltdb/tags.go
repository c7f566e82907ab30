package boltdb

import (
	"context"
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
// touches in one transaction, each case change recorded in its history.
func (s *Store) ChangeCodebook(ctx context.Context, ch corpus.CodebookChange, by string) (*corpus.CodebookResult, error) {
	if err := ch.CheckLimits(); err != nil {
		return nil, err // before the write lock
	}
	res := &corpus.CodebookResult{Op: ch.Op, Affected: []string{}, Preview: ch.Preview}
	err := s.db.Update(func(tx *bolt.Tx) error {
		t, err := getTaxonomy(tx)
		if err != nil {
			return err
		}
		retag, err := ch.Apply(t)
		if err != nil {
			return err
		}
		// The new taxonomy goes in first, so that retagged cases validate against it.
		if err := putJSON(tx.Bucket(bucketTaxonomy), keyTaxonomy, t); err != nil {
			return err
		}
		s.tax.Store(nil)
		if _, err := s.appendChange(tx, corpus.OpTaxonomyPut, "taxonomy", by); err != nil {
			return err
		}
		if retag != nil {
			var cases []*corpus.Case
			if err := forEachCase(tx, func(c *corpus.Case) error { cases = append(cases, c); return nil }); err != nil {
				return err
			}
			for _, c := range cases {
				if !retag(c) {
					continue
				}
				res.Affected = append(res.Affected, c.ID)
				if ch.Preview {
					continue
				}
				note := writeNote{op: corpus.HistCodebook, note: fmt.Sprintf("%s theme %s %s", ch.Op, ch.Code, ch.Into)}
				if _, err := s.updateCase(tx, c, 0, by, note); err != nil {
					return fmt.Errorf("case %s: %w", c.ID, err)
				}
			}
			// Policies carry themes too.
			var pols []*corpus.Policy
			tx.Bucket(bucketPolicies).ForEach(func(k, v []byte) error {
				p, err := getPolicy(tx, string(k))
				if err == nil {
					pols = append(pols, p)
				}
				return err
			})
			for _, p := range pols {
				pc := &corpus.Case{Themes: p.Themes}
				if !retag(pc) || ch.Preview {
					continue
				}
				p.Themes = pc.Themes
				if err := s.putPolicy(tx, p, by); err != nil {
					return fmt.Errorf("policy %s: %w", p.ID, err)
				}
			}
		}
		if ch.Preview {
			return errPreview
		}
		return nil
	})
	s.tax.Store(nil) // a reader may have cached the old one meanwhile
	if err == errPreview {
		err = nil
	}
	if err != nil {
		return nil, err
	}
	return res, nil
}
