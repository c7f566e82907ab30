package bleveengine

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
	bsearch "github.com/blevesearch/bleve/v2/search"

	"casebank/corpus"
	"casebank/corpus/boltdb"
	"casebank/corpus/boltdb/bolttest"
	"casebank/index"
)

var ctx = context.Background()

// openAt opens an index of store with an engine under dir; the caller
// closes the index.
func openAt(t *testing.T, dir string, store *boltdb.Store) (*index.Index, *Engine) {
	t.Helper()
	e := New(dir)
	ix, err := index.Open(ctx, e, store, nil)
	if err != nil {
		t.Fatalf("open index: %v", err)
	}
	return ix, e
}

// A taxonomy change re-indexes every case it labels, in batches of
// batchSize: every case gets the new label, and the sequence is applied.
func TestTaxonomyChangeReindexesInBatches(t *testing.T) {
	defer func(n int) { batchSize = n }(batchSize)
	batchSize = 7
	store := bolttest.MustOpenStore(t, true)
	ix, _ := openAt(t, t.TempDir(), store)
	defer ix.Close()
	tax, _ := store.Taxonomy()
	for i := range tax.Themes {
		if tax.Themes[i].Code == "ai" {
			tax.Themes[i].ZH = "测试用智能标签"
		}
	}
	if err := store.PutTaxonomy(ctx, tax, "admin"); err != nil {
		t.Fatal(err)
	}
	if err := ix.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	want, _ := store.FindCases(ctx, corpus.Filter{corpus.FacetTheme: {"ai"}})
	res, err := ix.Search(ctx, index.Request{Text: "测试用智能标签", Filter: corpus.Filter{corpus.FacetKind: {corpus.KindCase}}, Size: index.MaxSize})
	if err != nil {
		t.Fatal(err)
	}
	// The cases carrying the theme come first; cases that only say its
	// words (untagged) follow them.
	if len(want) <= batchSize || res.Inside != uint64(len(want)) {
		t.Fatalf("the new label finds %d cases with the theme, %d carry it", res.Inside, len(want))
	}
	applied, _ := ix.AppliedSeq()
	if last, _ := store.LastSeq(); applied != last {
		t.Fatalf("applied %d of %d", applied, last)
	}
}

