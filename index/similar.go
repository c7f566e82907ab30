package index

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"casebank/corpus"
)

// Reason says what a similar case or a peer bank shares with the one asked about.
type Reason struct {
	Kind  string      `json:"kind"` // theme, dimension, bank_type, region, name
	Code  string      `json:"code,omitempty"`
	Label corpus.Text `json:"label"`
}

// Similar is a case like another, with why.
type Similar struct {
	Case    *corpus.Case `json:"-"`
	Score   float64      `json:"score"`
	Reasons []Reason     `json:"reasons"`
}

// SimilarCases returns up to n cases that share themes, dimensions, bank
// type or region with the case and whose text is alike, best first.
func (ix *Index) SimilarCases(ctx context.Context, id string, n int) ([]Similar, error) {
	c, err := ix.store.FindCaseByID(ctx, id)
	if err != nil {
		return nil, err
	}
	tax, err := ix.store.Taxonomy()
	if err != nil {
		return nil, err
	}
	var should []query.Query
	term := func(field, value string, boost float64) {
		q := bleve.NewTermQuery(value)
		q.SetField(field)
		q.SetBoost(boost)
		should = append(should, q)
	}
	for _, t := range c.Themes {
		term(corpus.FacetTheme, t, 3)
	}
	for _, d := range c.Dimensions {
		term(corpus.FacetDimension, d, 1)
	}
	term(corpus.FacetBankType, c.Bank.Type, 1.5)
	term(corpus.FacetRegion, c.Bank.Region, 1)
	names := distinct(slices.Concat(c.Technologies, c.Products, c.Partners))
	for _, name := range names[:min(len(names), maxSimilarNames)] {
		should = append(should, phraseQuery(namesField, clip(name, maxPositionalRunes), 2))
	}
	if c.Title.ZH != "" {
		mq := bleve.NewMatchQuery(clip(c.Title.ZH, maxTitleRunes))
		mq.SetField(fieldSummaryZH)
		should = append(should, mq)
	}
	self := bleve.NewDocIDQuery([]string{c.ID})
	kind := bleve.NewTermQuery(corpus.KindCase)
	kind.SetField(corpus.FacetKind)
	bq := bleve.NewBooleanQuery()
	bq.AddMust(kind)
	bq.AddShould(should...)
	bq.SetMinShould(1)
	bq.AddMustNot(self)
	sr := bleve.NewSearchRequestOptions(bq, n, 0, false)
	sr.SortBy([]string{"-_score", "_id"})
	bctx, cancel := budgeted(ctx)
	defer cancel()
	res, err := ix.bleve.SearchInContext(bctx, sr)
	if err != nil {
		return nil, fmt.Errorf("index: similar: %w", budgetError(ctx, err))
	}
	ids := make([]string, len(res.Hits))
	scores := map[string]float64{}
	for i, h := range res.Hits {
		ids[i] = h.ID
		scores[h.ID] = h.Score
	}
	cases, err := ix.listed(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := []Similar{}
	for _, other := range cases {
		reasons := shared(tax, c, other)
		if len(reasons) == 0 {
			continue
		}
		out = append(out, Similar{Case: other, Score: scores[other.ID], Reasons: reasons})
	}
	return out, nil
}

// shared lists what two cases have in common, most specific first.
func shared(tax *corpus.Taxonomy, a, b *corpus.Case) []Reason {
	var out []Reason
	for _, name := range intersect(lowerAll(a.Technologies, a.Products, a.Partners), lowerAll(b.Technologies, b.Products, b.Partners)) {
		out = append(out, Reason{Kind: "name", Label: corpus.Text{ZH: name, EN: name}})
	}
	for _, t := range a.Themes {
		if slices.Contains(b.Themes, t) {
			out = append(out, labelled(tax, corpus.FacetTheme, t))
		}
	}
	if a.Bank.Type == b.Bank.Type {
		out = append(out, labelled(tax, corpus.FacetBankType, a.Bank.Type))
	}
	if near := corpus.RegionsNear(a.Bank.Region, b.Bank.Region); near == "same" {
		out = append(out, labelled(tax, corpus.FacetRegion, a.Bank.Region))
	}
	for _, d := range a.Dimensions {
		if slices.Contains(b.Dimensions, d) {
			out = append(out, labelled(tax, corpus.FacetDimension, d))
		}
	}
	return out
}

func labelled(tax *corpus.Taxonomy, kind, code string) Reason {
	r := Reason{Kind: kind, Code: code, Label: corpus.Text{ZH: code, EN: code}}
	if v, ok := tax.Lookup(kind, code); ok {
		r.Label = corpus.Text{ZH: v.ZH, EN: v.EN}
	}
	return r
}

func lowerAll(lists ...[]string) map[string]string {
	m := map[string]string{}
	for _, l := range lists {
		for _, s := range l {
			m[strings.ToLower(s)] = s
		}
	}
	return m
}

func intersect(a, b map[string]string) []string {
	var out []string
	for k, v := range a {
		if _, ok := b[k]; ok {
			out = append(out, v)
		}
	}
	sort.Strings(out)
	return out
}

// Peer is a bank like another, with why.
type Peer struct {
	Bank    *corpus.Bank `json:"bank"`
	Score   float64      `json:"score"`
	Reasons []Reason     `json:"reasons"`
}

// PeerBanks returns up to n banks like the given one: same type (3 points),
// same region (4) or a neighbouring one (1.5), and cases on the same themes
// (3 points shared out over the bank's themes). Banks that share
// nothing are left out.
func (ix *Index) PeerBanks(ctx context.Context, bankID string, n int) ([]Peer, error) {
	voc, err := ix.vocabulary(ctx)
	if err != nil {
		return nil, err
	}
	b, ok := voc.bankByID[bankID]
	if !ok {
		return nil, corpus.Errorf(corpus.ENOTFOUND, "bank %q not found", bankID)
	}
	tax, banks := voc.tax, voc.banks
	// The bank's themes, then which banks have cases on each: one faceted
	// search per theme, so the cost does not grow with the corpus.
	themes, err := ix.facetValues(ctx, unscoredTerms(corpus.FacetBank, []string{b.ID}), corpus.FacetTheme)
	if err != nil {
		return nil, err
	}
	byBank := map[string][]string{}
	for _, t := range themes {
		others, err := ix.facetValues(ctx, unscoredTerms(corpus.FacetTheme, []string{t}), corpus.FacetBank)
		if err != nil {
			return nil, err
		}
		for _, o := range others {
			byBank[o] = append(byBank[o], t)
		}
	}
	var peers []Peer
	for _, o := range banks {
		if o.ID == b.ID {
			continue
		}
		p := Peer{Bank: o}
		if o.Type == b.Type {
			p.Score += 3
			p.Reasons = append(p.Reasons, labelled(tax, corpus.FacetBankType, o.Type))
		}
		switch corpus.RegionsNear(b.Region, o.Region) {
		case "same":
			p.Score += 4
			p.Reasons = append(p.Reasons, labelled(tax, corpus.FacetRegion, o.Region))
		case "neighbour":
			p.Score += 1.5
			r := labelled(tax, corpus.FacetRegion, o.Region)
			r.Kind = "nearby_region"
			p.Reasons = append(p.Reasons, r)
		}
		for _, t := range byBank[o.ID] {
			p.Score += 3 / float64(len(themes))
			p.Reasons = append(p.Reasons, labelled(tax, corpus.FacetTheme, t))
		}
		if p.Score > 0 {
			peers = append(peers, p)
		}
	}
	sort.SliceStable(peers, func(i, j int) bool {
		if peers[i].Score != peers[j].Score {
			return peers[i].Score > peers[j].Score
		}
		return peers[i].Bank.ID < peers[j].Bank.ID
	})
	if len(peers) > n {
		peers = peers[:n]
	}
	if peers == nil {
		peers = []Peer{}
	}
	return peers, nil
}

// facetValues returns the codes of one facet over the cases matching q.
func (ix *Index) facetValues(ctx context.Context, q query.Query, field string) ([]string, error) {
	er, err := ix.exec(ctx, q, []clause{{field: corpus.FacetKind, codes: []string{corpus.KindCase}}}, 0, 0)
	if err != nil {
		return nil, fmt.Errorf("index: facet %s: %w", field, err)
	}
	var out []string
	for _, c := range er.facet[field] {
		out = append(out, c.code)
	}
	return out, nil
}
