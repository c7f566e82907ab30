package index_test

import (
	"slices"
	"strings"
	"testing"

	"casebank/corpus"
	"casebank/corpus/boltdb/bolttest"
	"casebank/index"
	"casebank/index/indextest"
)

func inferredPairs(res *index.Result) []string {
	var out []string
	for _, in := range res.Query.Inferred {
		out = append(out, in.Field+"="+in.Code)
	}
	slices.Sort(out)
	return out
}

func TestQueryUnderstandingExamples(t *testing.T) {
	_, ix := indextest.MustOpen(t)
	tests := []struct {
		q        string
		inferred []string
		text     string
		mustHit  []string
	}{
		{"DeepSeek deployments at city commercial banks", []string{"bank_type=city_commercial", "theme=ai"}, "DeepSeek deployments",
			[]string{"r2025-t1-4-jiangsu-bank", "r2025-t1-4-beijing-bank", "r2025-t1-4-chengdu-bank", "r2025-t1-4-chongqing-bank"}},
		{"城商行 DeepSeek", []string{"bank_type=city_commercial", "theme=ai"}, "DeepSeek",
			[]string{"r2025-t1-4-jiangsu-bank", "r2025-t1-4-beijing-bank", "r2025-t1-4-chengdu-bank", "r2025-t1-4-chongqing-bank"}},
		{"City Commercial Bank DEEPSEEK", []string{"bank_type=city_commercial", "theme=ai"}, "DEEPSEEK", []string{"r2025-t1-4-jiangsu-bank"}},
		{"tech finance at rural commercial banks", []string{"bank_type=rural_commercial", "theme=tech_finance"}, "",
			[]string{"r2025-topic-4-chongqing-rcb", "r2025-topic-4-guangzhou-rcb"}},
		{"四川 农商行", []string{"bank_type=rural_commercial", "region=sichuan"}, "", []string{"r2025-t5-5-chengdu-rcb"}},
		{"杭州银行 信创", []string{"bank=hangzhou-bank", "theme=xinchuang"}, "", []string{"r2025-t5-3-hangzhou-bank"}},
		{"rural banks in Zhejiang", []string{"bank_type=rural_commercial", "region=zhejiang"}, "", []string{"r2025-topic-4-zhejiang-rural-union-bank"}},
	}
	for _, tt := range tests {
		res := search(t, ix, index.Request{Text: tt.q, Size: index.MaxSize})
		if got := inferredPairs(res); !slices.Equal(got, tt.inferred) {
			t.Errorf("%q: inferred %v, want %v", tt.q, got, tt.inferred)
		}
		if res.Query.Text != tt.text {
			t.Errorf("%q: text %q, want %q", tt.q, res.Query.Text, tt.text)
		}
		if !containsAll(hitIDs(res), tt.mustHit) {
			t.Errorf("%q: hits %v lack %v", tt.q, hitIDs(res), tt.mustHit)
		}
		// Inferred filters rank: the hits that meet them all come first,
		// each marked with what it meets, the others after them.
		if res.Inside == 0 || res.Inside > res.Total {
			t.Errorf("%q: %d of %d hits inside the inferred filters", tt.q, res.Inside, res.Total)
		}
		for i, h := range res.Hits {
			if h.Case == nil {
				t.Errorf("%q: policy %s among the cases", tt.q, h.Policy.ID)
				continue
			}
			breaks := 0
			for _, in := range res.Query.Inferred {
				if in.Field == corpus.FacetBankType && h.Case.Bank.Type != in.Code || in.Field == corpus.FacetRegion && h.Case.Bank.Region != in.Code ||
					in.Field == corpus.FacetTheme && !slices.Contains(h.Case.Themes, in.Code) || in.Field == corpus.FacetBank && h.Case.Bank.ID != in.Code {
					breaks++
					if i < int(res.Inside) {
						t.Errorf("%q: hit %d %s breaks inferred %s=%s", tt.q, i, h.Case.ID, in.Field, in.Code)
					}
				}
			}
			if len(h.Outside) != breaks || len(h.Matched)+len(h.Outside) != len(res.Query.Inferred) {
				t.Errorf("%q: hit %s marked matched %v outside %v, breaks %d", tt.q, h.Case.ID, h.Matched, h.Outside, breaks)
			}
			if i >= int(res.Inside) && breaks == 0 {
				t.Errorf("%q: hit %d %s after the inside ones meets every filter", tt.q, i, h.Case.ID)
			}
		}
		for _, in := range res.Query.Inferred {
			if in.Words == "" || in.Label.ZH == "" || !strings.Contains(strings.ToLower(tt.q), strings.ToLower(strings.Fields(in.Words)[0])) {
				t.Errorf("%q: inferred %+v does not name its words", tt.q, in)
			}
		}
	}
}

