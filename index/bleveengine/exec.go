package bleveengine

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"slices"

	"github.com/blevesearch/bleve/v2"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	bleveindex "github.com/blevesearch/bleve_index_api"

	"casebank/corpus"
	"casebank/index"
)

// One pass answers a tier: bleve's searcher yields every document that
// matches the text, and for each one we read its facet values and id from
// columns kept in memory per index segment, apply the filters, count every
// facet (each selected facet also without its own filters, for OR within a
// field) and keep the best page. Bleve's own facets read and decompress doc
// values for every hit and needed one more search per selected facet; at
// 100,000 cases that was most of a search's time.

// maxClauses is what a pass's bit masks hold.
const maxClauses = 64

// clause is one filter: a record passes when one of its values of field is
// among codes. Clauses are ANDed.
type clause struct {
	field string
	codes []string
}

// drill counts one filtered field's values over the records that pass the
// clauses in need (all but the field's own).
type drill struct {
	field  string
	need   uint64
	counts []int
}

// Run tries the plan's tiers in order, one pass each, until one finds
// enough records.
func (e *Engine) Run(ctx context.Context, p *index.Plan, w index.Window) (*index.Answer, error) {
	tiers := p.Tiers
	if len(tiers) == 0 {
		tiers = []index.Tier{{Require: index.RequireAll}}
	}
	c := compile(p)
	var ans *index.Answer
	for i, t := range tiers {
		var err error
		if ans, err = e.exec(ctx, c, t, clausesOf(p, t), w); err != nil {
			return nil, err
		}
		ans.Tier = i
		if ans.Total >= uint64(t.Enough) {
			break
		}
	}
	return ans, nil
}

// clausesOf are a tier's filters.
func clausesOf(p *index.Plan, t index.Tier) []clause {
	var out []clause
	for _, f := range p.Filters {
		if !(f.Inferred && t.DropInferred) {
			out = append(out, clause{field: f.Facet, codes: f.Values})
		}
	}
	return out
}

// exec runs a tier's query, filters by clauses and counts facets in one
// pass. It returns the hits of the window; size 0 only counts.
func (e *Engine) exec(ctx context.Context, c *compiled, t index.Tier, clauses []clause, w index.Window) (*index.Answer, error) {
	if len(clauses) > maxClauses {
		return nil, corpus.Errorf(corpus.EINVALID, "too many filters (%d); at most %d", len(clauses), maxClauses)
	}
	bctx, cancel := budgeted(ctx)
	defer cancel()
	ps := &pass{e: e, ctx: bctx, clauses: clauses, top: &topK{k: w.From + w.Size}}
	q := c.query(t)
	// A query without required text matches every record and only ranks:
	// bleve then walks just the records that pass every filter, scoring
	// nothing for them, and the counts for each selected field without its
	// own filters come from the columns alone (scan).
	if c.textFree() && len(clauses) > 0 {
		q, ps.textFree = c.filtered(clauses), true
	}
	// No facets, fields or sort beyond the score: bleve's collector prepares
	// nothing per hit and hands each one to the handler.
	sr := bleve.NewSearchRequestOptions(q, 0, 0, false)
	if err := sr.Validate(); err != nil {
		return nil, corpus.Errorf(corpus.EINVALID, "query: %v", err)
	}
	hctx := context.WithValue(bctx, bsearch.MakeDocumentMatchHandlerKey, bsearch.MakeDocumentMatchHandler(ps.prepare))
	if _, err := e.bleve.SearchInContext(hctx, sr); err != nil {
		return nil, fmt.Errorf("index: search: %w", budgetError(ctx, err))
	}
	return ps.answer(w.From), nil
}

// filtered is a text-free query with every clause required instead, so
// that only the optional words rank.
func (c *compiled) filtered(clauses []clause) query.Query {
	required := make([]query.Query, len(clauses))
	for i, cl := range clauses {
		required[i] = unscoredTerms(cl.field, cl.codes)
	}
	bq := bleve.NewBooleanQuery()
	bq.AddMust(required...)
	if len(c.optional) > 0 {
		bq.AddShould(c.optional...)
	}
	return bq
}

// pass is one walk over a search's hits.
type pass struct {
	e        *Engine
	ctx      context.Context // budgeted
	clauses  []clause
	textFree bool

	v       *view
	pool    *bsearch.DocumentMatchPool
	all     uint64   // bit per clause
	selMask []uint64 // value number → clauses it satisfies
	counts  []int    // value number → count in the result
	drills  []drill
	drillOf []int // value number → its field's drill, or -1
	total   uint64
	top     *topK
	seg     int // the segment of the last hit
	seen    int
}

// prepare is bleve's handler maker: it reads the snapshot's columns and
// turns the clauses into masks over its values.
func (p *pass) prepare(sctx *bsearch.SearchContext) (bsearch.DocumentMatchHandler, bool, error) {
	var err error
	if p.v, err = p.e.columns.view(sctx.IndexReader); err != nil {
		return nil, false, err
	}
	p.pool = sctx.DocumentMatchPool
	p.masks()
	return p.collect, false, nil
}

