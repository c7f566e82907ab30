package bleveengine

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"

	"casebank/corpus"
	"casebank/corpus/boltdb"
	"casebank/corpus/boltdb/bolttest"
	"casebank/index"
)

// Term-at-a-time search answers as bleve's searchers do: the same hits in
// the same order with the same scores (to rounding), the same totals,
// facet counts, inferred filters and unmatched words, for every judged
// query and more, on a corpus with several segments and deleted records.
func TestTermAtATimeScoresAsBleve(t *testing.T) {
	store, ix, e := openGenerated(t, 1200, 11)
	defer ix.Close()
	// Deleted and rewritten records, applied in small batches: segments
	// with deletions beside new ones.
	cases, err := store.FindCases(ctx, corpus.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range cases[:300] {
		switch i % 3 {
		case 0:
			if err := store.DeleteCase(ctx, c.ID, 0, "test"); err != nil {
				t.Fatal(err)
			}
		case 1:
			c.Title.ZH += " 数据治理"
			if _, err := store.UpdateCase(ctx, c, 0, "test"); err != nil {
				t.Fatal(err)
			}
		}
		if i%50 == 49 {
			if err := ix.CatchUp(ctx); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := ix.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	if r, v, err := e.snapshot(); err != nil {
		t.Fatal(err)
	} else {
		deleted := 0
		for _, d := range v.deleted {
			if d != nil {
				deleted++
			}
		}
		r.Close()
		if len(v.cols) < 2 || deleted == 0 {
			t.Fatalf("segments %d, with deletions %d: the test needs both", len(v.cols), deleted)
		}
	}
	judged, err := index.JudgedQueries()
	if err != nil {
		t.Fatal(err)
	}
	reqs := []index.Request{
		{Text: ""}, {Text: "DeepSeek"}, {Text: `"数据治理"`}, {Text: "数据治理 -DeepSeek"},
		{Text: "DeepSeek", Filter: corpus.Filter{corpus.FacetBankType: {"city_commercial"}}},
		{Text: "", Filter: corpus.Filter{corpus.FacetTheme: {"ai", "xinchuang"}, corpus.FacetRegion: {"zhejiang"}}},
		{Text: "数据治理", Filter: corpus.Filter{corpus.FacetBankType: {"city_commercial"}, corpus.FacetRegion: {"zhejiang"}}},
		{Text: "四川 农商行"}, {Text: "科技金融 农商行"}, {Text: "cross-border services for SMEs"},
		{Text: "元宇宙"}, {Text: "智能客服", Page: 3, Size: 7}, {Text: "DeepSeek", NoInfer: true},
	}
	for _, q := range judged {
		reqs = append(reqs, index.Request{Text: q.Q})
	}
	maxHeld := maxHeldPostings
	defer func() { maxHeldPostings = maxHeld }()
	for _, req := range reqs {
		req.Fresh = true
		var got [3]string
		var hits [3][]hitScore
		// bleve, term at a time, and a search past its postings budget,
		// which falls back to bleve.
		for i, way := range []struct {
			viaBleve bool
			budget   int
		}{{true, maxHeld}, {false, maxHeld}, {false, 4096}} {
			e.bleveSearch, maxHeldPostings = way.viaBleve, way.budget
			res, err := ix.Search(ctx, req)
			if err != nil {
				t.Fatalf("%q (bleve %v, budget %d): %v", req.Text, way.viaBleve, way.budget, err)
			}
			got[i], hits[i] = digest(res)
		}
		e.bleveSearch, maxHeldPostings = false, maxHeld
		for i, name := range []string{"term at a time", "past the budget"} {
			if got[0] != got[i+1] {
				t.Errorf("%q: bleve\n%s\n%s\n%s", req.Text, got[0], name, got[i+1])
			}
			if msg := sameRanking(hits[0], hits[i+1]); msg != "" {
				t.Errorf("%q (%s): %s", req.Text, name, msg)
			}
		}
	}
}

// Similar cases score their candidates' text term at a time too, as bleve did.
func TestTermAtATimeSimilarAsBleve(t *testing.T) {
	store, ix, e := openGenerated(t, 2000, 5)
	defer ix.Close()
	cases, err := store.FindCases(ctx, corpus.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	compared := 0
	for i, c := range cases {
		if i%9 != 0 {
			continue
		}
		var lists [2][]hitScore
		for j, viaBleve := range []bool{true, false} {
			e.bleveSearch = viaBleve
			sims, err := ix.SimilarCases(ctx, c.ID, 6, true)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range sims {
				lists[j] = append(lists[j], hitScore{s.Case.ID, s.Score})
			}
		}
		e.bleveSearch = false
		compared++
		if msg := sameRanking(lists[0], lists[1]); msg != "" {
			t.Errorf("%s: %s", c.ID, msg)
		}
	}
	if compared < 200 {
		t.Fatalf("compared %d cases", compared)
	}
}

// openGenerated opens a store of the embedded corpus and n generated cases
// (seed: the generator's) with its index; the caller closes the index.
func openGenerated(t *testing.T, n int, seed uint64) (*boltdb.Store, *index.Index, *Engine) {
	t.Helper()
	store := bolttest.MustOpenStore(t, true)
	base, err := corpus.DefaultCorpus()
	if err != nil {
		t.Fatal(err)
	}
	var jsonl bytes.Buffer
	enc := json.NewEncoder(&jsonl)
	for _, c := range corpus.Generate(base, n, seed) {
		if err := enc.Encode(c); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := store.ImportJSONL(ctx, &jsonl, corpus.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	ix, e := openAt(t, t.TempDir(), store)
	return store, ix, e
}

type hitScore struct {
	id    string
	score float64
}

// digest is a result without its hits' scores, and the hits' ids and scores.
func digest(res *index.Result) (string, []hitScore) {
	var hits []hitScore
	for _, list := range [][]index.Hit{res.Hits, res.Policies} {
		for i := range list {
			h := &list[i]
			id := ""
			if h.Case != nil {
				id = h.Case.ID
			} else if h.Policy != nil {
				id = h.Policy.ID
			}
			hits = append(hits, hitScore{id, h.Score})
			h.Score = 0
		}
		hits = append(hits, hitScore{"--", 0})
	}
	b, _ := json.Marshal(res)
	return string(b), hits
}

// sameRanking: the same ids at the same places with scores equal to
// rounding; neighbours whose scores are that close may trade places.
func sameRanking(a, b []hitScore) string {
	if len(a) != len(b) {
		return fmt.Sprintf("%d hits against %d", len(a), len(b))
	}
	close := func(x, y float64) bool { return math.Abs(x-y) <= 1e-9*math.Max(math.Abs(x), math.Abs(y)) }
	for i := range a {
		if a[i].id == b[i].id {
			if !close(a[i].score, b[i].score) {
				return fmt.Sprintf("%s: score %v against %v", a[i].id, a[i].score, b[i].score)
			}
			continue
		}
		swapped := i+1 < len(a) && a[i].id == b[i+1].id && a[i+1].id == b[i].id && close(a[i].score, a[i+1].score)
		prev := i > 0 && a[i].id == b[i-1].id && a[i-1].id == b[i].id && close(a[i].score, a[i-1].score)
		if !swapped && !prev {
			var ids [2][]string
			for j := range a {
				ids[0], ids[1] = append(ids[0], a[j].id), append(ids[1], b[j].id)
			}
			return fmt.Sprintf("order differs at %d:\n%s\n%s", i, strings.Join(ids[0], " "), strings.Join(ids[1], " "))
		}
	}
	return ""
}
