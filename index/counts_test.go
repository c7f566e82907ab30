package index_test

import (
	"math"
	"reflect"
	"slices"
	"strconv"
	"testing"

	"casebank/corpus"
	"casebank/corpus/boltdb/bolttest"
	"casebank/index"
	"casebank/index/indextest"
)

// The one-pass counts must equal what filtering the store's own records
// gives, over an index of several segments with deleted and changed records.
func TestOnePassCountsMatchTheStore(t *testing.T) {
	store, ix := indextest.MustOpen(t)
	base, err := corpus.DefaultCorpus()
	if err != nil {
		t.Fatal(err)
	}
	gen := corpus.Generate(base, 300, 7)
	for i, c := range gen {
		if _, err := store.CreateCase(ctx, c, "t"); err != nil {
			t.Fatal(err)
		}
		if i%60 == 59 { // a segment per catch-up
			if err := ix.CatchUp(ctx); err != nil {
				t.Fatal(err)
			}
		}
	}
	for i, c := range gen[:40] {
		if i%2 == 0 {
			if err := store.DeleteCase(ctx, c.ID, 0, "t"); err != nil {
				t.Fatal(err)
			}
			continue
		}
		c, _ = store.FindCaseByID(ctx, c.ID)
		c.Themes = []string{"xinchuang"}
		if _, err := store.UpdateCase(ctx, c, c.Version, "t"); err != nil {
			t.Fatal(err)
		}
	}
	if err := ix.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	snap, err := store.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	type record struct {
		id     string
		values map[string][]string
	}
	var records []record
	for _, c := range snap.Cases {
		records = append(records, record{c.ID, map[string][]string{corpus.FacetKind: {c.Kind}, corpus.FacetDimension: c.Dimensions,
			corpus.FacetBankType: {c.Bank.Type}, corpus.FacetTheme: c.Themes, corpus.FacetRegion: {c.Bank.Region}, corpus.FacetYear: {strconv.Itoa(c.Year)}, corpus.FacetBank: {c.Bank.ID}}})
	}
	for _, p := range snap.Policies {
		records = append(records, record{p.ID, map[string][]string{corpus.FacetKind: {p.Kind}, corpus.FacetTheme: p.Themes,
			corpus.FacetRegion: {p.Region}, corpus.FacetYear: {strconv.Itoa(p.Year())}}})
	}
	for _, f := range []corpus.Filter{
		{},
		{corpus.FacetBankType: {"city_commercial", "rural_commercial"}, corpus.FacetTheme: {"ai"}},
		{corpus.FacetTheme: {"ai", "xinchuang"}, corpus.FacetRegion: {"jiangsu", "sichuan"}, corpus.FacetYear: {"2025"}},
		{corpus.FacetKind: {corpus.KindPolicy}},
		{corpus.FacetDimension: {"technology"}, corpus.FacetBankType: {"city_commercial"}},
	} {
		req := index.Request{Filter: f, Size: index.MaxSize}
		if len(f[corpus.FacetKind]) == 0 {
			req.Filter = f.Clone()
			req.Filter[corpus.FacetKind] = []string{index.KindAll} // cases and policies in one list
		}
		res := search(t, ix, req)
		for _, h := range res.Hits {
			if math.IsNaN(h.Score) || math.IsInf(h.Score, 0) {
				t.Fatalf("%+v: score %v", f, h.Score)
			}
		}
		selected := f
		passes := func(r record, skip string) bool {
			for field, codes := range selected {
				if field != skip && !slices.ContainsFunc(r.values[field], func(v string) bool { return slices.Contains(codes, v) }) {
					return false
				}
			}
			return true
		}
		var want uint64
		for _, r := range records {
			if passes(r, "") {
				want++
			}
		}
		if res.Total != want || want == 0 {
			t.Errorf("%+v: total %d, the store has %d", f, res.Total, want)
		}
		for _, field := range corpus.FacetNames() {
			skip := ""
			if len(selected[field]) > 0 {
				skip = field // counted without its own filter
			}
			counts := map[string]int{}
			for _, r := range records {
				if passes(r, skip) {
					for _, v := range r.values[field] {
						counts[v]++
					}
				}
			}
			for code, n := range counts {
				if got := facetCount(res, field, code); got != n && len(counts) <= facetSize(field) {
					t.Errorf("%+v: %s=%s counted %d, the store has %d", f, field, code, got, n)
				}
			}
		}
	}
	// Equal scores (no text) order by id, so that pages do not overlap.
	p1 := search(t, ix, index.Request{Filter: corpus.Filter{corpus.FacetTheme: {"ai"}}, Page: 1, Size: 20})
	p2 := search(t, ix, index.Request{Filter: corpus.Filter{corpus.FacetTheme: {"ai"}}, Page: 2, Size: 20})
	ids := append(hitIDs(p1), hitIDs(p2)...)
	if len(ids) != 40 || !slices.IsSorted(ids) {
		t.Errorf("two pages of equal scores are not in id order: %v", ids)
	}
}

