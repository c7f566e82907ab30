package index_test

import (
	"slices"
	"strings"
	"testing"

	"casebank/corpus"
	"casebank/index"
	"casebank/index/indextest"
)

func TestSortNewestAndByBank(t *testing.T) {
	_, ix := indextest.MustOpen(t)
	rel := search(t, ix, index.Request{Text: "DeepSeek", Size: index.MaxSize})
	if rel.Total < 3 {
		t.Fatalf("DeepSeek finds %d cases; the test needs a few", rel.Total)
	}
	newest := search(t, ix, index.Request{Text: "DeepSeek", Size: index.MaxSize, Sort: index.SortNewest})
	bank := search(t, ix, index.Request{Text: "DeepSeek", Size: index.MaxSize, Sort: index.SortBank})
	for name, res := range map[string]*index.Result{"newest": newest, "bank": bank} {
		if res.Total != rel.Total || len(res.Hits) != len(rel.Hits) {
			t.Fatalf("%s: %d/%d hits, relevance %d/%d", name, len(res.Hits), res.Total, len(rel.Hits), rel.Total)
		}
		a, b := hitIDs(res), hitIDs(rel)
		slices.Sort(a)
		slices.Sort(b)
		if !slices.Equal(a, b) {
			t.Errorf("%s sorts other hits than relevance finds", name)
		}
	}
	if !slices.IsSortedFunc(newest.Hits, func(a, b index.Hit) int { return b.Case.Year - a.Case.Year }) {
		t.Errorf("newest: years not descending")
	}
	if !slices.IsSortedFunc(bank.Hits, func(a, b index.Hit) int { return strings.Compare(a.Case.Bank.Name, b.Case.Bank.Name) }) {
		t.Errorf("bank: names not ascending")
	}
	// A page of a sort is that stretch of the sorted list.
	p2 := search(t, ix, index.Request{Text: "DeepSeek", Size: 2, Page: 2, Sort: index.SortNewest})
	if got, want := hitIDs(p2), hitIDs(newest)[2:min(4, len(newest.Hits))]; !slices.Equal(got, want) {
		t.Errorf("newest page 2 = %v, want %v", got, want)
	}
	// Relevance is the default, named or not; the cached answer of one sort
	// is not served for another.
	if named := search(t, ix, index.Request{Text: "DeepSeek", Size: index.MaxSize, Sort: index.SortRelevance}); !slices.Equal(hitIDs(named), hitIDs(rel)) {
		t.Errorf("sort=relevance differs from the default")
	}
	_, err := ix.Search(ctx, index.Request{Text: "DeepSeek", Sort: "oldest"})
	if corpus.ErrorCode(err) != corpus.EINVALID {
		t.Errorf("sort=oldest: %v, want EINVALID", err)
	}
}
