package index

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"sort"
	"sync"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"

	"casebank/corpus"
)

// One pass answers a search: bleve's searcher yields every document that
// matches the text, and for each one we read its facet values and id from
// columns kept in memory per index segment, apply the filters, count every
// facet (each selected facet also without its own filters, for OR within a
// field) and keep the best page. Bleve's own facets read and decompress doc
// values for every hit and needed one more search per selected facet; at
// 100,000 cases that was most of a search's time.

// idField is the pseudo-field under which fieldFacets carries a record's id.
const idField = "_id"

// clause is one filter: a record passes when one of its values of field is
// among codes. Clauses are ANDed.
type clause struct {
	field string
	codes []string
}

// execResult is what one pass found.
type execResult struct {
	total uint64
	top   []scored                // the requested page, best first
	facet map[string][]valueCount // counts over the filtered result
	drill map[string][]valueCount // selected fields: counts without their own filters
}

type scored struct {
	id    string
	score float64
	kind  string
}

// drill counts one filtered field's values over the records that pass the
// clauses in need (all but the field's own).
type drill struct {
	field  string
	need   uint64
	counts []int
}

type valueCount struct {
	code  string
	count int
}

// columns holds per-segment facet values and ids, read once from doc values.
type columns struct {
	mu     sync.Mutex
	dict   map[string]uint32 // "field\x1fcode" → value number
	fields []string          // value number → field
	codes  []string          // value number → code
	segs   map[segment.Segment]*segColumn
}

type segColumn struct {
	ids []string
	// The values of local document n are flat[start[n]:start[n+1]]: one
	// array rather than a slice per document keeps the per-hit reads close.
	flat  []uint32
	start []uint32
}

func newColumns() *columns {
	return &columns{dict: map[string]uint32{}, segs: map[segment.Segment]*segColumn{}}
}

// view is a snapshot's segments with their columns and global offsets.
type view struct {
	cols    []*segColumn
	offsets []uint64
	deleted []interface{ Contains(uint32) bool } // per segment; nil: none
	nvalues int
	fields  []string
	codes   []string
}

func (c *columns) view(r index.IndexReader) (*view, error) {
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		return nil, fmt.Errorf("index: reader %T is not a scorch snapshot", r)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	segs := snap.Segments()
	v := &view{}
	var offset uint64
	live := make(map[segment.Segment]bool, len(segs))
	for _, ss := range segs {
		seg := ss.Segment()
		live[seg] = true
		col := c.segs[seg]
		if col == nil {
			var err error
			if col, err = c.build(seg); err != nil {
				return nil, err
			}
			c.segs[seg] = col
		}
		v.cols = append(v.cols, col)
		v.offsets = append(v.offsets, offset)
		var deleted interface{ Contains(uint32) bool }
		if d := ss.Deleted(); d != nil {
			deleted = d
		}
		v.deleted = append(v.deleted, deleted)
		offset += seg.Count()
	}
	// Segments merged away are gone for good.
	if len(c.segs) > len(live) {
		for seg := range c.segs {
			if !live[seg] {
				delete(c.segs, seg)
			}
		}
	}
	v.nvalues, v.fields, v.codes = len(c.codes), c.fields, c.codes
	return v, nil
}

func (c *columns) build(seg segment.Segment) (*segColumn, error) {
	n := seg.Count()
	col := &segColumn{ids: make([]string, n), start: make([]uint32, 0, n+1)}
	dv, ok := seg.(segment.DocValueVisitable)
	if !ok {
		return nil, fmt.Errorf("index: segment %T has no doc values", seg)
	}
	var state segment.DocVisitState
	var err error
	fields := []string{fieldFacets}
	for num := range n {
		col.start = append(col.start, uint32(len(col.flat)))
		state, err = dv.VisitDocValues(num, fields, func(_ string, term []byte) {
			if id, ok := c.dict[string(term)]; ok { // no allocation for a known value
				col.flat = append(col.flat, id)
				return
			}
			field, code, ok := bytes.Cut(term, []byte(facetSep))
			if !ok {
				return
			}
			if string(field) == idField {
				col.ids[num] = string(code)
				return
			}
			id := uint32(len(c.codes))
			c.dict[string(term)] = id
			c.fields, c.codes = append(c.fields, string(field)), append(c.codes, string(code))
			col.flat = append(col.flat, id)
		}, state)
		if err != nil {
			return nil, fmt.Errorf("index: read facet values: %w", err)
		}
	}
	col.start = append(col.start, uint32(len(col.flat)))
	return col, nil
}

