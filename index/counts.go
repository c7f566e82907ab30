package index

import (
	"context"
	"math"
	"slices"
	"strings"

	"casebank/corpus"
)

// CaseCounts are the number of cases in all, by bank, by bank type, by theme,
// by region and by dimension × bank type: what the stats pages and the bank
// list show.
type CaseCounts struct {
	Cases               int
	ByBank              map[string]int
	ByBankType          map[string]int
	ByTheme             map[string]int
	ByRegion            map[string]int
	ByDimensionBankType map[string]map[string]int
}

// CountCases counts in the engine, reading no record (loading every case
// took 3 s and 1.9 GB at 100,000 cases).
// The counts are shared with other callers until the next write: callers
// must not change them.
func (ix *Index) CountCases(ctx context.Context) (*CaseCounts, error) {
	gen := ix.engine.Generation() // before counting: a write during it counts again
	if c := ix.counts.Load(); c != nil && c.gen == gen && !ix.noCache {
		return c.counts, nil
	}
	n, err := ix.engine.Count(ctx, &CountRequest{
		Filters: []Filter{{Facet: corpus.FacetKind, Values: []string{corpus.KindCase}}},
		By:      []string{corpus.FacetBank, corpus.FacetBankType, corpus.FacetTheme, corpus.FacetRegion},
		Cross:   [2]string{corpus.FacetDimension, corpus.FacetBankType},
	})
	if err != nil {
		return nil, err
	}
	counts := &CaseCounts{Cases: n.Records, ByBank: n.By[corpus.FacetBank], ByBankType: n.By[corpus.FacetBankType],
		ByTheme: n.By[corpus.FacetTheme], ByRegion: n.By[corpus.FacetRegion], ByDimensionBankType: n.Cross}
	ix.counts.Store(&generationCounts{gen: gen, counts: counts})
	return counts, nil
}

// FindBank finds a bank by its id, its name or an alias, or its English
// name, as a bank filter reads them; ENOTFOUND names the value.
func (ix *Index) FindBank(ctx context.Context, given string) (*corpus.Bank, error) {
	voc, err := ix.vocabulary(ctx)
	if err != nil {
		return nil, err
	}
	if b, ok := voc.findBank(given); ok {
		return b, nil
	}
	return nil, corpus.Errorf(corpus.ENOTFOUND, "no bank %s", corpus.QuoteShort(given))
}

// CountKinds counts the indexed records of each kind (corpus.KindCase,
// corpus.KindPolicy) from the facet columns.
func (ix *Index) CountKinds(ctx context.Context) (map[string]int, error) {
	n, err := ix.engine.Count(ctx, &CountRequest{By: []string{corpus.FacetKind}})
	if err != nil {
		return nil, err
	}
	return n.By[corpus.FacetKind], nil
}

// BankCases returns a bank's cases in id order, found through the index
// rather than by reading every case of the store.
func (ix *Index) BankCases(ctx context.Context, bankID string) ([]*corpus.Case, error) {
	ids, _, err := ix.MatchIDs(ctx, Request{Filter: corpus.Filter{corpus.FacetBank: {bankID}}}, math.MaxInt32)
	if err != nil {
		return nil, err
	}
	slices.Sort(ids)
	return ix.listed(ctx, ids)
}

// BankDigest is what a comparison shows of a bank: its case counts by
// dimension and by theme, counted in the engine, and the first cases (in id
// order) of each dimension.
type BankDigest struct {
	Cases       int
	ByDimension map[string]int
	ByTheme     map[string]int
	First       map[string][]*corpus.Case // by dimension
}

// Reading a digest's first cases stops after this many records, so a bank
// with thousands of cases costs a bounded read; its counts stay exact.
const (
	digestReads = 256
	digestChunk = 32
)

// BankDigest counts a bank's cases without reading them and reads, in id
// order, only as many as it takes to find up to n of each dimension.
func (ix *Index) BankDigest(ctx context.Context, bankID string, n int) (*BankDigest, error) {
	counts, err := ix.engine.Count(ctx, &CountRequest{
		Filters: []Filter{{Facet: corpus.FacetKind, Values: []string{corpus.KindCase}}, {Facet: corpus.FacetBank, Values: []string{bankID}}},
		By:      []string{corpus.FacetDimension, corpus.FacetTheme},
	})
	if err != nil {
		return nil, err
	}
	d := &BankDigest{Cases: counts.Records, ByDimension: counts.By[corpus.FacetDimension], ByTheme: counts.By[corpus.FacetTheme],
		First: map[string][]*corpus.Case{}}
	short := 0 // cases still to find
	for _, k := range d.ByDimension {
		short += min(k, n)
	}
	if short == 0 {
		return d, nil
	}
	ids, _, err := ix.MatchIDs(ctx, Request{Filter: corpus.Filter{corpus.FacetBank: {bankID}}}, math.MaxInt32)
	if err != nil {
		return nil, err
	}
	slices.Sort(ids)
	ids = ids[:min(len(ids), digestReads)]
	for start := 0; start < len(ids) && short > 0; start += digestChunk {
		cases, err := ix.listed(ctx, ids[start:min(start+digestChunk, len(ids))])
		if err != nil {
			return nil, err
		}
		for _, c := range cases {
			for _, dim := range c.Dimensions {
				if len(d.First[dim]) < n {
					d.First[dim] = append(d.First[dim], c)
					short--
				}
			}
		}
	}
	return d, nil
}

// listed reads the cases a list shows (hits, similar cases, a bank's cases).
// A case damaged in the store is left out of the list and logged — its own
// page says it is damaged — rather than failing the page of every other.
func (ix *Index) listed(ctx context.Context, ids []string) ([]*corpus.Case, error) {
	cases, err := ix.store.ReadCases(ctx, ids)
	if corpus.ErrorCode(err) != corpus.EUNAVAILABLE {
		return cases, err
	}
	cases = cases[:0]
	for _, id := range ids {
		c, err := ix.store.ReadCases(ctx, []string{id})
		switch {
		case corpus.ErrorCode(err) == corpus.EUNAVAILABLE:
			ix.log.Error("a damaged case left out of a list", "id", id, "err", err)
		case err != nil:
			return nil, err
		default:
			cases = append(cases, c...)
		}
	}
	return cases, nil
}

// findBank reads a bank's id, name, alias or English name.
func (v *vocabulary) findBank(given string) (*corpus.Bank, bool) {
	if b, ok := v.bankByID[given]; ok {
		return b, true
	} else if b, ok := v.bankByName[corpus.NormalizeBankName(given)]; ok {
		return b, true
	}
	b, ok := v.bankByName[strings.ToLower(strings.TrimSpace(given))]
	return b, ok
}