func TestInferenceCanBeTurnedOffAndExplicitFiltersWin(t *testing.T) {
	_, ix := indextest.MustOpen(t)
	res := search(t, ix, index.Request{Text: "城商行 DeepSeek", NoInfer: true, Size: index.MaxSize})
	if len(res.Query.Inferred) != 0 {
		t.Fatalf("infer=false inferred %v", inferredPairs(res))
	}
	res = search(t, ix, index.Request{Text: "城商行 DeepSeek", Filter: corpus.Filter{corpus.FacetBankType: {"private"}}, Size: index.MaxSize})
	// DeepSeek still names its theme; the bank type is the user's.
	if got := inferredPairs(res); !slices.Equal(got, []string{"theme=ai"}) || res.Total == 0 {
		t.Fatalf("explicit filter: inferred %v, %d hits", got, res.Total)
	}
	for _, h := range res.Hits {
		if h.Case.Bank.Type != "private" {
			t.Errorf("hit %s is %s", h.Case.ID, h.Case.Bank.Type)
		}
	}
	res = search(t, ix, index.Request{Text: "四川 农商行", NoInferFields: []string{corpus.FacetRegion}, Size: index.MaxSize})
	if got := inferredPairs(res); !slices.Equal(got, []string{"bank_type=rural_commercial"}) {
		t.Fatalf("noinfer=region: %v", got)
	}
}

// 城商行 searched as text must not match a case that only says 农商行: the
// two share the bigram 商行, and a Chinese word needs all its bigrams (城商 too).
func TestChineseRunsMatchAsPhrases(t *testing.T) {
	_, ix := indextest.MustOpen(t)
	res := search(t, ix, index.Request{Text: "城商行", NoInfer: true, Size: index.MaxSize})
	if res.Total == 0 {
		t.Fatal("no hits")
	}
	for _, h := range res.Hits {
		c := h.Case
		if c == nil {
			continue // a policy
		}
		text := c.Title.ZH + c.Summary.ZH + c.Body + c.Outcome + c.Pattern
		if c.Bank.Type != "city_commercial" && !strings.Contains(text, "城商行") {
			t.Errorf("hit %s (%s) does not say 城商行", c.ID, c.Bank.Type)
		}
	}
}

