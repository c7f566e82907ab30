package index

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
)

//go:embed relevance/queries.json
var judgedJSON []byte

// JudgedQuery is a query of the relevance suite with graded judgments:
// 2 = exactly what the user wants, 1 = partly relevant, absent = not relevant.
type JudgedQuery struct {
	ID       string `json:"id"`
	Lang     string `json:"lang"` // en, zh or mixed
	Category string `json:"category"`
	// Set is SetTune or SetHeldOut: the suite was split once, and the
	// held-out half is never used to tune search.
	Set       string              `json:"set"`
	Q         string              `json:"q"`
	Filters   map[string][]string `json:"filters,omitempty"` // filters the query implies
	Judgments map[string]int      `json:"judgments"`
}

// JudgedQueries returns the embedded relevance suite.
func JudgedQueries() ([]JudgedQuery, error) {
	var doc struct {
		Queries []JudgedQuery `json:"queries"`
	}
	if err := json.Unmarshal(judgedJSON, &doc); err != nil {
		return nil, fmt.Errorf("relevance suite: %w", err)
	}
	return doc.Queries, nil
}

// The halves of the relevance suite.
const (
	SetTune    = "tune"
	SetHeldOut = "heldout"
)

// Ranked is a ranker's answer: case ids, best first, the filters it
// inferred as field=code pairs, and the words it says no case matched.
type Ranked struct {
	IDs       []string
	Inferred  []string
	Unmatched []string
	// NoneInside: filters were inferred and no hit meets them all.
	NoneInside bool
}

// Ranker answers a query.
type Ranker func(ctx context.Context, q string) (Ranked, error)

// QueryScore is one query's result in an evaluation.
type QueryScore struct {
	JudgedQuery
	NDCG          float64  `json:"ndcg10"`
	Recall        float64  `json:"recall10"`
	Hits          int      `json:"hits"`
	Top           []string `json:"top"`
	MissedFilters []string `json:"missed_filters"`
	Unmatched     []string `json:"unmatched"`
}

// Metrics are averages over a set of queries. A query no case answers (an
// impossible combination, judged with no case) is not averaged: Empty
// counts those, EmptyNamed those whose answer names the words that found
// nothing, or is empty, or shows that no hit meets the filters it read.
type Metrics struct {
	Empty         int     `json:"empty"`
	EmptyNamed    int     `json:"empty_named"`
	Queries       int     `json:"queries"`
	NDCG          float64 `json:"ndcg10"`
	Recall        float64 `json:"recall10"`
	NoHits        int     `json:"no_hits"`
	FilterQueries int     `json:"filter_queries"`
	FiltersFound  int     `json:"filters_inferred"`
}

// Evaluation is a ranker's score on the suite: overall, by language, by
// half (tune, heldout) and by half and language ("heldout/en").
type Evaluation struct {
	Queries []QueryScore       `json:"queries"`
	ByLang  map[string]Metrics `json:"by_lang"`
	BySet   map[string]Metrics `json:"by_set"`
	Overall Metrics            `json:"overall"`
}

// Evaluate runs every judged query through rank and computes nDCG@10 and
// recall@10 per query, per language and overall.
func Evaluate(ctx context.Context, rank Ranker, queries []JudgedQuery) (*Evaluation, error) {
	ev := &Evaluation{ByLang: map[string]Metrics{}, BySet: map[string]Metrics{}}
	all := map[string]Metrics{}
	for _, jq := range queries {
		r, err := rank(ctx, jq.Q)
		if err != nil {
			return nil, fmt.Errorf("query %s %q: %w", jq.ID, jq.Q, err)
		}
		qs := QueryScore{JudgedQuery: jq, Hits: len(r.IDs), MissedFilters: []string{}, Unmatched: r.Unmatched}
		qs.Top = r.IDs[:min(10, len(r.IDs))]
		qs.NDCG, qs.Recall = ndcgRecall(qs.Top, jq.Judgments)
		for field, codes := range jq.Filters {
			for _, code := range codes {
				if !slices.Contains(r.Inferred, field+"="+code) {
					qs.MissedFilters = append(qs.MissedFilters, field+"="+code)
				}
			}
		}
		sort.Strings(qs.MissedFilters)
		ev.Queries = append(ev.Queries, qs)
		for _, key := range []string{jq.Lang, "", "set:" + jq.Set, "set:" + jq.Set + "/" + jq.Lang} {
			m := all[key]
			if len(jq.Judgments) == 0 {
				m.Empty++
				if len(r.Unmatched) > 0 || len(r.IDs) == 0 || r.NoneInside {
					m.EmptyNamed++
				}
			} else {
				m.Queries++
				m.NDCG += qs.NDCG
				m.Recall += qs.Recall
				if qs.Hits == 0 {
					m.NoHits++
				}
			}
			if len(jq.Filters) > 0 {
				m.FilterQueries++
				if len(qs.MissedFilters) == 0 {
					m.FiltersFound++
				}
			}
			all[key] = m
		}
	}
	for key, m := range all {
		if m.Queries > 0 {
			m.NDCG /= float64(m.Queries)
			m.Recall /= float64(m.Queries)
		}
		switch {
		case key == "":
			ev.Overall = m
		case strings.HasPrefix(key, "set:"):
			ev.BySet[strings.TrimPrefix(key, "set:")] = m
		default:
			ev.ByLang[key] = m
		}
	}
	return ev, nil
}

// ndcgRecall scores a top-10 list against graded judgments, with gain
// 2^grade - 1 and the usual log2 discount.
func ndcgRecall(top []string, judged map[string]int) (float64, float64) {
	dcg := 0.0
	found := 0
	for i, id := range top {
		if g := judged[id]; g > 0 {
			dcg += (math.Pow(2, float64(g)) - 1) / math.Log2(float64(i+2))
			found++
		}
	}
	grades := make([]int, 0, len(judged))
	for _, g := range judged {
		if g > 0 {
			grades = append(grades, g)
		}
	}
	sort.Sort(sort.Reverse(sort.IntSlice(grades)))
	idcg := 0.0
	for i, g := range grades[:min(10, len(grades))] {
		idcg += (math.Pow(2, float64(g)) - 1) / math.Log2(float64(i+2))
	}
	if idcg == 0 || len(grades) == 0 {
		return 0, 0
	}
	return dcg / idcg, float64(found) / float64(len(grades))
}

// Ranker returns the index as a Ranker: the query as a user types it, with
// query understanding on, cases only.
func (ix *Index) Ranker() Ranker {
	return func(ctx context.Context, q string) (Ranked, error) {
		res, err := ix.Search(ctx, Request{Text: q, Size: 10})
		if err != nil {
			return Ranked{}, err
		}
		r := Ranked{IDs: make([]string, 0, len(res.Hits)), Unmatched: res.Query.Unmatched,
			NoneInside: len(res.Query.Inferred) > 0 && res.Inside == 0}
		for _, h := range res.Hits {
			r.IDs = append(r.IDs, h.Case.ID)
		}
		for _, in := range res.Query.Inferred {
			r.Inferred = append(r.Inferred, in.Field+"="+in.Code)
			for _, c := range in.Covers {
				r.Inferred = append(r.Inferred, in.Field+"="+c)
			}
		}
		return r, nil
	}
}