// An index far behind its store (a large import) is rebuilt beside the live
// one instead of replaying the log, and ends at the store's sequence; the
// rebuild reports its progress to the context's reporter: 0 first, then
// every record, up to all the store's cases and policies.
func TestFarBehindIndexIsRebuilt(t *testing.T) {
	defer func(n uint64) { rebuildAfter = n }(rebuildAfter)
	rebuildAfter = 5
	store := bolttest.MustOpenStore(t, true)
	var logs bytes.Buffer
	ix, err := index.Open(ctx, New(t.TempDir()), store, slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	for i := range 12 {
		c, _ := store.FindCaseByID(ctx, "r2025-t1-4-chengdu-bank")
		c.ID = fmt.Sprintf("far-behind-%d", i)
		c.Title.ZH = "远远落后的测试案例"
		if _, err := store.CreateCase(ctx, c, "ed"); err != nil {
			t.Fatal(err)
		}
	}
	var reports [][2]int
	progress := index.WithBuildProgress(ctx, func(done, total int) { reports = append(reports, [2]int{done, total}) })
	if err := ix.CatchUp(progress); err != nil {
		t.Fatal(err)
	}
	records, _ := store.CountRecords()
	if len(reports) != records+1 || reports[0] != [2]int{0, records} || reports[records] != [2]int{records, records} {
		t.Errorf("progress of the rebuild of %d records: %d reports, the first %v", records, len(reports), reports[:min(3, len(reports))])
	}
	if !strings.Contains(logs.String(), "rebuilding it beside the live one") {
		t.Fatalf("12 changes behind with rebuildAfter 5: not rebuilt; log:\n%s", logs.String())
	}
	res, err := ix.Search(ctx, index.Request{Text: "远远落后的测试案例"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 12 {
		t.Fatalf("%d of the 12 new cases found", res.Total)
	}
	applied, _ := ix.AppliedSeq()
	if last, _ := store.LastSeq(); applied != last {
		t.Fatalf("applied %d of %d", applied, last)
	}
}

func TestMappingVersionChangeRebuilds(t *testing.T) {
	store := bolttest.MustOpenStore(t, true)
	dir := t.TempDir()
	ix, e := openAt(t, dir, store)
	// A document only the old index has, and an old mapping version.
	if err := e.bleve.Index("ghost", map[string]any{corpus.FacetKind: "case", "title_zh": "幽灵文档"}); err != nil {
		t.Fatal(err)
	}
	if err := e.bleve.SetInternal(keyMappingVersion, []byte("0")); err != nil {
		t.Fatal(err)
	}
	ix.Close()

	ix, e = openAt(t, dir, store)
	defer ix.Close()
	if res, err := ix.Search(ctx, index.Request{Text: "幽灵文档"}); err != nil || res.Total != 0 {
		t.Fatalf("index was not rebuilt: the ghost document survived (%v)", err)
	}
	snap, _ := store.Snapshot(ctx)
	if n, _ := ix.DocCount(); n != uint64(len(snap.Cases)+len(snap.Policies)) {
		t.Fatalf("rebuilt index has %d docs, store %d cases and %d policies", n, len(snap.Cases), len(snap.Policies))
	}
	if v, _ := e.bleve.GetInternal(keyMappingVersion); string(v) != MappingVersion {
		t.Fatalf("mapping version %q", v)
	}
}

// An index built before indexes recorded their store is kept (a rebuild of
// 100,000 cases takes minutes) and records the store from then on.
func TestIndexWithoutStoreIDIsAdopted(t *testing.T) {
	store := bolttest.MustOpenStore(t, true)
	dir := t.TempDir()
	ix, e := openAt(t, dir, store)
	if err := e.bleve.get().DeleteInternal(keyStoreID); err != nil {
		t.Fatal(err)
	}
	if err := e.bleve.Index("kept", map[string]any{corpus.FacetKind: "case", "title_zh": "保留的文档"}); err != nil {
		t.Fatal(err)
	}
	ix.Close()
	ix, e = openAt(t, dir, store)
	defer ix.Close()
	if ok, _ := ix.Contains("kept"); !ok {
		t.Fatal("the index was rebuilt")
	}
	if id, _ := e.bleve.GetInternal(keyStoreID); string(id) != store.ID() {
		t.Fatalf("store id %q recorded, want %q", id, store.ID())
	}
}

// A read that fails on an intact index (a query bleve rejects, a read that
// panics) is not damage: the error goes back as it was, a panic as
// unavailable (503), and no rebuild starts.
func TestFailedReadOfIntactIndexIsNotDamage(t *testing.T) {
	ix, e := openAt(t, t.TempDir(), bolttest.MustOpenStore(t, true))
	defer ix.Close()
	_, err := e.bleve.SearchInContext(ctx, bleve.NewSearchRequest(bleve.NewRegexpQuery("[")))
	if err == nil || corpus.ErrorCode(err) == corpus.EUNAVAILABLE {
		t.Fatalf("bad regexp: %v", err)
	}
	bug := func(*bsearch.SearchContext) (bsearch.DocumentMatchHandler, bool, error) {
		return func(*bsearch.DocumentMatch) error { panic("a bug of ours") }, false, nil
	}
	hctx := context.WithValue(ctx, bsearch.MakeDocumentMatchHandlerKey, bsearch.MakeDocumentMatchHandler(bug))
	if _, err := e.bleve.SearchInContext(hctx, bleve.NewSearchRequest(bleve.NewMatchAllQuery())); corpus.ErrorCode(err) != corpus.EUNAVAILABLE {
		t.Fatalf("a read that panicked: %v, want unavailable", err)
	}
	if ix.Damaged() || e.repair.repairing.Load() {
		t.Fatal("an intact index was taken for damaged")
	}
}

// A phrase of more words than a phrase may have matches as all its words.
func TestLongPhraseMatchesAsWords(t *testing.T) {
	f := textFields["names"]
	short := fmt.Sprintf("%T", phraseQuery(f, "数据治理", 1, nil))
	long := fmt.Sprintf("%T", phraseQuery(f, strings.Repeat("数据治理", index.MaxPhraseTokens), 1, nil))
	if short != "*query.MatchPhraseQuery" || long == short {
		t.Fatalf("short phrase %s, long phrase %s", short, long)
	}
}

// The plain baseline runs on the same corpus, for the comparison in BENCHMARKS.md.
func TestBaselineRuns(t *testing.T) {
	c, err := corpus.DefaultCorpus()
	if err != nil {
		t.Fatal(err)
	}
	rank, closeFn, err := BaselineRanker(c.Cases)
	if err != nil {
		t.Fatal(err)
	}
	defer closeFn()
	r, err := rank(context.Background(), "DeepSeek")
	if err != nil || len(r.IDs) == 0 {
		t.Fatalf("baseline: %v %v", r.IDs, err)
	}
}

// Searches beyond the processors wait for a slot: a waiting search whose
// client leaves gives up, and one admitted when a slot frees answers.
func TestSearchesTakeTurns(t *testing.T) {
	store := bolttest.MustOpenStore(t, true)
	ix, _ := openAt(t, t.TempDir(), store)
	defer ix.Close()
	for range cap(searchSlots) {
		searchSlots <- struct{}{}
	}
	held := cap(searchSlots)
	defer func() {
		for range held {
			<-searchSlots
		}
	}()
	gone, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if _, err := ix.Search(gone, index.Request{Text: "DeepSeek", Fresh: true}); !errors.Is(err, context.DeadlineExceeded) && corpus.ErrorCode(err) != corpus.EUNAVAILABLE {
		t.Fatalf("a search waiting past its client's deadline: %v", err)
	}
	answered := make(chan error, 1)
	go func() {
		_, err := ix.Search(ctx, index.Request{Text: "DeepSeek", Fresh: true})
		answered <- err
	}()
	select {
	case err := <-answered:
		t.Fatalf("a search ran with every slot taken: %v", err)
	case <-time.After(100 * time.Millisecond):
	}
	<-searchSlots
	held--
	if err := <-answered; err != nil {
		t.Fatal(err)
	}
}

// A rebuild on several workers, in batches of a few records, indexes every
// record of the store once and ends at the store's sequence.
func TestRebuildOnWorkersIndexesEveryRecord(t *testing.T) {
	defer func(n, w int) { batchSize, rebuildWorkers = n, w }(batchSize, rebuildWorkers)
	batchSize, rebuildWorkers = 9, 3
	store := bolttest.MustOpenStore(t, true)
	ix, e := openAt(t, t.TempDir(), store)
	defer ix.Close()
	if err := ix.Rebuild(ctx); err != nil {
		t.Fatal(err)
	}
	cases, err := store.FindCases(ctx, corpus.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	policies, err := store.FindPolicies(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := e.DocCount(); n != uint64(len(cases)+len(policies)) || len(cases) < 10*batchSize {
		t.Fatalf("%d documents indexed, the store holds %d cases and %d policies", n, len(cases), len(policies))
	}
	for _, c := range cases {
		if ok, err := e.Contains(c.ID); !ok || err != nil {
			t.Fatalf("case %s not indexed (%v)", c.ID, err)
		}
	}
	applied, _ := ix.AppliedSeq()
	if last, _ := store.LastSeq(); applied != last {
		t.Fatalf("applied %d of %d", applied, last)
	}
}
