package app

import (
	"context"
	"io"
	"math"

	"casebank/corpus"
	"casebank/corpus/boltdb"
	"casebank/corpus/report"
	"casebank/index"
)

// Each mutation stores, then settles the index: a write the store refused
// changed nothing and is not settled; one it committed is a success even
// when the index cannot take it now (its Searchable says so).

// CreateCase stores a new case; the store sets its version and stamps. d,
// when not nil, records the editor's decisions on suggested tags in the same
// transaction, in the case's creation entry.
func (s *Service) CreateCase(ctx context.Context, c *corpus.Case, d *corpus.Decisions, by string) (*corpus.Case, Searchable, error) {
	cs := *c
	cs.Version, cs.Created, cs.Updated = 0, nil, nil
	created, err := s.store.CreateCaseWithDecisions(ctx, &cs, d, by)
	if err != nil {
		return nil, Searchable{}, err
	}
	return created, s.settle(ctx), nil
}

// UpdateCase replaces a case; ifVersion, when not zero, must be its stored
// version.
func (s *Service) UpdateCase(ctx context.Context, c *corpus.Case, ifVersion int, by string) (*corpus.Case, Searchable, error) {
	updated, err := s.store.UpdateCase(ctx, c, ifVersion, by)
	if err != nil {
		return nil, Searchable{}, err
	}
	return updated, s.settle(ctx), nil
}

// PatchTags edits a case's tags.
func (s *Service) PatchTags(ctx context.Context, id string, p corpus.TagPatch, by string) (*corpus.Case, Searchable, error) {
	updated, err := s.store.PatchTags(ctx, id, p, by)
	if err != nil {
		return nil, Searchable{}, err
	}
	return updated, s.settle(ctx), nil
}

// DeleteCase removes a case; ifVersion, when not zero, must be its stored
// version, checked in the deleting transaction.
func (s *Service) DeleteCase(ctx context.Context, id string, ifVersion int, by string) (Searchable, error) {
	if err := s.store.DeleteCase(ctx, id, ifVersion, by); err != nil {
		return Searchable{}, err
	}
	return s.settle(ctx), nil
}

// BulkTag adds or removes one tag on the cases of b.IDs and, when search is
// not nil, on every case it matches (past corpus.MaxBulkIDs the change is
// refused), all or none.
func (s *Service) BulkTag(ctx context.Context, b corpus.BulkTag, search *index.Request, by string) (*corpus.BulkResult, Searchable, error) {
	if search != nil {
		ids, err := s.SearchIDs(ctx, *search, corpus.MaxBulkIDs)
		if err != nil {
			return nil, Searchable{}, err
		}
		b.IDs = append(b.IDs, ids...)
	}
	res, err := s.store.ApplyBulkTag(ctx, b, by)
	if err != nil {
		return nil, Searchable{}, err
	}
	return res, s.settleLarge(ctx), nil
}

// ChangeCodebook adds, renames, merges or retires a theme. The cases a merge
// or a retirement touches are found through the index's theme column, not by
// decoding every case (19 s at 100,000 cases, in the write lock); a preview
// writes nothing and takes no write lock.
func (s *Service) ChangeCodebook(ctx context.Context, ch corpus.CodebookChange, by string) (*corpus.CodebookResult, Searchable, error) {
	res, err := s.store.ChangeCodebookOf(ctx, ch, by, s.themeCandidates(ctx, ch))
	if err != nil {
		return nil, Searchable{}, err
	}
	if ch.Preview {
		return res, Searchable{}, nil
	}
	return res, s.settleLarge(ctx), nil
}

// themeCandidates returns the cases the index holds with the theme a merge
// or a retirement takes away, or nil (the store then reads every case) when
// the change retags none or the index cannot name them: damaged, failing,
// or far behind the store. The store re-reads each candidate and every case
// the log changed after the index's sequence, so a lag costs only the
// changes it spans; the index is not caught up first, which could mean
// waiting for a rebuild.
func (s *Service) themeCandidates(ctx context.Context, ch corpus.CodebookChange) *boltdb.Candidates {
	if ch.Op != "merge" && ch.Op != "retire" || ch.CheckLimits() != nil {
		return nil
	}
	if t, err := s.store.Taxonomy(); err != nil || !t.Has(corpus.FacetTheme, ch.Code) {
		return nil // the store names the unknown theme
	}
	seq, err := s.index.AppliedSeq() // read before the ids, which reflect at least it
	if err != nil {
		return nil
	}
	last, err := s.store.LastSeq()
	if err != nil || s.index.Damaged() || last > seq+maxCandidateLag {
		s.logger.Warn("codebook change reads every case: the index is damaged or far behind", "err", err, "damaged", s.index.Damaged(), "lag", last-min(seq, last))
		return nil
	}
	ids, _, err := s.index.MatchIDs(ctx, index.Request{Filter: corpus.Filter{corpus.FacetTheme: {ch.Code}}}, math.MaxInt32)
	if err != nil || s.index.Damaged() {
		s.logger.Warn("codebook change reads every case: the index could not name them", "err", err)
		return nil
	}
	return &boltdb.Candidates{IDs: ids, Seq: seq}
}

// maxCandidateLag is the most changes the index may be behind the store for
// a codebook change to start from its candidates: past it, re-reading the
// changed cases approaches reading them all.
const maxCandidateLag = 10_000

// ImportJSONL imports an export's records. A refused import stored nothing
// (every line is checked first); batches written before a later failure (a
// full disk) stay, and are settled too.
func (s *Service) ImportJSONL(ctx context.Context, r io.Reader, opts corpus.ImportOptions) (*corpus.ImportResult, Searchable, error) {
	res, err := s.store.ImportJSONL(ctx, r, opts)
	return res, s.settle(ctx), err
}

// ImportReport merges a report's text into the curated cases, as
// ImportJSONL does an export.
func (s *Service) ImportReport(ctx context.Context, r io.Reader, opts corpus.ImportOptions) (*corpus.ImportResult, Searchable, error) {
	res, err := report.Import(ctx, s.store, r, opts)
	return res, s.settle(ctx), err
}

// CheckImport reads an import's input as ImportJSONL (jsonl) or
// ImportReport would and checks every record, writing nothing: the refusal
// the import would give now, found before it is run in the background.
// total is what the import's progress counts to.
func (s *Service) CheckImport(ctx context.Context, r io.Reader, jsonl bool) (total int, err error) {
	if jsonl {
		return s.store.CheckJSONL(ctx, r)
	}
	return report.Check(ctx, s.store, r)
}

// ReportItems counts the case-shaped items of report text; 0 when it does
// not parse (its import says why).
func ReportItems(r io.Reader) int {
	rep, err := report.Parse(r)
	if err != nil {
		return 0
	}
	return len(rep.Items)
}

// PutGlossary replaces the glossary that query understanding expands
// through; searches use it as soon as it is settled.
func (s *Service) PutGlossary(ctx context.Context, g *corpus.Glossary, by string) (Searchable, error) {
	if err := s.store.PutGlossary(ctx, g, by); err != nil {
		return Searchable{}, err
	}
	return s.settle(ctx), nil
}

// PutPolicy creates or replaces a policy.
func (s *Service) PutPolicy(ctx context.Context, p *corpus.Policy, by string) (*corpus.Policy, Searchable, error) {
	if err := s.store.PutPolicy(ctx, p, by); err != nil {
		return nil, Searchable{}, err
	}
	stored, err := s.store.FindPolicyByID(ctx, p.ID)
	if err != nil {
		return nil, Searchable{}, err
	}
	return stored, s.settle(ctx), nil
}