// MatchIDs gives a search's cases in the order of its pages, and counts them
// all, however far past the 10,000 results a page may reach.
func TestMatchIDsFollowsThePages(t *testing.T) {
	_, ix := indextest.MustOpen(t)
	for _, q := range []string{"", "DeepSeek", "城商行 数字化"} {
		res := search(t, ix, index.Request{Text: q, Filter: corpus.Filter{corpus.FacetKind: {corpus.KindCase}}, Size: index.MaxSize})
		ids, total, err := ix.MatchIDs(ctx, index.Request{Text: q}, 5)
		if err != nil {
			t.Fatal(err)
		}
		var want []string
		// The hits that meet the inferred filters, which come first.
		for _, h := range res.Hits[:min(5, int(res.Inside))] {
			want = append(want, h.Case.ID)
		}
		if total != res.Inside || !slices.Equal(ids, want) {
			t.Errorf("%q: MatchIDs %v of %d, pages %v of %d", q, ids, total, want, res.Inside)
		}
	}
}

// The counts from the columns are the counts of the stored cases, after
// writes and deletes too.
func TestCountCasesMatchesTheStore(t *testing.T) {
	store, ix := indextest.MustOpen(t)
	check := func() {
		t.Helper()
		got, err := ix.CountCases(ctx)
		if err != nil {
			t.Fatal(err)
		}
		cases, _ := store.FindCases(ctx, corpus.Filter{})
		want := &index.CaseCounts{Cases: len(cases), ByBank: map[string]int{}, ByBankType: map[string]int{}, ByTheme: map[string]int{},
			ByRegion: map[string]int{}, ByDimensionBankType: map[string]map[string]int{}}
		for _, c := range cases {
			want.ByBank[c.Bank.ID]++
			want.ByBankType[c.Bank.Type]++
			want.ByRegion[c.Bank.Region]++
			for _, th := range c.Themes {
				want.ByTheme[th]++
			}
			for _, d := range c.Dimensions {
				if want.ByDimensionBankType[d] == nil {
					want.ByDimensionBankType[d] = map[string]int{}
				}
				want.ByDimensionBankType[d][c.Bank.Type]++
			}
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("columns %+v\nstore   %+v", got, want)
		}
	}
	check()
	if _, err := store.CreateCase(ctx, bolttest.NewCase("counted", "jiangsu-bank", "计数", "计数正文"), "t"); err != nil {
		t.Fatal(err)
	}
	if err := store.DeleteCase(ctx, "r2025-t1-4-jiangsu-bank", 0, "t"); err != nil {
		t.Fatal(err)
	}
	if err := ix.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	check()
}

// A bank's cases through the index are the store's.
func TestBankCasesMatchTheStore(t *testing.T) {
	store, ix := indextest.MustOpen(t)
	for _, bank := range []string{"jiangsu-bank", "chengdu-rcb", "weizhong-bank"} {
		got, err := ix.BankCases(ctx, bank)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := store.FindCases(ctx, corpus.Filter{corpus.FacetBank: {bank}})
		var g, w []string
		for _, c := range got {
			g = append(g, c.ID)
		}
		for _, c := range want {
			w = append(w, c.ID)
		}
		if len(w) == 0 || !slices.Equal(g, w) {
			t.Errorf("%s: index %v, store %v", bank, g, w)
		}
	}
}

// facetSize bounds the values a search returns for a facet.
func facetSize(field string) int {
	facet, _ := corpus.FacetByName(field)
	return facet.Size
}
