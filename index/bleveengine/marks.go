package bleveengine

import (
	"context"
	"encoding/binary"
	"sync"

	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	bleveindex "github.com/blevesearch/bleve_index_api"
)

// Bleve scores a record by the sum of its clauses' scores, which says
// nothing about how many of a query's concepts it covers: a case matching
// one word in a boosted title outscores one matching all of them in its
// body. So each concept's searcher marks the documents it finds, and the
// pass ranks by the number of marks first.

// markSoft is the first mark of the inferred filters' words; the marks
// below it are the required concepts'.
const markSoft = 32

// marks holds a bit per concept for each document number of a snapshot.
type marks struct{ bits []uint64 }

var marksPool = sync.Pool{New: func() any { return &marks{} }}

func newMarks() *marks { return marksPool.Get().(*marks) }

func (m *marks) release() {
	clear(m.bits)
	marksPool.Put(m)
}

func (m *marks) set(num uint64, bit int) {
	if num >= uint64(len(m.bits)) {
		n := max(int(num)+1, 2*len(m.bits), 1024)
		m.bits = append(m.bits, make([]uint64, n-len(m.bits))...)
	}
	m.bits[num] |= 1 << bit
}

// get is a document's marks; none on a nil marks.
func (m *marks) get(num uint64) uint64 {
	if m == nil || num >= uint64(len(m.bits)) {
		return 0
	}
	return m.bits[num]
}

// marked wraps q so that every document it finds gets the mark bit; q as it
// is when there are no marks to keep or bit is out of range.
func marked(q query.Query, bit int, m *marks) query.Query {
	if m == nil || bit < 0 || bit >= 64 {
		return q
	}
	return &markedQuery{q: q, bit: bit, m: m}
}

type markedQuery struct {
	q   query.Query
	bit int
	m   *marks
}

func (mq *markedQuery) Searcher(ctx context.Context, r bleveindex.IndexReader, im mapping.IndexMapping, opts bsearch.SearcherOptions) (bsearch.Searcher, error) {
	s, err := mq.q.Searcher(ctx, r, im, opts)
	if err != nil {
		return nil, err
	}
	return &markedSearcher{Searcher: s, bit: mq.bit, m: mq.m}, nil
}

// Validate passes the wrapped query's check on.
func (mq *markedQuery) Validate() error {
	if v, ok := mq.q.(query.ValidatableQuery); ok {
		return v.Validate()
	}
	return nil
}

type markedSearcher struct {
	bsearch.Searcher
	bit int
	m   *marks
}

func (s *markedSearcher) Next(ctx *bsearch.SearchContext) (*bsearch.DocumentMatch, error) {
	d, err := s.Searcher.Next(ctx)
	s.mark(d)
	return d, err
}

func (s *markedSearcher) Advance(ctx *bsearch.SearchContext, id bleveindex.IndexInternalID) (*bsearch.DocumentMatch, error) {
	d, err := s.Searcher.Advance(ctx, id)
	s.mark(d)
	return d, err
}

func (s *markedSearcher) mark(d *bsearch.DocumentMatch) {
	if d != nil && len(d.IndexInternalID) == 8 {
		s.m.set(binary.BigEndian.Uint64(d.IndexInternalID), s.bit)
	}
}
