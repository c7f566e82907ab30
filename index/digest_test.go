package index_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"casebank/corpus"
	"casebank/corpus/boltdb/bolttest"
	"casebank/index"
	"casebank/index/indextest"
)

// A bank's digest counts as the filters do and reads the first cases of
// each dimension, in id order, no more than asked for.
func TestBankDigest(t *testing.T) {
	store, ix := indextest.MustOpen(t)
	ctx := context.Background()
	for i := range 8 {
		c := bolttest.NewCase(fmt.Sprintf("zz-digest-%d", i), "nanjing-bank", fmt.Sprintf("南京银行测试案例%d", i), "测试正文")
		if i%2 == 1 {
			c.Dimensions = append(c.Dimensions, "data")
		}
		if _, err := store.CreateCase(ctx, c, "tester"); err != nil {
			t.Fatal(err)
		}
	}
	if err := ix.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	d, err := ix.BankDigest(ctx, "nanjing-bank", 5)
	if err != nil {
		t.Fatal(err)
	}
	all, total, err := ix.MatchIDs(ctx, index.Request{Filter: corpus.Filter{corpus.FacetBank: {"nanjing-bank"}}}, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if d.Cases != int(total) || d.Cases != len(all) || d.Cases < 9 {
		t.Fatalf("digest counts %d cases; the bank filter finds %d", d.Cases, total)
	}
	for _, dim := range []string{"technology", "data", "application", "strategy"} {
		_, n, err := ix.MatchIDs(ctx, index.Request{Filter: corpus.Filter{corpus.FacetBank: {"nanjing-bank"}, corpus.FacetDimension: {dim}}}, 1000)
		if err != nil {
			t.Fatal(err)
		}
		if d.ByDimension[dim] != int(n) {
			t.Errorf("%s: digest counts %d, the filter finds %d", dim, d.ByDimension[dim], n)
		}
		first := d.First[dim]
		if len(first) != min(int(n), 5) {
			t.Errorf("%s: %d first cases of %d", dim, len(first), n)
		}
		ids := make([]string, len(first))
		for i, c := range first {
			ids[i] = c.ID
			if !slices.Contains(c.Dimensions, dim) {
				t.Errorf("%s: first case %s lacks the dimension", dim, c.ID)
			}
		}
		if !slices.IsSorted(ids) {
			t.Errorf("%s: first cases not in id order: %v", dim, ids)
		}
	}
	if d.ByTheme["ai"] < 8 {
		t.Errorf("ai theme counted %d", d.ByTheme["ai"])
	}
}
