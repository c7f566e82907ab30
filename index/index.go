package index

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/blevesearch/bleve/v2"

	"casebank/corpus"
	"casebank/corpus/boltdb"
)

var (
	keyAppliedSeq     = []byte("casebank.applied_seq")
	keyMappingVersion = []byte("casebank.mapping_version")
	keyStoreID        = []byte("casebank.store_id")
)

var errClosed = errors.New("index: closed")

// batchSize bounds the documents per bleve batch during rebuild and catch-up:
// bigger batches mean fewer segments to merge.
var batchSize = 2000 // a variable so that tests can make batches small

// Index is the bleve index of a store's cases.
type Index struct {
	store *boltdb.Store
	log   *slog.Logger
	path  string

	mu sync.Mutex // serialises catch-up so that batches apply in log order
	// rebuilding lets one build at a time use the directory beside the index.
	rebuilding sync.Mutex
	bleve      liveIndex
	repair     repairState

	// vocab is the query-understanding vocabulary; nil until first needed
	// and again after a change to banks, taxonomy or glossary.
	vocab    atomic.Pointer[vocabulary]
	vocabGen atomic.Uint64 // bumped on every invalidation

	// gen advances with every change applied to the index; cached search
	// answers are keyed by it.
	gen     atomic.Uint64
	cache   *resultCache
	noCache bool // benchmarks measure the search itself

	columns *columns
	retry   retrier // catches up in the background after a failed catch-up
}

// DisableCache makes every search run in full; benchmarks use it to measure
// the search rather than the cache. Call it before searching.
func (ix *Index) DisableCache() { ix.noCache = true }

// Open opens the index under dir, rebuilding it from the store when it is
// missing, unreadable, damaged, of another mapping version or not the
// store's, then catches it up.
func Open(ctx context.Context, dir string, store *boltdb.Store, logger *slog.Logger) (*Index, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	ix := &Index{store: store, log: logger, path: filepath.Join(dir, "index.bleve"), cache: newResultCache(cacheSize), columns: newColumns()}
	ix.bleve.ix = ix
	ix.repair.ctx, ix.repair.cancel = context.WithCancel(context.Background())
	os.RemoveAll(ix.path + ".rebuild") // left by a repair cut short
	b, err := bleve.Open(ix.path)
	switch {
	case errors.Is(err, bleve.ErrorIndexPathDoesNotExist):
		logger.Info("index missing; building it from the store", "path", ix.path)
		err = ix.rebuild(ctx)
	case err != nil:
		logger.Warn("index unreadable; rebuilding it from the store", "path", ix.path, "err", err)
		err = ix.rebuild(ctx)
	default:
		if v, _ := b.GetInternal(keyMappingVersion); string(v) != MappingVersion {
			logger.Info("index mapping changed; rebuilding it from the store", "have", string(v), "want", MappingVersion)
			b.Close()
			err = ix.rebuild(ctx)
		} else if why := ix.unusable(b); why != "" {
			logger.Warn("index "+why+"; rebuilding it from the store", "path", ix.path)
			b.Close()
			err = ix.rebuild(ctx)
		} else {
			ix.bleve.set(b)
		}
	}
	if err != nil {
		ix.repair.cancel()
		return nil, err
	}
	if err := ix.CatchUp(ctx); err != nil {
		ix.Close()
		return nil, err
	}
	// Read the facet columns now rather than in the first user's search:
	// at 100,000 cases that is a fifth of a second.
	if err := ix.warm(); err != nil {
		ix.Close()
		return nil, err
	}
	return ix, nil
}

// unusable says why an opened index of the current mapping cannot serve
// the store, or "".
func (ix *Index) unusable(b bleve.Index) string {
	// An index of another store, or of this store's own later state (an
	// older backup copied over the store file): its documents and applied
	// sequence are not the store's, and new writes would be skipped as
	// already applied.
	storeID := ix.store.ID()
	last, err := ix.store.LastSeq()
	if err != nil {
		return fmt.Sprintf("not checked against the store (%v)", err)
	}
	applied, err := appliedSeq(b)
	if err != nil {
		return err.Error()
	}
	switch id, _ := b.GetInternal(keyStoreID); {
	case id == nil && applied <= last:
		// Built before indexes recorded their store: adopt it.
		if err := b.SetInternal(keyStoreID, []byte(storeID)); err != nil {
			return fmt.Sprintf("store id not recorded (%v)", err)
		}
	case id != nil && string(id) != storeID:
		return fmt.Sprintf("belongs to another store (index store %s, store %s)", id, storeID)
	case applied > last:
		return fmt.Sprintf("is ahead of the store's log (index at seq %d, store at %d; was an older store copied in?)", applied, last)
	}
	if err := verifySegments(b); err != nil {
		return fmt.Sprintf("damaged (%v)", err)
	}
	return ""
}