func TestSimilarCasesAndPeers(t *testing.T) {
	_, ix := indextest.MustOpen(t)
	sims, err := ix.SimilarCases(ctx, "r2025-t5-3-hangzhou-bank", 5, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(sims) == 0 {
		t.Fatal("no similar cases")
	}
	for _, s := range sims {
		if s.Case.ID == "r2025-t5-3-hangzhou-bank" || len(s.Reasons) == 0 {
			t.Errorf("similar %s: reasons %v", s.Case.ID, s.Reasons)
		}
	}
	// The first shares the case's themes: a xinchuang core system.
	first := sims[0].Case
	if !slices.Contains(first.Themes, "xinchuang") {
		t.Errorf("first similar %s has themes %v", first.ID, first.Themes)
	}
	if _, err := ix.SimilarCases(ctx, "no-such-case", 5, false); corpus.ErrorCode(err) != corpus.ENOTFOUND {
		t.Fatalf("unknown case: %v", err)
	}

	peers, err := ix.PeerBanks(ctx, "chengdu-rcb", 5)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, p := range peers {
		ids = append(ids, p.Bank.ID)
		if len(p.Reasons) == 0 || p.Bank.ID == "chengdu-rcb" {
			t.Errorf("peer %s: %v", p.Bank.ID, p.Reasons)
		}
	}
	// A rural bank in Sichuan: the Sichuan rural union bank is its closest peer.
	if len(ids) == 0 || ids[0] != "sichuan-rural-union-bank" {
		t.Fatalf("peers %v", ids)
	}
}

func TestSuggest(t *testing.T) {
	_, ix := indextest.MustOpen(t)
	for prefix, want := range map[string]string{"智慧G": "智慧Gini", "bank of ji": "Bank of Jiangsu", "信创": "信创", "city com": "city commercial"} {
		got, err := ix.Suggest(ctx, prefix, 10)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, s := range got {
			found = found || strings.HasPrefix(s.Text, want)
		}
		if !found {
			t.Errorf("%q: %+v lacks %q", prefix, got, want)
		}
	}
	if got, _ := ix.Suggest(ctx, "", 10); len(got) != 0 {
		t.Errorf("empty prefix: %v", got)
	}
	// A city with banks of the registry is offered; one without is not.
	hasCity := func(prefix, city string) bool {
		got, _ := ix.Suggest(ctx, prefix, 20)
		return slices.ContainsFunc(got, func(s index.Suggestion) bool { return s.Kind == corpus.FacetCity && s.Code == city })
	}
	if !hasCity("shenz", "深圳") || !hasCity("深圳", "深圳") {
		t.Error("Shenzhen, where several banks are, is not offered")
	}
	if hasCity("拉萨", "拉萨") {
		t.Error("Lhasa, where no bank of the registry is, is offered")
	}
	if _, err := ix.Suggest(ctx, strings.Repeat("x", index.MaxSuggestPrefix+1), 10); corpus.ErrorCode(err) != corpus.EINVALID {
		t.Errorf("long prefix: %v", err)
	}
}

// Facets count OR within a field: with 城商行 chosen, the bank-type facet
// still offers the other types with the counts they would add.
func TestDisjunctiveFacets(t *testing.T) {
	_, ix := indextest.MustOpen(t)
	all := search(t, ix, index.Request{Text: "DeepSeek", NoInfer: true})
	res := search(t, ix, index.Request{Text: "DeepSeek", Filter: corpus.Filter{corpus.FacetBankType: {"city_commercial"}}})
	for _, h := range res.Hits {
		if h.Case.Bank.Type != "city_commercial" {
			t.Fatalf("hit %s is %s", h.Case.ID, h.Case.Bank.Type)
		}
	}
	for _, code := range []string{"city_commercial", "rural_commercial"} {
		if got, want := facetCount(res, corpus.FacetBankType, code), facetCount(all, corpus.FacetBankType, code); got != want || want == 0 {
			t.Errorf("bank_type %s: %d with the filter, %d without", code, got, want)
		}
	}
	// Other facets count the filtered result.
	if got := facetCount(res, corpus.FacetTheme, "ai"); got > int(res.Total) {
		t.Errorf("theme ai %d > %d hits", got, res.Total)
	}
}

// Cached answers never outlive a change: a write that the index applied is
// in the next answer to the same search.
func TestResultCacheFollowsWrites(t *testing.T) {
	store, ix := indextest.MustOpen(t)
	before := search(t, ix, index.Request{Text: "DeepSeek"})
	again := search(t, ix, index.Request{Text: "DeepSeek"})
	if again.Total != before.Total {
		t.Fatal("cached answer differs")
	}
	c := bolttest.NewCase("cache-check", "jiangsu-bank", "缓存测试 DeepSeek", "DeepSeek 缓存测试")
	if _, err := store.CreateCase(ctx, c, "t"); err != nil {
		t.Fatal(err)
	}
	if err := ix.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	after := search(t, ix, index.Request{Text: "DeepSeek", Size: index.MaxSize})
	if after.Total != before.Total+1 || !slices.Contains(hitIDs(after), "cache-check") {
		t.Fatalf("after a write: %d hits (was %d)", after.Total, before.Total)
	}
	// A new bank alias changes what a query means, and the answer with it.
	b, _ := store.FindBankByID(ctx, "jiangsu-bank")
	b.Aliases = append(b.Aliases, "苏行测试别名")
	store.PutBank(ctx, b, "t")
	if err := ix.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	res := search(t, ix, index.Request{Text: "苏行测试别名"})
	if len(res.Query.Inferred) != 1 || res.Query.Inferred[0].Code != "jiangsu-bank" {
		t.Fatalf("new alias not understood: %+v", res.Query.Inferred)
	}
}

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
	twin.ProductsEN, twin.TechnologiesEN, twin.PartnersEN = nil, nil, nil
	if _, err := store.CreateCase(ctx, &twin, "ed"); err != nil {
		t.Fatal(err)
	}
	base.Products = append(base.Products, "测试用稀有产品名")
	if len(base.ProductsEN) > 0 {
		base.ProductsEN = append(base.ProductsEN, "a rare test product")
	}
	for range 2 { // two edits: two older versions in the index's segments
		base.Outcome += "。"
		if base, err = store.UpdateCase(ctx, base, base.Version, "ed"); err != nil {
			t.Fatal(err)
		}
		if err := ix.CatchUp(ctx); err != nil {
			t.Fatal(err)
		}
	}
	sims, err := ix.SimilarCases(ctx, base.ID, 8, false)
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

// A theme a model names ranks its cases, but a DeepSeek case without the
// tag is still inside: the search is about every DeepSeek case.
func TestImpliedThemeDoesNotSplitTheResults(t *testing.T) {
	store, ix := indextest.MustOpen(t)
	// A DeepSeek case tagged with another theme only.
	c := bolttest.NewCase("untagged-deepseek", "jiangsu-bank", "某行用DeepSeek整理会议纪要", "该行把DeepSeek用于整理内部会议纪要。")
	c.Themes = []string{"channels"}
	if _, err := store.CreateCase(ctx, c, "tester"); err != nil {
		t.Fatal(err)
	}
	if err := ix.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	res := search(t, ix, index.Request{Text: "DeepSeek", Size: index.MaxSize})
	if !slices.Contains(hitIDs(res), "untagged-deepseek") {
		t.Fatalf("the untagged case is not found: %v", hitIDs(res))
	}
	if got := inferredPairs(res); !slices.Equal(got, []string{"theme=ai"}) {
		t.Fatalf("inferred %v, want theme=ai", got)
	}
	if res.Inside != res.Total {
		t.Errorf("inside %d of %d", res.Inside, res.Total)
	}
	for _, h := range res.Hits {
		if len(h.Outside) > 0 {
			t.Errorf("hit %s outside %v", h.Case.ID, h.Outside)
		}
	}
	ids, n, err := ix.MatchIDs(ctx, index.Request{Text: "DeepSeek"}, 1000)
	if err != nil || n != res.Total || len(ids) != int(res.Total) {
		t.Errorf("MatchIDs: %d ids, total %d, err %v; the search has %d", len(ids), n, err, res.Total)
	}
}

// A city's name ranks its banks' cases first and its province's next; an
// English name two cities share means both, and an ordinary word that is
// also a city's name (合作) stays a word.
func TestCityNamesRankTheirBanksFirst(t *testing.T) {
	_, ix := indextest.MustOpen(t)
	res := search(t, ix, index.Request{Text: "成都的银行", Size: 10})
	if got := inferredPairs(res); !slices.Equal(got, []string{"city=成都", "region=sichuan"}) {
		t.Fatalf("成都的银行: inferred %v", got)
	}
	ids := hitIDs(res)
	if len(ids) < 3 || !strings.Contains(ids[0], "chengdu") || !strings.Contains(ids[1], "chengdu") {
		t.Errorf("成都的银行: hits %v, want the Chengdu banks' cases first", ids)
	}
	// Sichuan's other banks follow the Chengdu ones.
	if !slices.Contains(ids, "r2025-t5-1-sichuan-tianfu-bank") {
		t.Errorf("成都的银行: hits %v lack Sichuan Tianfu Bank", ids)
	}
	// A hit says it meets the province only when its bank is there.
	res = search(t, ix, index.Request{Text: "成都的银行 大模型", Size: 30})
	for _, h := range res.Hits {
		inSichuan := slices.Contains(h.Matched, index.FilterRef{Field: corpus.FacetRegion, Code: "sichuan"})
		if h.Case != nil && inSichuan != (h.Case.Bank.Region == "sichuan") {
			t.Errorf("%s (bank in %s): matched %v", h.Case.ID, h.Case.Bank.Region, h.Matched)
		}
	}

	res = search(t, ix, index.Request{Text: "banks in Hangzhou", Size: 5})
	if got := inferredPairs(res); !slices.Equal(got, []string{"city=杭州", "region=zhejiang"}) {
		t.Errorf("banks in Hangzhou: inferred %v", got)
	}
	for _, id := range hitIDs(res)[:3] {
		if !strings.Contains(id, "hangzhou") {
			t.Errorf("banks in Hangzhou: %s among the first three", id)
		}
	}

	res = search(t, ix, index.Request{Text: "Taizhou", Size: 5})
	for _, in := range res.Query.Inferred {
		if in.Field == corpus.FacetCity && !(slices.Contains(in.Covers, "台州") && slices.Contains(in.Covers, "泰州")) {
			t.Errorf("Taizhou covers %v, want both cities", in.Covers)
		}
		if in.Field == corpus.FacetRegion && !(slices.Contains(in.Covers, "zhejiang") && slices.Contains(in.Covers, "jiangsu")) {
			t.Errorf("Taizhou's provinces %v, want Zhejiang and Jiangsu", in.Covers)
		}
	}

	res = search(t, ix, index.Request{Text: "合作", Size: 5})
	if got := inferredPairs(res); len(got) != 0 || res.Total == 0 {
		t.Errorf("合作: inferred %v, %d hits; want a plain word that finds cases", got, res.Total)
	}
}

// A glossary phrase that begins with a theme's name is about the theme
// (AI CFO, 跨境电商), the rest of its ring is not (电商), and a head word
// or a look-alike plural says nothing (green channel, securities).
func TestThemeNameInsideAPhraseRanksTheTheme(t *testing.T) {
	_, ix := indextest.MustOpen(t)
	for q, want := range map[string][]string{
		"AI CFO":           {"theme=ai"},
		"跨境电商":             {"theme=cross_border"},
		"电商平台":             nil,
		"green channel":    nil,
		"securities firms": nil,
	} {
		res := search(t, ix, index.Request{Text: q, Size: 5})
		if got := inferredPairs(res); !slices.Equal(got, want) {
			t.Errorf("%q: inferred %v, want %v", q, got, want)
		}
	}
}

// A word no record has is pruned from the query; once a record has it, the
// next search finds it (what the index holds is remembered per generation).
func TestAbsentWordFoundOnceWritten(t *testing.T) {
	store, ix := indextest.MustOpen(t)
	for _, q := range []string{"鸿鹄量子", "quokkafintech"} {
		if res := search(t, ix, index.Request{Text: q, Fresh: true}); res.Total != 0 {
			t.Fatalf("%s: %d hits before the write", q, res.Total)
		}
	}
	c := bolttest.NewCase("absent-check", "jiangsu-bank", "鸿鹄量子平台", "鸿鹄量子 quokkafintech 平台上线")
	if _, err := store.CreateCase(ctx, c, "t"); err != nil {
		t.Fatal(err)
	}
	if err := ix.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"鸿鹄量子", "quokkafintech"} {
		if res := search(t, ix, index.Request{Text: q, Fresh: true}); !slices.Contains(hitIDs(res), "absent-check") {
			t.Errorf("%s after the write: hits %v", q, hitIDs(res))
		}
	}
}

