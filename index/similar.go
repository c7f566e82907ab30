package index

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

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
// The lists of recently viewed cases are kept for the index generation
// (fresh: computed anyway); they are shared, callers must not change them.
func (ix *Index) SimilarCases(ctx context.Context, id string, n int, fresh bool) ([]Similar, error) {
	key := strconv.FormatUint(ix.engine.Generation()+ix.vocabGen.Load()<<32, 10) + ":" + strconv.Itoa(n) + ":" + id
	if sims, ok := ix.similar.get(key); ok && !fresh && !ix.noCache {
		return sims, nil
	}
	sims, err := ix.similarCases(ctx, id, n)
	if err == nil && !ix.noCache {
		ix.similar.put(key, sims)
	}
	return sims, err
}

// similarCacheSize bounds the lists kept (each a few shared cases).
const similarCacheSize = 2048

func (ix *Index) similarCases(ctx context.Context, id string, n int) ([]Similar, error) {
	c, err := ix.store.FindCaseByID(ctx, id)
	if err != nil {
		return nil, err
	}
	tax, err := ix.store.Taxonomy()
	if err != nil {
		return nil, err
	}
	like := &Like{ID: c.ID, Kind: corpus.KindCase}
	value := func(facet, value string, weight float64) {
		like.Values = append(like.Values, ValueWeight{Facet: facet, Value: value, Weight: weight})
	}
	for _, t := range c.Themes {
		value(corpus.FacetTheme, t, 3)
	}
	for _, d := range c.Dimensions {
		value(corpus.FacetDimension, d, 1)
	}
	value(corpus.FacetBankType, c.Bank.Type, 1.5)
	value(corpus.FacetRegion, c.Bank.Region, 1)
	names := distinct(slices.Concat(c.Technologies, c.Products, c.Partners))
	for _, name := range names[:min(len(names), maxSimilarNames)] {
		like.Text = append(like.Text, Alternative{Text: clip(name, maxPositionalRunes), Match: Phrase, Fields: []FieldWeight{{fieldNames, 2}}})
	}
	if c.Title.ZH != "" {
		like.Text = append(like.Text, Alternative{Text: clip(c.Title.ZH, maxTitleRunes), Match: AnyWord, Fields: []FieldWeight{{fieldSummaryZH, 1}}})
	}
	hits, err := ix.engine.Similar(ctx, like, n)
	if err != nil {
		return nil, fmt.Errorf("index: similar: %w", err)
	}
	ids := make([]string, len(hits))
	scores := map[string]float64{}
	for i, h := range hits {
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
	for _, name := range intersect(namesOf(a), namesOf(b)) {
		out = append(out, Reason{Kind: "name", Label: name})
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

// namesOf is a case's technologies, products and partners by lowercase
// name, each with its English name where the case pairs one by position.
func namesOf(c *corpus.Case) map[string]corpus.Text {
	m := map[string]corpus.Text{}
	for _, l := range [][2][]string{{c.Technologies, c.TechnologiesEN}, {c.Products, c.ProductsEN}, {c.Partners, c.PartnersEN}} {
		for i, s := range l[0] {
			t := corpus.Text{ZH: s, EN: s}
			if len(l[1]) == len(l[0]) && l[1][i] != "" {
				t.EN = l[1][i]
			}
			m[strings.ToLower(s)] = t
		}
	}
	return m
}

func intersect(a, b map[string]corpus.Text) []corpus.Text {
	var out []corpus.Text
	for k, v := range a {
		if _, ok := b[k]; ok {
			out = append(out, v)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ZH < out[j].ZH })
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
	themes, err := ix.facetValues(ctx, corpus.FacetBank, b.ID, corpus.FacetTheme)
	if err != nil {
		return nil, err
	}
	byBank := map[string][]string{}
	for _, t := range themes {
		others, err := ix.facetValues(ctx, corpus.FacetTheme, t, corpus.FacetBank)
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

// facetValues returns the values of one facet over the cases with a value
// of another, most frequent first.
func (ix *Index) facetValues(ctx context.Context, with, value, field string) ([]string, error) {
	p := &Plan{
		Filters: []Filter{{Facet: corpus.FacetKind, Values: []string{corpus.KindCase}}, {Facet: with, Values: []string{value}}},
		Tiers:   []Tier{{Require: RequireAll}},
	}
	ans, err := ix.engine.Run(ctx, p, Window{})
	if err != nil {
		return nil, fmt.Errorf("index: facet %s: %w", field, err)
	}
	var out []string
	for _, c := range ans.Facets[field] {
		out = append(out, c.Value)
	}
	return out, nil
}
