package index_test

import (
	"testing"

	"casebank/corpus"
	"casebank/index"
	"casebank/index/indextest"
)

// A case that shares a rare product name with another is its first similar
// case, even when both are edited (an edit leaves the old document deleted
// in an older segment: it must not come back, nor the case twice), and a
// policy or the case itself never is one.
func TestSimilarCasesFindARareSharedName(t *testing.T) {
	store, ix := indextest.MustOpen(t)
	base, err := store.FindCaseByID(ctx, "r2025-t1-4-chengdu-bank")
	if err != nil {
		t.Fatal(err)
	}
	twin := *base
	twin.ID, twin.Version = "similar-twin", 0
	// Another type of bank in another region, one theme in common: the
	// rare product is what makes it the most alike.
	twin.Bank = corpus.Bank{ID: "chongqing-rcb"}
	twin.Themes, twin.Dimensions = base.Themes[:1], []string{"ecosystem"}
	twin.Title = corpus.Text{ZH: "某行的另一个测试案例", EN: "Another test case"}
	twin.Products, twin.Technologies, twin.Partners = []string{"测试用稀有产品名"}, nil, nil
	if _, err := store.CreateCase(ctx, &twin, "ed"); err != nil {
		t.Fatal(err)
	}
	base.Products = append(base.Products, "测试用稀有产品名")
	for range 2 { // two edits: two older versions in the index's segments
		base.Outcome += "。"
		if base, err = store.UpdateCase(ctx, base, base.Version, "ed"); err != nil {
			t.Fatal(err)
		}
		if err := ix.CatchUp(ctx); err != nil {
			t.Fatal(err)
		}
	}
	sims, err := ix.SimilarCases(ctx, base.ID, 8)
	if err != nil {
		t.Fatal(err)
	}
	if len(sims) == 0 || sims[0].Case.ID != "similar-twin" {
		t.Fatalf("the case sharing a rare product is not first: %v", similarIDs(sims))
	}
	seen := map[string]bool{}
	for _, s := range sims {
		if s.Case.ID == base.ID || seen[s.Case.ID] || s.Case.Kind != corpus.KindCase {
			t.Fatalf("similar cases %v: itself, a repeat or not a case", similarIDs(sims))
		}
		seen[s.Case.ID] = true
	}
}

func similarIDs(sims []index.Similar) []string {
	var ids []string
	for _, s := range sims {
		ids = append(ids, s.Case.ID)
	}
	return ids
}