// A viewed case's similar cases are kept until the next write: a twin of the
// case written after the first view is among them at the next.
func TestSimilarListsFollowWrites(t *testing.T) {
	store, ix := indextest.MustOpen(t)
	const id = "r2025-t5-3-hangzhou-bank"
	first, err := ix.SimilarCases(ctx, id, 5, false)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := ix.SimilarCases(ctx, id, 5, false)
	if len(again) != len(first) || len(first) == 0 || &again[0] != &first[0] {
		t.Fatal("the second view computed its list again")
	}
	orig, err := store.FindCaseByID(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	twin := *orig
	twin.ID, twin.Version = "hangzhou-twin", 0
	if _, err := store.CreateCase(ctx, &twin, "t"); err != nil {
		t.Fatal(err)
	}
	if err := ix.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	after, err := ix.SimilarCases(ctx, id, 5, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(after) == 0 || after[0].Case.ID != "hangzhou-twin" {
		var ids []string
		for _, s := range after {
			ids = append(ids, s.Case.ID)
		}
		t.Fatalf("after the twin was written: %v", ids)
	}
	// Fresh computes anew, to the same list.
	fresh, _ := ix.SimilarCases(ctx, id, 5, true)
	if len(fresh) != len(after) || &fresh[0] == &after[0] || fresh[0].Case.ID != after[0].Case.ID {
		t.Fatal("a fresh list was not computed anew")
	}
}
