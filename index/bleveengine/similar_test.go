package bleveengine

import (
	"slices"
	"testing"

	"github.com/blevesearch/bleve/v2/search/query"

	"casebank/corpus"
	"casebank/corpus/boltdb/bolttest"
	"casebank/index"
)

// Similar cases read only the records that can reach the best; the lists
// are those of a pass over every record, for every case of a corpus whose
// tags repeat as a large one's do.
func TestSimilarPruningKeepsTheLists(t *testing.T) {
	store, ix, e := openGenerated(t, 1500, 7)
	defer ix.Close()
	cases, err := store.FindCases(ctx, corpus.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { similarPruning = true }()
	differ, compared := 0, 0
	for i, c := range cases {
		if i%7 != 0 { // a seventh of them keeps the test short
			continue
		}
		var lists [2][]string
		for j, prune := range []bool{false, true} {
			similarPruning = prune
			sims, err := ix.SimilarCases(ctx, c.ID, 6, true)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range sims {
				lists[j] = append(lists[j], s.Case.ID)
			}
		}
		compared++
		if !slices.Equal(lists[0], lists[1]) {
			differ++
			t.Errorf("%s: every record %v, pruned %v", c.ID, lists[0], lists[1])
		}
	}
	if compared < 200 {
		t.Fatalf("compared %d cases", compared)
	}
	// The candidates themselves: the fifty best by values alone, which the
	// lists above are ranked from, are the same records with the same scores.
	for i, c := range cases {
		if i%5 != 0 {
			continue
		}
		like := &index.Like{ID: c.ID, Kind: corpus.KindCase}
		for _, th := range c.Themes {
			like.Values = append(like.Values, index.ValueWeight{Facet: corpus.FacetTheme, Value: th, Weight: 3})
		}
		for _, d := range c.Dimensions {
			like.Values = append(like.Values, index.ValueWeight{Facet: corpus.FacetDimension, Value: d, Weight: 1})
		}
		like.Values = append(like.Values, index.ValueWeight{Facet: corpus.FacetBankType, Value: c.Bank.Type, Weight: 1.5},
			index.ValueWeight{Facet: corpus.FacetRegion, Value: c.Bank.Region, Weight: 1})
		var got [2][]index.Scored
		for j, prune := range []bool{false, true} {
			similarPruning = prune
			if got[j], err = e.Similar(ctx, like, similarCandidates); err != nil {
				t.Fatal(err)
			}
		}
		same := func(a, b index.Scored) bool { return a.ID == b.ID && a.Score == b.Score }
		if !slices.EqualFunc(got[0], got[1], same) || len(got[0]) != similarCandidates {
			t.Fatalf("%s: the candidates of every record %v, pruned %v", c.ID, got[0], got[1])
		}
	}
}

// A title's words score the candidates by its rarest ones that some record
// holds: the commonest bigrams are left out, and so are those in no record.
func TestSimilarTitleKeepsItsRarestWords(t *testing.T) {
	store := bolttest.MustOpenStore(t, true)
	_, e := openAt(t, t.TempDir(), store)
	r, err := e.reader()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	gen := e.gen.Load()
	title := "江苏银行数字化转型建设智能风控平台并推进普惠金融与科技金融服务鸿鹄量子"
	q := e.rarestWords(ctx, r, gen, title, index.FieldWeight{Field: "summary_zh", Weight: 1})
	dq, ok := q.(*query.DisjunctionQuery)
	if !ok || len(dq.Disjuncts) != maxTitleWords {
		t.Fatalf("%T with %v, want %d terms", q, q, maxTitleWords)
	}
	field := textFields["summary_zh"].Name
	var kept []uint64
	terms := map[string]bool{}
	for _, d := range dq.Disjuncts {
		tq := d.(*query.TermQuery)
		df, _ := e.docFreq(ctx, r, gen, field, tq.Term)
		if df == 0 {
			t.Errorf("%s is in no record but kept", tq.Term)
		}
		kept = append(kept, df)
		terms[tq.Term] = true
	}
	// Every word left out is at least as common as every word kept.
	for _, tok := range analyse(index.Chinese, title) {
		if df, _ := e.docFreq(ctx, r, gen, field, string(tok.Term)); !terms[string(tok.Term)] && df > 0 && df < slices.Max(kept) {
			t.Errorf("%s (in %d records) left out, but a word in %d kept", tok.Term, df, slices.Max(kept))
		}
	}
}

// A phrase among the candidates is looked for only in those holding all of
// its words: the lists and their scores are those of advancing bleve's
// phrase searcher to every candidate.
func TestSimilarPhrasePrefilterKeepsTheLists(t *testing.T) {
	store, ix, _ := openGenerated(t, 1500, 11)
	defer ix.Close()
	cases, err := store.FindCases(ctx, corpus.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	defer func(limit, share int) { phrasePrefilter, minRareLimit, rareShare = true, limit, share }(minRareLimit, rareShare)
	// Every phrase is searched among the candidates, as a common name's is
	// at 100,000 cases.
	minRareLimit, rareShare = 0, 1<<30
	named := 0
	for i, c := range cases {
		if i%5 != 0 {
			continue
		}
		if len(c.Products)+len(c.Technologies)+len(c.Partners) > 0 {
			named++
		}
		var lists [2][]index.Similar
		for j, on := range []bool{false, true} {
			phrasePrefilter = on
			if lists[j], err = ix.SimilarCases(ctx, c.ID, 6, true); err != nil {
				t.Fatal(err)
			}
		}
		same := func(a, b index.Similar) bool { return a.Case.ID == b.Case.ID && a.Score == b.Score }
		if !slices.EqualFunc(lists[0], lists[1], same) {
			t.Fatalf("%s: advancing to every candidate %v, to those with the words %v", c.ID, ids(lists[0]), ids(lists[1]))
		}
	}
	if named < 100 {
		t.Fatalf("only %d of the cases compared have names", named)
	}
}

func ids(sims []index.Similar) []string {
	out := make([]string, len(sims))
	for i, s := range sims {
		out[i] = s.Case.ID
	}
	return out
}
