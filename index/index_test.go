package index_test

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"casebank/corpus"
	"casebank/corpus/boltdb"
	"casebank/corpus/boltdb/bolttest"
	"casebank/index"
	"casebank/index/bleveengine"
	"casebank/index/indextest"
)

var ctx = context.Background()

// openAt opens an index under dir for store; the caller closes it.
func openAt(t *testing.T, dir string, store *boltdb.Store) *index.Index {
	t.Helper()
	ix, err := index.Open(ctx, bleveengine.New(dir), store, nil)
	if err != nil {
		t.Fatalf("open index: %v", err)
	}
	return ix
}

func search(t *testing.T, ix *index.Index, req index.Request) *index.Result {
	t.Helper()
	res, err := ix.Search(ctx, req)
	if err != nil {
		t.Fatalf("search %+v: %v", req, err)
	}
	return res
}

func hitIDs(res *index.Result) []string {
	var ids []string
	for _, h := range res.Hits {
		if h.Policy != nil {
			ids = append(ids, h.Policy.ID)
		} else {
			ids = append(ids, h.Case.ID)
		}
	}
	return ids
}

func facetCount(res *index.Result, field, code string) int {
	for _, f := range res.Facets {
		if f.Field != field {
			continue
		}
		for _, v := range f.Values {
			if v.Code == code {
				return v.Count
			}
		}
	}
	return 0
}

// table14 lists the cases of table 1-4, the report's DeepSeek table.
var table14 = []string{"r2025-t1-4-beijing-bank", "r2025-t1-4-chengdu-bank", "r2025-t1-4-chongqing-bank", "r2025-t1-4-jiangsu-bank",
	"r2025-t1-4-qingdao-rcb", "r2025-t1-4-sushang-bank", "r2025-t1-4-zhongxin-baixin-bank"}

func containsAll(have, want []string) bool {
	for _, w := range want {
		if !slices.Contains(have, w) {
			return false
		}
	}
	return true
}

func TestSearchDeepSeekWithHighlightsAndFacets(t *testing.T) {
	_, ix := indextest.MustOpen(t)

	res := search(t, ix, index.Request{Text: "DeepSeek", Size: index.MaxSize})
	if !containsAll(hitIDs(res), table14) || int(res.Total) != len(res.Hits) {
		t.Fatalf("total %d, hits %v lack the cases of table 1-4", res.Total, hitIDs(res))
	}
	// Title matches outweigh body matches: the first hits name DeepSeek in their titles.
	for _, h := range res.Hits[:5] {
		if !strings.Contains(h.Case.Title.ZH+h.Case.Title.EN, "DeepSeek") {
			t.Errorf("hit %s ranks high without DeepSeek in its title: %q", h.Case.ID, h.Case.Title.ZH)
		}
	}
	for _, h := range res.Hits {
		joined := ""
		for field, frags := range h.Highlights {
			for _, f := range frags {
				if !strings.Contains(f, "<mark>") {
					t.Errorf("hit %s: %s fragment without a match: %q", h.Case.ID, field, f)
				}
			}
			joined += strings.Join(frags, " ")
		}
		if !strings.Contains(joined, "<mark>DeepSeek</mark>") {
			t.Errorf("hit %s highlights %v lack <mark>DeepSeek</mark>", h.Case.ID, h.Highlights)
		}
		if h.Case.Bank.Name == "" {
			t.Errorf("hit %s has no bank name", h.Case.ID)
		}
	}
	// Facet counts are those of the whole result set.
	types, ai := map[string]int{}, 0
	for _, h := range res.Hits {
		types[h.Case.Bank.Type]++
		if slices.Contains(h.Case.Themes, "ai") {
			ai++
		}
	}
	for code, want := range types {
		if got := facetCount(res, corpus.FacetBankType, code); got != want {
			t.Errorf("bank_type %s count %d, want %d", code, got, want)
		}
	}
	if got := facetCount(res, corpus.FacetTheme, "ai"); got != ai || ai < len(table14) {
		t.Errorf("theme ai count %d, want %d", got, ai)
	}
	if res.Query.Relaxed {
		t.Error("a one-word query was relaxed")
	}
}