// exec runs q, filters by clauses and counts facets in one pass. It returns
// the hits from..from+size; size 0 only counts.
func (ix *Index) exec(ctx context.Context, q query.Query, clauses []clause, from, size int) (*execResult, error) {
	if len(clauses) > 64 {
		return nil, corpus.Errorf(corpus.EINVALID, "too many filters (%d); at most 64", len(clauses))
	}
	res := &execResult{}
	bctx, cancel := budgeted(ctx)
	defer cancel()
	// A query without required text matches every record and only ranks:
	// bleve then walks just the records that pass every filter, and the
	// counts for each selected field without its own filters come from the
	// columns alone (scanCounts).
	q, textFree := filterOnly(q, clauses)
	var (
		v       *view
		all     uint64   // bit per clause
		selMask []uint64 // value number → clauses it satisfies
		counts  []int    // value number → count in the result
		drills  []drill
		drillOf []int // value number → its field's drill, or -1
		top     = &topK{k: from + size}
	)
	handler := func(sctx *bsearch.SearchContext) (bsearch.DocumentMatchHandler, bool, error) {
		var err error
		if v, err = ix.columns.view(sctx.IndexReader); err != nil {
			return nil, false, err
		}
		codesOf := map[string]map[string]uint64{}
		for i, cl := range clauses {
			all |= 1 << i
			if codesOf[cl.field] == nil {
				codesOf[cl.field] = map[string]uint64{}
			}
			for _, code := range cl.codes {
				codesOf[cl.field][code] |= 1 << i
			}
		}
		selMask = make([]uint64, v.nvalues)
		for n := range v.nvalues {
			selMask[n] = codesOf[v.fields[n]][v.codes[n]]
		}
		counts = make([]int, v.nvalues)
		// A field with a clause is also counted over the records that pass
		// every other field's clauses.
		drillOf = make([]int, v.nvalues)
		for i, cl := range clauses {
			d := slices.IndexFunc(drills, func(d drill) bool { return d.field == cl.field })
			if d < 0 {
				d = len(drills)
				drills = append(drills, drill{field: cl.field, need: all, counts: make([]int, v.nvalues)})
			}
			drills[d].need &^= 1 << i
		}
		for n := range v.nvalues {
			drillOf[n] = slices.IndexFunc(drills, func(d drill) bool { return d.field == v.fields[n] })
		}
		seg, seen := 0, 0
		return func(d *bsearch.DocumentMatch) error {
			if d == nil {
				return nil
			}
			// bleve checks the deadline between segments only.
			if seen++; seen&1023 == 1 {
				if err := bctx.Err(); err != nil {
					return err
				}
			}
			num := binary.BigEndian.Uint64(d.IndexInternalID)
			// Hits come in document order; the segment moves forward.
			if seg >= len(v.offsets) || num < v.offsets[seg] {
				seg = 0
			}
			for seg+1 < len(v.offsets) && num >= v.offsets[seg+1] {
				seg++
			}
			col, local := v.cols[seg], num-v.offsets[seg]
			vals := col.flat[col.start[local]:col.start[local+1]]
			var mask uint64
			for _, n := range vals {
				mask |= selMask[n]
			}
			if !textFree {
				for _, n := range vals {
					if i := drillOf[n]; i >= 0 && mask&drills[i].need == drills[i].need {
						drills[i].counts[n]++
					}
				}
			}
			if mask == all {
				res.total++
				for _, n := range vals {
					counts[n]++
				}
				score := d.Score
				if math.IsNaN(score) || math.IsInf(score, 0) {
					// Only clauses that score nothing: bleve's normalisation
					// divides zero by zero.
					score = 0
				}
				if s := (scored{id: col.ids[local], score: score}); top.accepts(s) {
					s.kind = kindOf(v, vals)
					top.push(s)
				}
			}
			sctx.DocumentMatchPool.Put(d)
			return nil
		}, false, nil
	}
	// No facets, fields or sort beyond the score: bleve's collector prepares
	// nothing per hit and hands each one to the handler.
	sr := bleve.NewSearchRequestOptions(q, 0, 0, false)
	if err := sr.Validate(); err != nil {
		return nil, corpus.Errorf(corpus.EINVALID, "query: %v", err)
	}
	hctx := context.WithValue(bctx, bsearch.MakeDocumentMatchHandlerKey, bsearch.MakeDocumentMatchHandler(handler))
	if _, err := ix.bleve.SearchInContext(hctx, sr); err != nil {
		return nil, fmt.Errorf("index: search: %w", budgetError(ctx, err))
	}
	if v == nil { // nothing was searched: an empty index
		return res, nil
	}
	if textFree {
		scanCounts(v, selMask, drills, drillOf)
	}
	best := top.sorted()
	if from < len(best) {
		res.top = best[from:]
	}
	res.facet = groupCounts(v, counts)
	res.drill = map[string][]valueCount{}
	for _, d := range drills {
		res.drill[d.field] = groupCounts(v, d.counts)[d.field]
		if res.drill[d.field] == nil {
			res.drill[d.field] = []valueCount{}
		}
	}
	return res, nil
}

