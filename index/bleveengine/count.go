package bleveengine

import (
	"context"

	"casebank/corpus"
	"casebank/index"
)

// Count counts from the facet columns: one pass over the values of every
// live record, reading no document.
func (e *Engine) Count(ctx context.Context, req *index.CountRequest) (*index.Counts, error) {
	var clauses []clause
	for _, f := range req.Filters {
		clauses = append(clauses, clause{field: f.Facet, codes: f.Values})
	}
	if len(clauses) > maxClauses {
		return nil, corpus.Errorf(corpus.EINVALID, "too many filters (%d); at most %d", len(clauses), maxClauses)
	}
	r, v, err := e.snapshot()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	p := &pass{clauses: clauses, v: v}
	p.masks()
	out := &index.Counts{By: map[string]map[string]int{}, Cross: map[string]map[string]int{}}
	by := make([]map[string]int, v.nvalues) // value number → its facet's counts, if counted
	for _, facet := range req.By {
		out.By[facet] = map[string]int{}
	}
	for n := range v.nvalues {
		by[n] = out.By[v.fields[n]]
	}
	rows, cols := req.Cross[0], req.Cross[1]
	var across []string
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
			if p.mask(vals) != p.all {
				continue
			}
			out.Records++
			colValue := ""
			across = across[:0]
			for _, n := range vals {
				if m := by[n]; m != nil {
					m[v.codes[n]]++
				}
				switch v.fields[n] {
				case rows:
					across = append(across, v.codes[n])
				case cols:
					colValue = v.codes[n]
				}
			}
			if rows == "" {
				continue
			}
			for _, row := range across {
				if out.Cross[row] == nil {
					out.Cross[row] = map[string]int{}
				}
				out.Cross[row][colValue]++
			}
		}
	}
	return out, nil
}
