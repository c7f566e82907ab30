package index_test

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
	"unicode"

	"casebank/corpus"
	"casebank/corpus/boltdb"
	"casebank/corpus/boltdb/bolttest"
	"casebank/index"
	"casebank/index/indextest"
)

// pathologicalCases are records no limit of today's casebank would accept,
// as an older one may have stored them: a product of 2,000 repeated
// characters, thousands of mixed-script names, a 1.8 MB body.
func pathologicalCases() []*corpus.Case {
	rep := strings.Repeat("数", 2000)
	var many []string
	for i := range 5000 {
		many = append(many, fmt.Sprintf("数据%d平台DeepSeek-%d", i%7, i))
	}
	huge := strings.Repeat("数字化转型DeepSeek大模型。", 1<<16) // 1.8 MB
	base := func(id string) *corpus.Case {
		c := bolttest.NewCase(id, "jiangsu-bank", "数据"+strings.Repeat("数", 500), "数字化")
		c.Summary = corpus.Text{ZH: strings.Repeat("数据", 3000), EN: strings.Repeat("data ", 3000)}
		return c
	}
	repeated := base("evil-repeated")
	repeated.Products, repeated.Partners, repeated.Technologies = []string{rep}, []string{rep + "a"}, []string{rep + "b"}
	listed := base("evil-many")
	listed.Products, listed.Technologies = many, many
	long := base("evil-long")
	long.Body, long.Outcome = huge, huge[:1<<20]
	return []*corpus.Case{repeated, listed, long}
}

// Pathological stored records cost a bounded amount to index, to show as
// similar cases and evidence, and to find by a typed phrase.
func TestPathologicalRecordsStayCheap(t *testing.T) {
	path := filepath.Join(t.TempDir(), "casebank.db")
	bolttest.MustOpenStoreAt(t, path, true).Close()
	evil := pathologicalCases()
	bolttest.PutUnchecked(t, path, evil...)
	store, err := boltdb.Open(path, boltdb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	ix := openAt(t, t.TempDir(), store)
	defer ix.Close()

	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for _, c := range evil {
		if _, err := ix.SimilarCases(ctx, c.ID, 8, false); err != nil {
			t.Fatalf("similar to %s: %v", c.ID, err)
		}
	}
	for _, q := range []string{
		`"` + strings.Repeat("数", 30) + `"`, // a typed phrase of repeated words
		`"` + strings.Repeat("数", index.MaxPhraseTokens) + `"`,
		"数据 数字化", "DeepSeek", "data",
	} {
		res, err := ix.Search(ctx, index.Request{Text: q, Size: index.MaxSize, Fresh: true})
		if err != nil {
			t.Fatalf("search %q: %v", q, err)
		}
		if q == "DeepSeek" && res.Total == 0 {
			t.Fatalf("search %q found nothing", q)
		}
	}
	if _, err := ix.Suggest(ctx, "数", 10); err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	// Before the limits, the first similar-case query alone ran out of memory.
	if mb := (after.TotalAlloc - before.TotalAlloc) >> 20; mb > 400 {
		t.Fatalf("the reads allocated %d MB", mb)
	}
}

// A search past its time budget is a 503 the user can retry, and a query
// that expands to too many term lookups a 400; neither runs unbounded.
func TestSearchBudget(t *testing.T) {
	_, ix := indextest.MustOpen(t)
	late, cancel := context.WithDeadline(ctx, time.Now().Add(-time.Second))
	defer cancel()
	if _, err := ix.Search(late, index.Request{Text: "DeepSeek", Fresh: true}); corpus.ErrorCode(err) != corpus.EUNAVAILABLE {
		t.Fatalf("search past its deadline: %v", err)
	}
	// The corpus's own words: every bigram is in the index, so none is
	// pruned as absent and the look-ups run out.
	seed, err := corpus.DefaultCorpus()
	if err != nil {
		t.Fatal(err)
	}
	var words []rune
	for _, c := range seed.Cases {
		for _, r := range c.Body {
			if unicode.Is(unicode.Han, r) && len(words) < index.MaxQueryLength-10 {
				words = append(words, r)
			}
		}
	}
	_, err = ix.Search(ctx, index.Request{Text: string(words), Fresh: true})
	if corpus.ErrorCode(err) != corpus.EINVALID || !strings.Contains(corpus.ErrorMessage(err), "term lookups") {
		t.Fatalf("a query of %d characters of the corpus: %v", len(words), err)
	}
	// Characters no record has are pruned before any searcher is built:
	// the query is cheap, and finds nothing.
	var absent []rune
	for r := rune(0x4E00); len(absent) < index.MaxQueryLength-10; r += 3 {
		absent = append(absent, r)
	}
	if _, err := ix.Search(ctx, index.Request{Text: string(absent), Fresh: true}); err != nil && corpus.ErrorCode(err) != corpus.EINVALID {
		t.Fatalf("a query of %d distinct characters: %v", len(absent), err)
	}
	// The client going away is neither.
	gone, stop := context.WithCancel(ctx)
	stop()
	if _, err := ix.Search(gone, index.Request{Text: "DeepSeek", Fresh: true}); err == nil || corpus.ErrorCode(err) == corpus.EUNAVAILABLE {
		t.Fatalf("a cancelled search: %v", err)
	}
}