func (ix *Index) warm() error {
	adv, err := ix.bleve.Advanced()
	if err != nil {
		return fmt.Errorf("index: %w", err)
	}
	r, err := adv.Reader()
	if err != nil {
		return fmt.Errorf("index: reader: %w", err)
	}
	defer r.Close()
	_, err = ix.columns.view(r)
	return err
}

// Close stops a repair and closes the bleve index; a second call does nothing.
func (ix *Index) Close() error {
	ix.stopRepair()
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if b := ix.bleve.take(); b != nil {
		return b.Close()
	}
	return nil
}

// Rebuild discards the index and builds it again from the store.
func (ix *Index) Rebuild(ctx context.Context) error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if b := ix.bleve.take(); b != nil {
		b.Close()
	}
	return ix.rebuild(ctx)
}

func (ix *Index) rebuild(ctx context.Context) error {
	b, err := ix.build(ctx, ix.path)
	if err != nil {
		return err
	}
	ix.bleve.set(b)
	ix.gen.Add(1)
	return nil
}

// build writes a new index of the store's records at path.
func (ix *Index) build(ctx context.Context, path string) (bleve.Index, error) {
	if err := os.RemoveAll(path); err != nil {
		return nil, fmt.Errorf("index: remove %s: %w", path, err)
	}
	b, err := bleve.New(path, buildMapping())
	if err != nil {
		return nil, fmt.Errorf("index: create %s: %w", path, err)
	}
	tax, err := ix.store.Taxonomy()
	if err != nil {
		b.Close()
		return nil, err
	}
	batch := b.NewBatch()
	put := func(id string, doc any) error {
		if err := batch.Index(id, doc); err != nil {
			return fmt.Errorf("index: %s: %w", id, err)
		}
		if batch.Size() < batchSize {
			return nil
		}
		if err := b.Batch(batch); err != nil {
			return fmt.Errorf("index: rebuild batch: %w", err)
		}
		batch.Reset()
		return nil
	}
	cases, policies := 0, 0
	seq, err := ix.store.EachRecord(ctx,
		func(p *corpus.Policy) error { policies++; return put(p.ID, policyDocument(p)) },
		func(c *corpus.Case) error { cases++; return put(c.ID, document(c, tax)) })
	if err != nil {
		b.Close()
		return nil, err
	}
	// The version and the sequence go in last: a rebuild cut short leaves an
	// index without them, which the next Open rebuilds again.
	batch.SetInternal(keyAppliedSeq, seqBytes(seq))
	batch.SetInternal(keyStoreID, []byte(ix.store.ID()))
	batch.SetInternal(keyMappingVersion, []byte(MappingVersion))
	if err := b.Batch(batch); err != nil {
		b.Close()
		return nil, fmt.Errorf("index: rebuild: %w", err)
	}
	ix.log.Info("index built", "cases", cases, "policies", policies, "seq", seq)
	return b, nil
}

// AppliedSeq returns the last change-log sequence the index has applied.
func (ix *Index) AppliedSeq() (uint64, error) {
	b, err := ix.bleve.load()
	if err != nil {
		return 0, err
	}
	return appliedSeq(b)
}

func appliedSeq(b bleve.Index) (uint64, error) {
	v, err := b.GetInternal(keyAppliedSeq)
	if err != nil {
		return 0, fmt.Errorf("index: applied seq: %w", err)
	}
	if len(v) != 8 {
		return 0, nil
	}
	return binary.BigEndian.Uint64(v), nil
}

func seqBytes(seq uint64) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, seq)
	return b
}