// filterOnly reports whether q requires no text (its must part is match-all
// and nothing is excluded) and, if so, returns it with every clause required
// instead, scoring nothing, so that only its optional words rank.
func filterOnly(q query.Query, clauses []clause) (query.Query, bool) {
	bq, ok := q.(*query.BooleanQuery)
	if !ok || len(clauses) == 0 || bq.MustNot != nil {
		return q, false
	}
	must, ok := bq.Must.(*query.ConjunctionQuery)
	if !ok || len(must.Conjuncts) != 1 {
		return q, false
	}
	if _, ok := must.Conjuncts[0].(*query.MatchAllQuery); !ok {
		return q, false
	}
	var required []query.Query
	for _, cl := range clauses {
		required = append(required, unscoredTerms(cl.field, cl.codes))
	}
	filtered := *bq
	filtered.Must = bleve.NewConjunctionQuery(required...)
	return &filtered, true
}

// scanCounts counts each selected field's values over the live records that
// pass every other field's clauses, straight from the columns: what a query
// without text needs and bleve did not walk.
func scanCounts(v *view, selMask []uint64, drills []drill, drillOf []int) {
	for i, col := range v.cols {
		deleted := v.deleted[i]
		for local := range len(col.start) - 1 {
			if deleted != nil && deleted.Contains(uint32(local)) {
				continue
			}
			vals := col.flat[col.start[local]:col.start[local+1]]
			var mask uint64
			for _, n := range vals {
				mask |= selMask[n]
			}
			for _, n := range vals {
				if d := drillOf[n]; d >= 0 && mask&drills[d].need == drills[d].need {
					drills[d].counts[n]++
				}
			}
		}
	}
}

// unscoredTerms matches any of codes in a keyword field and adds nothing to
// the score: filters decide what matches, the text what ranks.
func unscoredTerms(field string, codes []string) query.Query {
	alts := make([]query.Query, len(codes))
	for i, code := range codes {
		tq := bleve.NewTermQuery(code)
		tq.SetField(field)
		tq.SetBoost(0)
		alts[i] = tq
	}
	return bleve.NewDisjunctionQuery(alts...)
}

func kindOf(v *view, vals []uint32) string {
	for _, n := range vals {
		if v.fields[n] == corpus.FacetKind {
			return v.codes[n]
		}
	}
	return corpus.KindCase
}

// groupCounts turns per-value counts into each field's values, most frequent
// first, ties by code, cut to the field's size.
func groupCounts(v *view, counts []int) map[string][]valueCount {
	out := map[string][]valueCount{}
	for n, c := range counts {
		if c > 0 {
			out[v.fields[n]] = append(out[v.fields[n]], valueCount{code: v.codes[n], count: c})
		}
	}
	for field, fc := range out {
		sort.Slice(fc, func(i, j int) bool {
			if fc[i].count != fc[j].count {
				return fc[i].count > fc[j].count
			}
			return fc[i].code < fc[j].code
		})
		if size := facetSize(field); len(fc) > size {
			out[field] = fc[:size]
		}
	}
	return out
}

// topK keeps the k best hits: higher score first, ties by id, so that pages
// are stable whatever order the segments hold the records in.
type topK struct {
	k int
	h []scored
}

func worse(a, b scored) bool {
	if a.score != b.score {
		return a.score < b.score
	}
	return a.id > b.id
}

// accepts reports whether s would be kept.
func (t *topK) accepts(s scored) bool {
	return t.k > 0 && (len(t.h) < t.k || worse(t.h[0], s))
}

func (t *topK) push(s scored) {
	if len(t.h) == t.k {
		t.h[0] = s
		t.down(0)
		return
	}
	t.h = append(t.h, s)
	t.up(len(t.h) - 1)
}

// The heap's root is the worst hit kept.
func (t *topK) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !worse(t.h[i], t.h[p]) {
			return
		}
		t.h[i], t.h[p] = t.h[p], t.h[i]
		i = p
	}
}

func (t *topK) down(i int) {
	for {
		l, m := 2*i+1, i
		if l < len(t.h) && worse(t.h[l], t.h[m]) {
			m = l
		}
		if r := l + 1; r < len(t.h) && worse(t.h[r], t.h[m]) {
			m = r
		}
		if m == i {
			return
		}
		t.h[i], t.h[m] = t.h[m], t.h[i]
		i = m
	}
}

func (t *topK) sorted() []scored {
	out := slices.Clone(t.h)
	sort.Slice(out, func(i, j int) bool { return worse(out[j], out[i]) })
	return out
}