// masks sets which clauses each value satisfies, and the drills: a field
// with a clause is also counted over the records that pass every other
// field's clauses.
func (p *pass) masks() {
	v := p.v
	codesOf := map[string]map[string]uint64{}
	for i, cl := range p.clauses {
		p.all |= 1 << i
		if codesOf[cl.field] == nil {
			codesOf[cl.field] = map[string]uint64{}
		}
		for _, code := range cl.codes {
			codesOf[cl.field][code] |= 1 << i
		}
	}
	p.selMask = make([]uint64, v.nvalues)
	for n := range v.nvalues {
		p.selMask[n] = codesOf[v.fields[n]][v.codes[n]]
	}
	p.counts = make([]int, v.nvalues)
	p.drillOf = make([]int, v.nvalues)
	for i, cl := range p.clauses {
		d := slices.IndexFunc(p.drills, func(d drill) bool { return d.field == cl.field })
		if d < 0 {
			d = len(p.drills)
			p.drills = append(p.drills, drill{field: cl.field, need: p.all, counts: make([]int, v.nvalues)})
		}
		p.drills[d].need &^= 1 << i
	}
	for n := range v.nvalues {
		p.drillOf[n] = slices.IndexFunc(p.drills, func(d drill) bool { return d.field == v.fields[n] })
	}
}

// collect takes one hit.
func (p *pass) collect(d *bsearch.DocumentMatch) error {
	if d == nil {
		return nil
	}
	// bleve checks the deadline between segments only.
	if p.seen++; p.seen&1023 == 1 {
		if err := p.ctx.Err(); err != nil {
			return err
		}
	}
	col, local := p.locate(binary.BigEndian.Uint64(d.IndexInternalID))
	vals := col.flat[col.start[local]:col.start[local+1]]
	mask := p.mask(vals)
	if !p.textFree {
		p.drill(vals, mask)
	}
	if mask == p.all {
		p.keep(col.ids[local], d.Score, vals)
	}
	p.pool.Put(d)
	return nil
}

// locate finds a document's segment column and local number. Hits come in
// document order; the segment moves forward.
func (p *pass) locate(num uint64) (*segColumn, uint64) {
	offsets := p.v.offsets
	if p.seg >= len(offsets) || num < offsets[p.seg] {
		p.seg = 0
	}
	for p.seg+1 < len(offsets) && num >= offsets[p.seg+1] {
		p.seg++
	}
	return p.v.cols[p.seg], num - offsets[p.seg]
}

// mask is the clauses a record's values satisfy.
func (p *pass) mask(vals []uint32) uint64 {
	var mask uint64
	for _, n := range vals {
		mask |= p.selMask[n]
	}
	return mask
}

// drill counts a record's values of each filtered field whose other
// fields' clauses it passes.
func (p *pass) drill(vals []uint32, mask uint64) {
	for _, n := range vals {
		if i := p.drillOf[n]; i >= 0 && mask&p.drills[i].need == p.drills[i].need {
			p.drills[i].counts[n]++
		}
	}
}

// keep counts a record that passes every clause and offers it to the window.
func (p *pass) keep(id string, score float64, vals []uint32) {
	p.total++
	for _, n := range vals {
		p.counts[n]++
	}
	if math.IsNaN(score) || math.IsInf(score, 0) {
		// Only clauses that score nothing: bleve's normalisation divides
		// zero by zero.
		score = 0
	}
	if s := (scored{id: id, score: score}); p.top.accepts(s) {
		s.kind = kindOf(p.v, vals)
		p.top.push(s)
	}
}

// scan counts each selected field's values over the live records that pass
// every other field's clauses, straight from the columns: what a query
// without text needs and bleve did not walk.
func (p *pass) scan() {
	for i, col := range p.v.cols {
		deleted := p.v.deleted[i]
		for local := range len(col.start) - 1 {
			if deleted != nil && deleted.Contains(uint32(local)) {
				continue
			}
			vals := col.flat[col.start[local]:col.start[local+1]]
			p.drill(vals, p.mask(vals))
		}
	}
}

// answer is what the pass found: the window from from, and the counts.
func (p *pass) answer(from int) *index.Answer {
	ans := &index.Answer{Total: p.total}
	if p.v == nil { // nothing was searched: an empty index
		return ans
	}
	if p.textFree {
		p.scan()
	}
	best := p.top.sorted()
	if from < len(best) {
		ans.Hits = make([]index.Scored, 0, len(best)-from)
		for _, s := range best[from:] {
			ans.Hits = append(ans.Hits, index.Scored{ID: s.id, Kind: s.kind, Score: s.score})
		}
	}
	ans.Facets = groupCounts(p.v, p.counts)
	for _, d := range p.drills {
		counts := groupCounts(p.v, d.counts)[d.field]
		if counts == nil {
			counts = []index.Count{}
		}
		ans.Facets[d.field] = counts
	}
	return ans
}

// snapshot opens a reader of the index's current snapshot with the view of
// its facet columns; the caller closes the reader.
func (e *Engine) snapshot() (bleveindex.IndexReader, *view, error) {
	r, err := e.reader()
	if err != nil {
		return nil, nil, err
	}
	v, err := e.columns.view(r)
	if err != nil {
		r.Close()
		return nil, nil, err
	}
	return r, v, nil
}

// reader opens a reader of the index's current snapshot.
func (e *Engine) reader() (bleveindex.IndexReader, error) {
	adv, err := e.bleve.Advanced()
	if err != nil {
		return nil, fmt.Errorf("index: %w", err)
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, fmt.Errorf("index: reader: %w", err)
	}
	return r, nil
}
