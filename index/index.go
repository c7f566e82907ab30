package index

import (
	"context"
	"log/slog"
	"slices"
	"sync/atomic"

	"casebank/corpus"
)

// Store is what the index reads from the store of record (corpus/boltdb's
// Store): the records, the vocabulary, and the change log it catches up from.
type Store interface {
	ID() string
	LastSeq() (uint64, error)
	ChangesSince(after uint64, limit int) ([]corpus.Change, error)
	EachRecord(ctx context.Context, policy func(*corpus.Policy) error, kase func(*corpus.Case) error) (uint64, error)
	// CountRecords counts the cases and policies, for a build's progress.
	CountRecords() (int, error)
	FindCaseByID(ctx context.Context, id string) (*corpus.Case, error)
	FindCases(ctx context.Context, f corpus.Filter) ([]*corpus.Case, error)
	// ReadCases reads several cases at once, from a cache where it can.
	ReadCases(ctx context.Context, ids []string) ([]*corpus.Case, error)
	FindPolicyByID(ctx context.Context, id string) (*corpus.Policy, error)
	FindBanks(ctx context.Context) ([]*corpus.Bank, error)
	Taxonomy() (*corpus.Taxonomy, error)
	Glossary() (*corpus.Glossary, error)
}

// Index is the search index of a store's cases: query understanding over an
// Engine that holds the documents.
type Index struct {
	store  Store
	log    *slog.Logger
	engine Engine

	// vocab is the query-understanding vocabulary; nil until first needed
	// and again after a change to banks, taxonomy or glossary.
	vocab    atomic.Pointer[vocabulary]
	vocabGen atomic.Uint64 // bumped on every invalidation

	cache   *lruCache[*Result]
	similar *lruCache[[]Similar] // the similar cases of recently viewed cases
	noCache bool                 // benchmarks measure the search itself

	retry retrier // catches up in the background after a failed catch-up

	// counts are the case counts of one engine generation: the stats pages
	// ask for them on every view, and they change only with a write.
	counts atomic.Pointer[generationCounts]
}

type generationCounts struct {
	gen    uint64
	counts *CaseCounts
}

// DisableCache makes every search run in full; benchmarks use it to measure
// the search rather than the cache. Call it before searching.
func (ix *Index) DisableCache() { ix.noCache = true }

// Open opens the engine's index of the store, which the engine rebuilds from
// the store when it is missing, unreadable, damaged, of another version or
// not the store's, and catches it up. Close closes the engine.
func Open(ctx context.Context, engine Engine, store Store, logger *slog.Logger) (*Index, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	ix := &Index{store: store, log: logger, engine: engine, cache: newLRU[*Result](cacheSize),
		similar: newLRU[[]Similar](similarCacheSize)}
	if err := engine.Open(ctx, source{ix}, logger); err != nil {
		return nil, err
	}
	return ix, nil
}

// Close closes the engine; a second call does nothing.
func (ix *Index) Close() error { return ix.engine.Close() }

// ReleaseMapped lets go of the pages of the index's files that reads have
// mapped into the process, where the engine reads through memory maps.
func (ix *Index) ReleaseMapped() {
	if m, ok := ix.engine.(interface{ ReleaseMapped() }); ok {
		m.ReleaseMapped()
	}
}

// Rebuild discards the index and builds it again from the store.
func (ix *Index) Rebuild(ctx context.Context) error { return ix.engine.Rebuild(ctx) }

// CatchUp applies every change-log entry after the index's applied sequence.
// Each batch carries its documents and the new applied sequence together, so
// a crash leaves the index at a consistent point of the log.
func (ix *Index) CatchUp(ctx context.Context) error { return ix.engine.CatchUp(ctx) }

// AppliedSeq returns the last change-log sequence the index has applied.
func (ix *Index) AppliedSeq() (uint64, error) { return ix.engine.AppliedSeq() }

// DocCount returns the number of indexed records.
func (ix *Index) DocCount() (uint64, error) { return ix.engine.DocCount() }

// Contains reports whether a record with this id is indexed.
func (ix *Index) Contains(id string) (bool, error) { return ix.engine.Contains(id) }

// Damaged reports whether the index was found damaged and is not yet
// rebuilt; healthz reports it.
func (ix *Index) Damaged() bool { return ix.engine.Damaged() }

// source is the store as the engine reads it.
type source struct{ ix *Index }

func (s source) StoreID() string          { return s.ix.store.ID() }
func (s source) LastSeq() (uint64, error) { return s.ix.store.LastSeq() }

