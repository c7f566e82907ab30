package boltdb

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strings"

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
		// A draft is the same item of a re-import by the bank's name as the
		// report writes it: the bank it resolves to changes when a reviewer
		// maps a proposed name to a registry bank. Drafts stored before
		// they kept the name are found by their key.
		byName, byKey := map[string]*corpus.Draft{}, map[string]*corpus.Draft{}
		if err := eachDraft(b, func(d *corpus.Draft) error {
			if d.BankName != "" {
				byName[draftIdentity(d)] = d
			} else {
				byKey[d.Key] = d
			}
			return nil
		}); err != nil {
			return err
		}
		now := corpus.Stamp{At: s.now().UTC(), By: by}
		for _, d := range ds {
			nd := *d
			old := byName[draftIdentity(d)]
			if old == nil {
				old = byKey[d.Key]
			}
			switch {
			case old != nil && (old.Status != corpus.DraftOpen || sameDraft(old, &nd)):
				res.Same++
				continue
			case old != nil:
				nd.ID, nd.Status, nd.Created, nd.Updated = old.ID, old.Status, old.Created, &now
				nd.Proposed, nd.BankReviewed = old.Proposed, old.BankReviewed
				res.Updated++
			default:
				id, err := b.NextSequence()
				if err != nil {
					return err
				}
				nd.ID, nd.Status, nd.Created, nd.Updated = id, corpus.DraftOpen, &now, &now
				res.Created++
			}
			if nd.NewBank && nd.Proposed == nil {
				p := nd.Bank
				nd.Proposed = &p
			}
			if err := s.putDraft(tx, b, &nd, by); err != nil {
				return err
			}
			byName[draftIdentity(&nd)] = &nd
		}
		return nil
	})
	return res, err
}

// draftIdentity is a draft's year, place, bank as the report names it and
// part: what a re-import of its edition finds again.
func draftIdentity(d *corpus.Draft) string {
	return corpus.SourceKey(d.Year, d.Where(), "name:"+corpus.NormalizeBankName(d.BankName), d.Source.Part)
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
// from the draft and records which suggested tags the researcher accepted
// and rejected. The store names the case from the draft (CaseIDBase), so c
// carries no id; a c without a bank takes the draft's. A draft reviewed
// already is refused (ECONFLICT), as is one whose bank is a proposal not
// yet reviewed (ReviewBank).
func (s *Store) PublishDraft(ctx context.Context, id uint64, c *corpus.Case, by string) (*corpus.Case, error) {
	if c.ID != "" {
		return nil, &corpus.Error{Code: corpus.EINVALID, Message: fmt.Sprintf("a published draft's case is named by the store from the draft; leave out the id (%s)", corpus.QuoteShort(c.ID)),
			Fields: []corpus.FieldError{{Field: "id", Message: "made by the store"}}}
	}
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
		if d.NewBank {
			return corpus.Errorf(corpus.ECONFLICT, "draft %d names %s, a bank the registry lacks and no one has reviewed: map it to a registry bank or register it as new (POST /api/v1/draft-banks/%s) before publishing", id, d.Bank.Name, d.Bank.ID)
		}
		cs := *c
		cs.Version, cs.Created, cs.Updated = 0, nil, nil
		if cs.Bank.ID == "" && cs.Bank.Name == "" {
			cs.Bank = corpus.Bank{ID: d.Bank.ID}
		}
		cs.ID = nextFreeID(tx.Bucket(bucketCases), d.CaseIDBase())
		decisions, err := s.draftDecisions(tx, d, &cs)
		if err != nil {
			return err
		}
		if out, err = s.createCaseKeeping(tx, &cs, by, writeNote{op: corpus.HistCreate, decisions: decisions, note: fmt.Sprintf("from draft %d", id)}); err != nil {
			return err
		}
		now := corpus.Stamp{At: s.now().UTC(), By: by}
		d.Status, d.CaseID, d.Updated, d.Reviewed = corpus.DraftPublished, out.ID, &now, &now
		b, err := draftsBucket(tx)
		if err != nil {
			return err
		}
		return s.putDraft(tx, b, d, by)
	})
	return out, err
}

// draftDecisions compares draft d's suggestions with the tags of c, its
// case as the researcher publishes it, read as the store will store them
// (labels as codes, the bank's type from the registry).
func (s *Store) draftDecisions(tx *bolt.Tx, d *corpus.Draft, c *corpus.Case) (*corpus.Decisions, error) {
	t, err := s.taxonomyIn(tx)
	if err != nil {
		return nil, err
	}
	codes := func(kind string, vals []string) []string {
		out := make([]string, 0, len(vals))
		for _, v := range vals {
			if code, ok := t.Resolve(kind, v); ok {
				out = append(out, code)
			}
		}
		return out
	}
	bank := c.Bank
	if err := identifyBank(tx, &bank, t); err != nil {
		return nil, err
	}
	typ := bank.Type
	if stored, err := getBank(tx, bank.ID); err == nil {
		typ = stored.Type
	}
	typ, _ = t.Resolve(corpus.FacetBankType, typ)
	return d.Decisions(codes(corpus.FacetDimension, c.Dimensions), codes(corpus.FacetTheme, c.Themes), typ), nil
}