func TestFiltersORWithinANDAcross(t *testing.T) {
	store, ix := indextest.MustOpen(t)

	// The store's own filter is the reference.
	for _, f := range []corpus.Filter{
		{corpus.FacetBankType: {"private", "rural_commercial"}},
		{corpus.FacetBankType: {"private", "rural_commercial"}, corpus.FacetRegion: {"jiangsu", "sichuan"}},
		{corpus.FacetTheme: {"ai", "xinchuang"}, corpus.FacetDimension: {"technology"}},
		{corpus.FacetBank: {"jiangsu-bank"}, corpus.FacetKind: {corpus.KindCase}},
	} {
		want, err := store.FindCases(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		res := search(t, ix, index.Request{Filter: f, Size: index.MaxSize})
		var wantIDs []string
		for _, c := range want {
			wantIDs = append(wantIDs, c.ID)
		}
		got := hitIDs(res)
		slices.Sort(got)
		if len(wantIDs) == 0 || !slices.Equal(got, wantIDs) {
			t.Errorf("filter %+v: got %v, want %v", f, got, wantIDs)
		}
	}
	// Labels typed in the query resolve to codes, like the parameters.
	res := search(t, ix, index.Request{Text: "bank_type:民营银行 DeepSeek"})
	if res.Total == 0 || !slices.Equal(res.Query.Filters[corpus.FacetBankType], []string{"private"}) {
		t.Fatalf("bank_type:民营银行 → %d hits, filters %+v", res.Total, res.Query.Filters)
	}
	for _, h := range res.Hits {
		if h.Case.Bank.Type != "private" {
			t.Errorf("hit %s is a %s bank", h.Case.ID, h.Case.Bank.Type)
		}
	}
}

func TestChineseBankTypeMatchesTagsNotSharedBigrams(t *testing.T) {
	_, ix := indextest.MustOpen(t)
	res := search(t, ix, index.Request{Text: "城商行 DeepSeek", Size: index.MaxSize})
	if res.Query.Relaxed {
		t.Fatal("strict query found nothing")
	}
	for _, h := range res.Hits[:4] {
		if h.Case.Bank.Type != "city_commercial" {
			t.Errorf("top hit %s is a %s", h.Case.ID, h.Case.Bank.Type)
		}
	}
	want := []string{"r2025-t1-4-beijing-bank", "r2025-t1-4-chengdu-bank", "r2025-t1-4-chongqing-bank", "r2025-t1-4-jiangsu-bank"}
	if !containsAll(hitIDs(res), want) {
		t.Fatalf("hits %v lack the city commercial banks of table 1-4", hitIDs(res))
	}
}

func TestRelaxedRetryWhenStrictFindsNothing(t *testing.T) {
	_, ix := indextest.MustOpen(t)
	plain := search(t, ix, index.Request{Text: "DeepSeek"})
	res := search(t, ix, index.Request{Text: "DeepSeek 无此词汇"})
	if !res.Query.Relaxed || res.Total != plain.Total {
		t.Fatalf("relaxed=%v total=%d, want a relaxed search with the %d DeepSeek cases", res.Query.Relaxed, res.Total, plain.Total)
	}
}

func TestExcludeAndPhrase(t *testing.T) {
	_, ix := indextest.MustOpen(t)
	all := search(t, ix, index.Request{Text: "DeepSeek", Size: index.MaxSize})
	res := search(t, ix, index.Request{Text: "DeepSeek -数字人", Size: index.MaxSize})
	if res.Total == 0 || res.Total >= all.Total || slices.Contains(hitIDs(res), "r2025-t1-4-qingdao-rcb") {
		t.Fatalf("exclusion: %d of %d: %v", res.Total, all.Total, hitIDs(res))
	}
	for _, h := range res.Hits {
		if strings.Contains(h.Case.Body+h.Case.Summary.ZH+h.Case.Title.ZH, "数字人") {
			t.Errorf("excluded word in %s", h.Case.ID)
		}
	}
	res = search(t, ix, index.Request{Text: `"智能代码助手"`})
	if ids := hitIDs(res); len(ids) == 0 || ids[0] != "r2025-t1-4-zhongxin-baixin-bank" {
		t.Fatalf("phrase: %v", ids)
	}
}

func TestBadInputIsInvalidNotInternal(t *testing.T) {
	_, ix := indextest.MustOpen(t)
	tests := []index.Request{
		{Text: `"DeepSeek`},
		{Text: `(DeepSeek`},
		{Text: `DeepSeek)`},
		{Text: `colour:red`},
		{Text: `theme:`},
		{Text: `/[/`},
		{Text: strings.Repeat("银", index.MaxQueryLength+1)},
		{Text: "a\x00b"},
		{Text: "\xff\xfe"},
		{Text: "year:abc"},
		{Text: "-theme:ai"},
		{Filter: corpus.Filter{corpus.FacetTheme: {"nonsense"}}},
		{Filter: corpus.Filter{corpus.FacetBank: {"no-such-bank"}}},
		{Page: -1},
		{Size: index.MaxSize + 1},
		{Page: 100000, Size: 100},
		{Page: math.MaxInt, Size: 100}, // page×size overflows
		{Page: math.MaxInt/100 + 1, Size: 100},
	}
	for _, req := range tests {
		_, err := ix.Search(ctx, req)
		if corpus.ErrorCode(err) != corpus.EINVALID {
			t.Errorf("%+q: err %v, want invalid", req.Text, err)
		}
	}
}

func TestHighlightsEscapeHostileText(t *testing.T) {
	store, ix := indextest.MustOpen(t)
	c := bolttest.NewCase("hostile", "jiangsu-bank", "恶意文本", `<script>alert(1)</script> 防火墙 <img src=x onerror=alert(2)>`)
	if _, err := store.CreateCase(ctx, c, "tester"); err != nil {
		t.Fatal(err)
	}
	if err := ix.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	res := search(t, ix, index.Request{Text: "防火墙"})
	if res.Total != 1 || res.Hits[0].Case.ID != "hostile" {
		t.Fatalf("total %d", res.Total)
	}
	body := strings.Join(res.Hits[0].Highlights["body"], "")
	if strings.Contains(body, "<script") || strings.Contains(body, "<img") || !strings.Contains(body, "&lt;script&gt;") || !strings.Contains(body, "<mark>防火墙</mark>") {
		t.Fatalf("highlight not escaped: %q", body)
	}
}

// closedIndex builds the index of a seeded store in dir and closes it, as a
// stopped server leaves them; deepSeek is how many records match DeepSeek.
func closedIndex(t *testing.T) (store *boltdb.Store, dir string, deepSeek uint64) {
	t.Helper()
	store, dir = bolttest.MustOpenStore(t, true), t.TempDir()
	ix := openAt(t, dir, store)
	deepSeek = search(t, ix, index.Request{Text: "DeepSeek"}).Total
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	return store, dir, deepSeek
}

// A write that reached the store but not the index (the process died in
// between) is applied when the index is next opened.
func TestCatchUpAfterCrashBetweenStoreAndIndex(t *testing.T) {
	store, dir, before := closedIndex(t)
	c := bolttest.NewCase("written-not-indexed", "chongqing-bank", "断电前写入的案例", "断电测试专用词汇 反洗钱")
	if _, err := store.CreateCase(ctx, c, "tester"); err != nil {
		t.Fatal(err)
	}
	if err := store.DeleteCase(ctx, "r2025-t1-4-beijing-bank", 0, "tester"); err != nil {
		t.Fatal(err)
	}
	ix := openAt(t, dir, store)
	defer ix.Close()
	if ids := hitIDs(search(t, ix, index.Request{Text: "断电测试专用词汇"})); !slices.Equal(ids, []string{"written-not-indexed"}) {
		t.Fatalf("after catch-up: %v", ids)
	}
	if res := search(t, ix, index.Request{Text: "DeepSeek"}); res.Total != before-1 || slices.Contains(hitIDs(res), "r2025-t1-4-beijing-bank") {
		t.Fatalf("deleted case still indexed: %d hits, %d before", res.Total, before)
	}
	applied, _ := ix.AppliedSeq()
	last, _ := store.LastSeq()
	if applied != last {
		t.Fatalf("applied seq %d, store seq %d", applied, last)
	}
}

func TestBankRenameReindexesItsCases(t *testing.T) {
	store, ix := indextest.MustOpen(t)
	b, _ := store.FindBankByID(ctx, "chengdu-bank")
	b.Aliases = append(b.Aliases, "蓉城银行测试别名")
	if err := store.PutBank(ctx, b, "admin"); err != nil {
		t.Fatal(err)
	}
	if err := ix.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	if ids := hitIDs(search(t, ix, index.Request{Text: "蓉城银行测试别名"})); !slices.Equal(ids, []string{"r2025-t1-4-chengdu-bank"}) {
		t.Fatalf("alias search: %v", ids)
	}
}

func TestCorruptIndexIsRebuilt(t *testing.T) {
	store, dir, want := closedIndex(t)
	meta := filepath.Join(dir, "index.bleve", "index_meta.json")
	if err := os.WriteFile(meta, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	ix := openAt(t, dir, store)
	defer ix.Close()
	if res := search(t, ix, index.Request{Text: "DeepSeek"}); res.Total != want {
		t.Fatalf("after rebuild: %d hits, want %d", res.Total, want)
	}
}

func TestParse(t *testing.T) {
	p, err := index.Parse(`城商行 "智能 客服" -数字人 theme:ai title:DeepSeek`)
	if err != nil {
		t.Fatal(err)
	}
	want := []index.Term{{Text: "城商行"}, {Text: "智能 客服", Phrase: true}, {Text: "数字人", Negate: true}, {Text: "DeepSeek", Field: "title"}}
	if !slices.Equal(p.Terms, want) {
		t.Fatalf("terms %+v, want %+v", p.Terms, want)
	}
	if !slices.Equal(p.Filters[corpus.FacetTheme], []string{"ai"}) {
		t.Fatalf("filters %+v", p.Filters)
	}
}

// A product name from each part of the report finds its case first.
func TestReportKeyPhrasesFindTheirCase(t *testing.T) {
	_, ix := indextest.MustOpen(t)
	for q, want := range map[string]string{
		"智慧Gini":  "r2025-t1-4-qingdao-rcb",                             // chapter 1, table 1-4
		"智慧Qimi":  "r2025-s1-2-2-qingdao-rcb",                           // chapter 1 text
		"个体深信贷":   "r2025-s2-4-2-anon-south-rural-commercial-ecosystem", // chapter 2 case study
		"数智杭银":    "r2025-t5-1-hangzhou-bank",                           // table 5-1
		"徽之道":     "r2025-t5-3-huishang-bank",                           // table 5-3
		"青银出海通":   "r2025-t5-4-qingdao-bank",                            // table 5-4
		"唐山市中小企业": "r2025-t5-6-tangshan-bank",                           // table 5-6
		"科创雷达":    "r2025-topic-3-jiangsu-bank",                         // special topic
		"鑫e科企":    "r2025-topic-2-nanjing-bank",                         // topic overview
	} {
		res := search(t, ix, index.Request{Text: q})
		if len(res.Hits) == 0 || res.Hits[0].Case == nil || res.Hits[0].Case.ID != want {
			t.Errorf("%s: first hits %v, want %s", q, hitIDs(res), want)
		}
	}
}