// CatchUp applies every change-log entry after the index's applied sequence.
// Each batch carries its documents and the new applied sequence together, so
// a crash leaves the index at a consistent point of the log.
func (ix *Index) CatchUp(ctx context.Context) (err error) {
	if rebuilt, err := ix.rebuildIfFarBehind(ctx); rebuilt {
		return err
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	// bleve's segment code has panicked on a full disk (zapx: assignment to
	// a nil map); the write is stored, so this is a catch-up to retry, not a
	// crash.
	defer func() {
		if r := recover(); r != nil {
			ix.log.Error("index catch-up panicked", "panic", r, "stack", string(debug.Stack()))
			err = fmt.Errorf("index: catch-up failed: %v", r)
		}
	}()
	if ix.bleve.get() == nil {
		return errClosed
	}
	if ix.repair.damaged.Load() {
		// Writing to a damaged index would merge the damage into new
		// segments; the rebuilt one catches up when it is swapped in.
		return nil
	}
	return ix.catchUp(ctx)
}

// rebuildAfter is how many changes behind the store the index may be for a
// catch-up; further behind (a large import), it is rebuilt instead.
var rebuildAfter uint64 = 10000

// rebuildIfFarBehind rebuilds the index beside the live one when it is more
// than rebuildAfter changes behind: replaying a long log indexes a case once
// for each change of it and of its bank, a build reads each record once, and
// searches go on meanwhile. It reports whether it rebuilt.
func (ix *Index) rebuildIfFarBehind(ctx context.Context) (bool, error) {
	farBehind := func() bool {
		if ix.bleve.get() == nil || ix.repair.damaged.Load() {
			return false // closed, or the repair rebuilds it anyway
		}
		applied, err := ix.AppliedSeq()
		if err != nil {
			return false
		}
		last, err := ix.store.LastSeq()
		return err == nil && last > applied+rebuildAfter
	}
	if !farBehind() {
		return false, nil
	}
	ix.rebuilding.Lock()
	defer ix.rebuilding.Unlock()
	if !farBehind() { // another caller rebuilt it meanwhile
		return false, nil
	}
	ix.log.Info("index far behind the store; rebuilding it beside the live one")
	return true, ix.rebuildAndSwapLocked(ctx)
}

// catchUp is CatchUp with ix.mu held.
func (ix *Index) catchUp(ctx context.Context) error {
	applied, err := ix.AppliedSeq()
	if err != nil {
		return err
	}
	for {
		changes, err := ix.store.ChangesSince(applied, batchSize)
		if err != nil {
			return err
		}
		if len(changes) == 0 {
			return nil
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
				if ch.Op == corpus.OpBankPut {
					f[corpus.FacetBank] = []string{ch.ID}
				}
				cases, err := ix.store.FindCases(ctx, f)
				if err != nil {
					return err
				}
				for _, c := range cases {
					ids[c.ID] = true
				}
			}
		}
		tax, err := ix.store.Taxonomy()
		if err != nil {
			return err
		}
		batch := ix.bleve.NewBatch()
		// put indexes a record's current state, or deletes it when it is gone.
		// A bank's or the taxonomy's change may touch every case: the batch
		// is applied every batchSize records, so memory stays bounded; the
		// sequence goes in with the last one, and records applied before a
		// crash are simply applied again.
		put := func(id string, doc any, err error) error {
			switch {
			case corpus.ErrorCode(err) == corpus.ENOTFOUND:
				batch.Delete(id)
			case err != nil:
				return err
			default:
				if err := batch.Index(id, doc); err != nil {
					return fmt.Errorf("index: %s: %w", id, err)
				}
			}
			if batch.Size() < batchSize {
				return nil
			}
			if err := ix.bleve.Batch(batch); err != nil {
				return fmt.Errorf("index: apply changes after %d: %w", applied, err)
			}
			batch.Reset()
			return nil
		}
		for id := range ids {
			c, err := ix.store.FindCaseByID(ctx, id)
			var doc any
			if err == nil {
				doc = document(c, tax)
			}
			if err := put(id, doc, err); err != nil {
				return err
			}
		}
		for id := range policies {
			p, err := ix.store.FindPolicyByID(ctx, id)
			var doc any
			if err == nil {
				doc = policyDocument(p)
			}
			if err := put(id, doc, err); err != nil {
				return err
			}
		}
		applied = changes[len(changes)-1].Seq
		batch.SetInternal(keyAppliedSeq, seqBytes(applied))
		if err := ix.bleve.Batch(batch); err != nil {
			return fmt.Errorf("index: apply changes up to %d: %w", applied, err)
		}
		ix.gen.Add(1)
	}
}