// ReviewBank settles a bank that open drafts propose (proposed, its id):
// mapped to a registry bank, whose aliases take the proposed name, or
// registered as new. Every draft naming it, open or rejected, then names
// the registry's bank, and its key follows, so that a re-import of the
// edition, which now finds the name in the registry, finds these drafts.
func (s *Store) ReviewBank(ctx context.Context, proposed string, rv corpus.BankReview, by string) (*corpus.BankReviewResult, error) {
	res := &corpus.BankReviewResult{Drafts: []uint64{}}
	err := s.db.Update(func(tx *bolt.Tx) error {
		*res = corpus.BankReviewResult{Drafts: []uint64{}}
		b, err := draftsBucket(tx)
		if err != nil {
			return err
		}
		var ds []*corpus.Draft
		open := false
		if err := eachDraft(b, func(d *corpus.Draft) error {
			if d.NewBank && d.Bank.ID == proposed && d.Status != corpus.DraftPublished {
				ds = append(ds, d)
				open = open || d.Status == corpus.DraftOpen
			}
			return nil
		}); err != nil {
			return err
		}
		if !open {
			return corpus.Errorf(corpus.ENOTFOUND, "no open draft proposes a bank %s awaiting review (GET /api/v1/draft-banks lists them)", corpus.QuoteShort(proposed))
		}
		name := ds[0].Bank.Name
		t, err := s.taxonomyIn(tx)
		if err != nil {
			return err
		}
		var bank *corpus.Bank
		if strings.TrimSpace(rv.Bank) != "" {
			if rv.Type != "" || rv.Region != "" || rv.ID != "" {
				return &corpus.Error{Code: corpus.EINVALID, Message: "give either bank (the registry bank it is) or the new bank's type and region, not both",
					Fields: []corpus.FieldError{{Field: "bank", Message: "with type, region or id"}}}
			}
			if bank, err = registryBank(tx, rv.Bank); err != nil {
				return err
			}
			if _, known := corpus.BanksByName([]*corpus.Bank{bank})[corpus.NormalizeBankName(name)]; !known {
				bank.Aliases = append(bank.Aliases, name)
			}
			res.Action = "alias"
		} else {
			nb := corpus.Bank{ID: strings.TrimSpace(rv.ID), Name: strings.TrimSpace(rv.Name), NameEN: rv.NameEN, City: rv.City}
			if nb.ID == "" {
				nb.ID = proposed
			}
			if nb.Name == "" {
				nb.Name = name
			}
			var fields []corpus.FieldError
			if strings.TrimSpace(rv.Type) == "" {
				fields = append(fields, t.NeedsValue("type", corpus.FacetBankType))
			} else if nb.Type, _ = t.Resolve(corpus.FacetBankType, rv.Type); nb.Type == "" {
				fields = append(fields, t.UnknownValue("type", corpus.FacetBankType, rv.Type))
			}
			if strings.TrimSpace(rv.Region) == "" {
				fields = append(fields, t.NeedsValue("region", corpus.FacetRegion))
			} else if nb.Region, _ = t.Resolve(corpus.FacetRegion, rv.Region); nb.Region == "" {
				fields = append(fields, t.UnknownValue("region", corpus.FacetRegion, rv.Region))
			}
			if len(fields) > 0 {
				return &corpus.Error{Code: corpus.EINVALID, Message: "a new bank needs its type and region (or give bank: the registry bank it is)", Fields: fields}
			}
			if _, err := getBank(tx, nb.ID); err == nil {
				return corpus.Errorf(corpus.ECONFLICT, "the registry has a bank %s already: give it as bank to map %s to it, or choose another id", nb.ID, name)
			}
			banks, err := banksIn(tx)
			if err != nil {
				return err
			}
			if other, ok := corpus.BanksByName(banks)[corpus.NormalizeBankName(nb.Name)]; ok {
				return corpus.Errorf(corpus.ECONFLICT, "the registry names %s already as bank %s: give it as bank to map the proposal to it", nb.Name, other.ID)
			}
			if nb.Name != name {
				nb.Aliases = []string{name}
			}
			bank = &nb
			res.Action = "new"
		}
		if err := s.putBank(tx, bank, by); err != nil {
			return err
		}
		now := corpus.Stamp{At: s.now().UTC(), By: by}
		for _, d := range ds {
			// The machine's title names the bank as the registry now does,
			// as a re-import of the edition would.
			if d.MachineMade && strings.HasPrefix(d.Title.ZH, d.Bank.Name+"：") {
				d.Title.ZH = bank.Name + strings.TrimPrefix(d.Title.ZH, d.Bank.Name)
			}
			d.Bank, d.NewBank, d.BankReviewed, d.Updated = *bank, false, &now, &now
			d.Key = corpus.SourceKey(d.Year, d.Where(), bank.ID, d.Source.Part)
			if err := s.putDraft(tx, b, d, by); err != nil {
				return err
			}
			res.Drafts = append(res.Drafts, d.ID)
		}
		res.Bank = bank
		return nil
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// registryBank finds a registry bank by id, name or alias; one not found
// is a field error of the review.
func registryBank(tx *bolt.Tx, ref string) (*corpus.Bank, error) {
	ref = strings.TrimSpace(ref)
	if b, err := getBank(tx, ref); err == nil {
		return b, nil
	} else if corpus.ErrorCode(err) != corpus.ENOTFOUND {
		return nil, err
	}
	banks, err := banksIn(tx)
	if err != nil {
		return nil, err
	}
	if b, ok := corpus.BanksByName(banks)[corpus.NormalizeBankName(ref)]; ok {
		return b, nil
	}
	return nil, &corpus.Error{Code: corpus.EINVALID, Message: fmt.Sprintf("no registry bank %s (GET /api/v1/banks lists them)", corpus.QuoteShort(ref)),
		Fields: []corpus.FieldError{{Field: "bank", Message: "unknown bank"}}}
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
		d.Status, d.Updated, d.Reviewed = corpus.DraftRejected, &now, &now
		b, err := draftsBucket(tx)
		if err != nil {
			return err
		}
		return s.putDraft(tx, b, d, by)
	})
}
