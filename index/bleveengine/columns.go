package bleveengine

import (
	"bytes"
	"fmt"
	"math"
	"slices"
	"sort"
	"sync"

	"github.com/blevesearch/bleve/v2/index/scorch"
	bleveindex "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"

	"casebank/corpus"
	"casebank/index"
)

// columns holds per-segment facet values and ids, read once from doc values.
type columns struct {
	mu     sync.Mutex
	dict   map[string]uint32 // "field\x1fcode" → value number
	fields []string          // value number → field
	codes  []string          // value number → code
	segs   map[segment.Segment]*segColumn
	// gone hears of the segments merged away.
	gone func(map[segment.Segment]bool)
}

type segColumn struct {
	ids []string
	// The values of local document n are flat[start[n]:start[n+1]]: one
	// array rather than a slice per document keeps the per-hit reads close.
	flat  []uint32
	start []uint32
	// counts[value number] is how many of the segment's documents hold the
	// value (deleted ones too); a value numbered after the segment was read
	// is in none of its documents.
	counts []uint32
	pos    map[string]uint32 // id → local document number
	// The documents holding value number v are docs[docsAt[v]:docsAt[v+1]],
	// in order: similar cases read the few that share a rare value first.
	docs, docsAt []uint32
	// valueBits[v] is a bit per document holding value v, for the values a
	// 32nd of the documents or more hold (nil for the others): a search
	// keeping most of a segment counts those values by a popcount of two
	// bit sets instead of reading each record's values.
	valueBits [][]uint64
	// bitsCost is what counting every value so costs, in words and list
	// entries read.
	bitsCost int
}

// frequentShare: values at least 1/frequentShare of a segment's documents
// hold get bit sets.
const frequentShare = 32

// holding is the local documents of the segment that hold val.
func (c *segColumn) holding(val uint32) []uint32 {
	if int(val)+1 >= len(c.docsAt) {
		return nil
	}
	return c.docs[c.docsAt[val]:c.docsAt[val+1]]
}

func newColumns() *columns {
	return &columns{dict: map[string]uint32{}, segs: map[segment.Segment]*segColumn{}}
}

// view is a snapshot's segments with their columns and global offsets.
type view struct {
	segs    []segment.Segment
	cols    []*segColumn
	offsets []uint64
	deleted []interface{ Contains(uint32) bool } // per segment; nil: none
	nvalues int
	fields  []string
	codes   []string
}

func (c *columns) view(r bleveindex.IndexReader) (*view, error) {
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
		v.segs, v.cols = append(v.segs, seg), append(v.cols, col)
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
		gone := map[segment.Segment]bool{}
		for seg := range c.segs {
			if !live[seg] {
				delete(c.segs, seg)
				gone[seg] = true
			}
		}
		if c.gone != nil {
			c.gone(gone)
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
	col.pos = make(map[string]uint32, n)
	for num, id := range col.ids {
		col.pos[id] = uint32(num)
	}
	col.counts = make([]uint32, len(c.codes))
	for _, val := range col.flat {
		col.counts[val]++
	}
	col.docsAt = make([]uint32, len(c.codes)+1)
	for val, n := range col.counts {
		col.docsAt[val+1] = col.docsAt[val] + n
	}
	col.docs = make([]uint32, len(col.flat))
	next := slices.Clone(col.docsAt[:len(c.codes)])
	for d := range n {
		for _, val := range col.flat[col.start[d]:col.start[d+1]] {
			col.docs[next[val]] = uint32(d)
			next[val]++
		}
	}
	words := (int(n) + 63) / 64
	col.valueBits = make([][]uint64, len(c.codes))
	for val, count := range col.counts {
		if count == 0 || int(count)*frequentShare < int(n) {
			col.bitsCost += int(count)
			continue
		}
		bits := make([]uint64, words)
		for _, d := range col.holding(uint32(val)) {
			bits[d>>6] |= 1 << (d & 63)
		}
		col.valueBits[val] = bits
		col.bitsCost += words
	}
	return col, nil
}

// value returns the number of a facet's value, or an impossible one.
func (v *view) value(field, code string) uint32 {
	for num := range v.nvalues {
		if v.fields[num] == field && v.codes[num] == code {
			return uint32(num)
		}
	}
	return math.MaxUint32
}

// valuesOf returns the facet values of the live record id, if the view holds it.
func (v *view) valuesOf(id string) ([]uint32, bool) {
	for s, col := range v.cols {
		d, ok := col.pos[id]
		if !ok || v.deleted[s] != nil && v.deleted[s].Contains(d) {
			continue
		}
		return col.flat[col.start[d]:col.start[d+1]], true
	}
	return nil, false
}

// docFreq is how many documents of the view hold the value, deleted ones
// of segments not yet merged included.
func (v *view) docFreq(val uint32) int {
	n := 0
	for _, col := range v.cols {
		if int(val) < len(col.counts) {
			n += int(col.counts[val])
		}
	}
	return n
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
// first, ties by value, cut to the facet's size.
func groupCounts(v *view, counts []int) map[string][]index.Count {
	out := map[string][]index.Count{}
	for n, c := range counts {
		if c > 0 {
			out[v.fields[n]] = append(out[v.fields[n]], index.Count{Value: v.codes[n], Count: c})
		}
	}
	for field, fc := range out {
		sort.Slice(fc, func(i, j int) bool {
			if fc[i].Count != fc[j].Count {
				return fc[i].Count > fc[j].Count
			}
			return fc[i].Value < fc[j].Value
		})
		if facet, _ := corpus.FacetByName(field); len(fc) > facet.Size {
			out[field] = fc[:facet.Size]
		}
	}
	return out
}
