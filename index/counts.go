package index

import (
	"context"
	"fmt"
	"math"
	"slices"

	"casebank/corpus"
)

// CaseCounts are the number of cases in all, by bank, by bank type, by theme
// and by dimension × bank type: what the stats pages and the bank list show.
type CaseCounts struct {
	Cases               int
	ByBank              map[string]int
	ByBankType          map[string]int
	ByTheme             map[string]int
	ByDimensionBankType map[string]map[string]int
}

// CountCases counts from the facet columns the index keeps in memory: one
// pass over the values of every live record, reading no record (loading
// every case took 3 s and 1.9 GB at 100,000 cases).
func (ix *Index) CountCases(ctx context.Context) (*CaseCounts, error) {
	adv, err := ix.bleve.Advanced()
	if err != nil {
		return nil, fmt.Errorf("index: %w", err)
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, fmt.Errorf("index: reader: %w", err)
	}
	defer r.Close()
	v, err := ix.columns.view(r)
	if err != nil {
		return nil, err
	}
	out := &CaseCounts{ByBank: map[string]int{}, ByBankType: map[string]int{}, ByTheme: map[string]int{},
		ByDimensionBankType: map[string]map[string]int{}}
	var dims []string
	for i, col := range v.cols {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		deleted := v.deleted[i]
		for local := range len(col.start) - 1 {
			if deleted != nil && deleted.Contains(uint32(local)) {
				continue
			}
			vals := col.flat[col.start[local]:col.start[local+1]]
			if kindOf(v, vals) != corpus.KindCase {
				continue
			}
			bankType := ""
			dims = dims[:0]
			for _, n := range vals {
				switch code := v.codes[n]; v.fields[n] {
				case corpus.FacetBankType:
					bankType = code
					out.ByBankType[code]++
				case corpus.FacetBank:
					out.ByBank[code]++
				case corpus.FacetTheme:
					out.ByTheme[code]++
				case corpus.FacetDimension:
					dims = append(dims, code)
				}
			}
			for _, d := range dims {
				if out.ByDimensionBankType[d] == nil {
					out.ByDimensionBankType[d] = map[string]int{}
				}
				out.ByDimensionBankType[d][bankType]++
			}
			out.Cases++
		}
	}
	return out, nil
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