// DocCount returns the number of indexed cases.
func (ix *Index) DocCount() (uint64, error) { return ix.bleve.DocCount() }

// document flattens a case into the indexed fields.
func document(c *corpus.Case, tax *corpus.Taxonomy) map[string]any {
	names := append(append(append([]string{}, c.Products...), c.Partners...), c.Technologies...)
	figures := make([]string, len(c.Figures))
	for i, f := range c.Figures {
		figures[i] = f.Label + " " + f.Value
	}
	bankZH := append([]string{c.Bank.Name}, c.Bank.Aliases...)
	// Bank types and regions are indexed with their aliases, which are
	// synonyms (城市商业银行 = 城商行). Dimensions and themes get their labels
	// only: their aliases are narrower terms (数字人 under AI), and indexing
	// them would make every AI case match 数字人. The facet table says which.
	var tagsZH, tagsEN []string
	for _, facet := range corpus.Facets {
		if facet.Tags == corpus.NoTagText {
			continue
		}
		for _, code := range facet.OfCase(c) {
			if v, ok := tax.Lookup(facet.Name, code); ok {
				tagsZH, tagsEN = append(tagsZH, v.ZH), append(tagsEN, v.EN)
				if facet.Tags == corpus.AliasesTagText {
					tagsZH, tagsEN = append(tagsZH, v.AliasesZH...), append(tagsEN, v.AliasesEN...)
				}
			}
		}
	}
	doc := map[string]any{
		// Fields with positions are clipped: a phrase search's cost grows
		// with the square of a field's repeats (budget.go).
		fieldTitleZH:   clip(c.Title.ZH, maxPositionalRunes),
		fieldTitleEN:   clip(c.Title.EN, maxPositionalRunes),
		fieldSummaryZH: clip(c.Summary.ZH, maxPositionalRunes),
		fieldSummaryEN: clip(c.Summary.EN, maxPositionalRunes),
		fieldBody:      c.Body,
		fieldOutcome:   c.Outcome,
		fieldPattern:   c.Pattern,
		fieldNames:     clipNames(names),
		fieldBankZH:    strings.Join(bankZH, "；"),
		fieldBankEN:    c.Bank.NameEN,
		fieldFigures:   strings.Join(figures, "；"),
		fieldTagsZH:    strings.Join(tagsZH, "；"),
		fieldNameKeys:  nameKeys(c.Products, c.Technologies),
		fieldTagsEN:    strings.Join(tagsEN, "; "),
	}
	addFacets(doc, c.ID, c, nil)
	return doc
}

// policyDocument flattens a policy into the same fields as a case: its name
// is the title, its points the summary, its issuer a name.
func policyDocument(p *corpus.Policy) map[string]any {
	doc := map[string]any{
		fieldTitleZH:   p.Name,
		fieldTitleEN:   p.NameEN,
		fieldSummaryZH: p.Points.ZH,
		fieldSummaryEN: p.Points.EN,
		fieldNames:     p.Issuer,
	}
	addFacets(doc, p.ID, nil, p)
	return doc
}

// facetSep joins a facet field and a code in fieldFacets.
const facetSep = "\x1f"

// addFacets adds a record's values of every facet: each in its keyword
// field for filtering, and all of them in fieldFacets for counting.
func addFacets(doc map[string]any, id string, c *corpus.Case, p *corpus.Policy) {
	terms := []string{idField + facetSep + id}
	for _, facet := range corpus.Facets {
		vals := facet.Of(c, p)
		if len(vals) == 0 {
			continue
		}
		doc[facet.Name] = vals
		for _, v := range vals {
			if v != "" {
				terms = append(terms, facet.Name+facetSep+v)
			}
		}
	}
	doc[fieldFacets] = terms
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

func nameKeys(lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		for _, s := range l {
			out = append(out, strings.ToLower(s)+"\x00"+s)
		}
	}
	return out
}

// Contains reports whether a record with this id is indexed.
func (ix *Index) Contains(id string) (bool, error) {
	doc, err := ix.bleve.Document(id)
	if err != nil {
		return false, fmt.Errorf("index: document %s: %w", id, err)
	}
	return doc != nil, nil
}