func (s source) Documents(ctx context.Context, put func(*Document) error) (uint64, error) {
	tax, err := s.ix.store.Taxonomy()
	if err != nil {
		return 0, err
	}
	put = buildProgress(ctx, s.ix.store, put)
	return s.ix.store.EachRecord(ctx,
		func(p *corpus.Policy) error { return put(policyDocument(p)) },
		func(c *corpus.Case) error { return put(document(c, tax)) })
}

func (s source) Changes(ctx context.Context, after uint64, n int, put func(Change) error) (uint64, error) {
	ix := s.ix
	changes, err := ix.store.ChangesSince(after, n)
	if err != nil || len(changes) == 0 {
		return after, err
	}
	ids := map[string]bool{}
	policies := map[string]bool{}
	for _, ch := range changes {
		switch ch.Op {
		case corpus.OpPolicyPut:
			policies[ch.ID] = true
		case corpus.OpCasePut, corpus.OpCaseDelete:
			ids[ch.ID] = true
		case corpus.OpGlossaryPut:
			ix.invalidateVocabulary()
		case corpus.OpBankPut, corpus.OpTaxonomyPut:
			ix.invalidateVocabulary()
			// Bank names and tag labels are indexed with each case.
			f := corpus.Filter{}
			switch {
			case ch.Op == corpus.OpBankPut:
				f[corpus.FacetBank] = []string{ch.ID}
			case ch.Scoped && len(ch.Relabelled) == 0:
				continue // a merge or a retirement: its cases have entries of their own
			case ch.Scoped:
				f[corpus.FacetTheme] = ch.Relabelled
			}
			cases, err := ix.store.FindCases(ctx, f)
			if err != nil {
				return after, err
			}
			for _, c := range cases {
				ids[c.ID] = true
			}
		}
	}
	tax, err := ix.store.Taxonomy()
	if err != nil {
		return after, err
	}
	// Each record's current state, or its deletion when it is gone.
	change := func(id string, doc *Document, err error) error {
		switch {
		case corpus.ErrorCode(err) == corpus.ENOTFOUND:
			return put(Change{ID: id})
		case err != nil:
			return err
		}
		return put(Change{ID: id, Doc: doc})
	}
	for id := range ids {
		c, err := ix.store.FindCaseByID(ctx, id)
		var doc *Document
		if err == nil {
			doc = document(c, tax)
		}
		if err := change(id, doc, err); err != nil {
			return after, err
		}
	}
	for id := range policies {
		p, err := ix.store.FindPolicyByID(ctx, id)
		var doc *Document
		if err == nil {
			doc = policyDocument(p)
		}
		if err := change(id, doc, err); err != nil {
			return after, err
		}
	}
	return changes[len(changes)-1].Seq, nil
}

// vocabulary returns the query-understanding vocabulary, building it from
// the store when a bank, the taxonomy or the glossary has changed.
func (ix *Index) vocabulary(ctx context.Context) (*vocabulary, error) {
	if v := ix.vocab.Load(); v != nil {
		return v, nil
	}
	tax, err := ix.store.Taxonomy()
	if err != nil {
		return nil, err
	}
	banks, err := ix.store.FindBanks(ctx)
	if err != nil {
		return nil, err
	}
	gloss, err := ix.store.Glossary()
	if err != nil {
		return nil, err
	}
	gen := ix.vocabGen.Load()
	v := buildVocabulary(tax, banks, gloss)
	// Publish unless the store changed while we read it; then the next
	// search builds again.
	if ix.vocab.CompareAndSwap(nil, v) && ix.vocabGen.Load() != gen {
		ix.vocab.Store(nil)
	}
	return v, nil
}

func (ix *Index) invalidateVocabulary() {
	ix.vocabGen.Add(1)
	ix.vocab.Store(nil)
}

// understand parses a request's text and reads it against the vocabulary.
func (ix *Index) understand(ctx context.Context, req Request, fill int) (*understood, error) {
	parsed, err := Parse(req.Text)
	if err != nil {
		return nil, err
	}
	voc, err := ix.vocabulary(ctx)
	if err != nil {
		return nil, err
	}
	filter, err := resolveFilter(voc, req.Filter, parsed.Filters)
	if err != nil {
		return nil, err
	}
	kinds := filter[corpus.FacetKind]
	all := slices.Contains(kinds, KindAll)
	if all {
		delete(filter, corpus.FacetKind)
	}
	u := plan(voc, ix.engine, parsed.Terms, filter, req, fill)
	u.parsed, u.voc = parsed, voc
	if len(kinds) == 0 {
		// A search for cases: the policies it matches come apart.
		u.plan.Aside = &Aside{Filter: len(u.plan.Filters), Size: PoliciesAside}
		u.plan.Filters = append(u.plan.Filters, Filter{Facet: corpus.FacetKind, Values: []string{corpus.KindCase}})
	}
	return u, nil
}
