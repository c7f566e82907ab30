package bleveengine

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"runtime"
	"slices"
	"time"

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

// searchSlots admits as many searches at once as there are processors:
// one running on each finishes sooner than many sharing them, and the
// slowest of many wait less (at 100,000 cases and 16 connections on 2
// cores, p99 165 → 75 ms).
var searchSlots = make(chan struct{}, runtime.GOMAXPROCS(0))

// admit waits for a search slot, at most a search's time budget; done
// gives it back.
func admit(ctx context.Context) (done func(), err error) {
	select {
	case searchSlots <- struct{}{}:
		return func() { <-searchSlots }, nil
	default:
	}
	wait := time.NewTimer(index.SearchTimeout)
	defer wait.Stop()
	select {
	case searchSlots <- struct{}{}:
		return func() { <-searchSlots }, nil
	case <-ctx.Done():
		return nil, budgetError(ctx, ctx.Err())
	case <-wait.C:
		return nil, corpus.Errorf(corpus.EUNAVAILABLE, "the server is busy with other searches; try again shortly")
	}
}

// maxClauses is what a pass's bit masks hold.
const maxClauses = 64

// clause is one filter: a record passes when one of its values of field is
// among codes. Hard clauses are ANDed; soft ones (the plan's inferred
// filters) only rank. A clause's bit in a mask is its index in the plan.
type clause struct {
	field string
	codes []string
	soft  bool
	// implied: soft, and a record missing it is not outside (Filter.Implied)
	implied bool
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
	if len(p.Filters) > maxClauses {
		return nil, corpus.Errorf(corpus.EINVALID, "too many filters (%d); at most %d", len(p.Filters), maxClauses)
	}
	done, err := admit(ctx)
	if err != nil {
		return nil, err
	}
	defer done()
	has, release := e.hasTerm(ctx)
	c := compile(p, has)
	if release() {
		return nil, corpus.Errorf(corpus.EINVALID, "the query expands to more than %d term lookups; use fewer or shorter words", index.MaxTermSearchers)
	}
	var ans *index.Answer
	for i, t := range tiers {
		var err error
		if ans, err = e.exec(ctx, c, p, t, w); err != nil {
			return nil, err
		}
		ans.Tier = i
		// Enough of what the inferred filters describe, not of the others
		// that follow them; but words that found something are shown
		// rather than what the filters alone describe.
		found := ans.Inside
		if i+1 < len(tiers) && tiers[i+1].Require == index.RequireNone {
			found = ans.Total
		}
		if found >= uint64(t.Enough) {
			break
		}
	}
	return ans, nil
}

// clausesOf are a plan's filters.
func clausesOf(p *index.Plan) []clause {
	out := make([]clause, len(p.Filters))
	for i, f := range p.Filters {
		out[i] = clause{field: f.Facet, codes: f.Values, soft: f.Inferred, implied: f.Inferred && f.Implied}
	}
	return out
}

// exec runs a tier's query, filters by clauses and counts facets in one
// pass. It returns the hits of the window; size 0 only counts.
func (e *Engine) exec(ctx context.Context, c *compiled, p *index.Plan, t index.Tier, w index.Window) (*index.Answer, error) {
	bctx, cancel := budgeted(ctx)
	defer cancel()
	newPass := func() *pass {
		ps := &pass{e: e, ctx: bctx, clauses: clausesOf(p), tier: t.Require, required: len(c.required),
			top: &topK{k: w.From + w.Size}}
		if p.Aside != nil && p.Aside.Filter < len(p.Filters) {
			ps.asideBit, ps.side = 1<<p.Aside.Filter, &topK{k: p.Aside.Size}
		}
		return ps
	}
	ps := newPass()
	// Which concepts a hit matched is known only where they are not all
	// required: each one's searcher marks the documents it finds.
	if (t.Require == index.RequireAny && len(c.required) > 1) || c.softText() {
		ps.marks = newMarks()
		defer ps.marks.release()
	}
	aside := -1
	if p.Aside != nil {
		aside = p.Aside.Filter
	}
	q, textFree := c.query(t, ps.clauses, aside, ps.marks)
	ps.textFree = textFree
	if !e.bleveSearch {
		onView := func(v *view) { ps.v = v; ps.masks() }
		err := e.runTerms(bctx, q, textFree, onView, ps.takeSegment)
		if err == nil {
			return ps.answer(w.From), nil
		}
		if !errors.Is(err, errTooManyPostings) {
			return nil, fmt.Errorf("index: search: %w", budgetError(ctx, err))
		}
		// A search too broad to hold its postings: bleve streams them.
		marks := ps.marks
		ps = newPass()
		if ps.marks, ps.textFree = marks, textFree; marks != nil {
			clear(marks.bits)
		}
	}
	// No facets, fields or sort beyond the score: bleve's collector prepares
	// nothing per hit and hands each one to the handler.
	sr := bleve.NewSearchRequestOptions(q, 0, 0, false)
	if err := sr.Validate(); err != nil {
		return nil, corpus.Errorf(corpus.EINVALID, "query: %v", err)
	}
	if textFree && ps.marks != nil {
		// The columns count records the search does not walk: mark every
		// record the inferred filters' words match, not only those the
		// search's conjunction happened to reach.
		for i, text := range c.filterText {
			if text == nil || !ps.clauses[i].soft {
				continue
			}
			all := bleve.NewSearchRequestOptions(marked(text, markSoft+i, ps.marks), 0, 0, false)
			if _, err := e.bleve.SearchInContext(bctx, all); err != nil {
				return nil, fmt.Errorf("index: search: %w", budgetError(ctx, err))
			}
		}
	}
	hctx := context.WithValue(bctx, bsearch.MakeDocumentMatchHandlerKey, bsearch.MakeDocumentMatchHandler(ps.prepare))
	if _, err := e.bleve.SearchInContext(hctx, sr); err != nil {
		return nil, fmt.Errorf("index: search: %w", budgetError(ctx, err))
	}
	return ps.answer(w.From), nil
}

// runTerms scores q term at a time (taat.go): onView is told the snapshot's
// view first, and take gets each segment's matches in document order.
// fullMarks marks every record a marked clause matches, not only those
// the search reaches (the columns then count records it did not walk).
// Its reads are guarded as liveIndex guards bleve's: a damaged segment
// answers unavailable and starts the repair.
func (e *Engine) runTerms(ctx context.Context, q query.Query, fullMarks bool, onView func(*view), take func(seg int, docs []uint32, scores []float64)) (err error) {
	b, err := e.bleve.load()
	if err != nil {
		return err
	}
	defer e.bleve.recoverRead(ctx, b, &err)
	if err := e.scoreTerms(ctx, b, q, fullMarks, onView, take); err != nil {
		return e.readFailed(ctx, b, err, nil)
	}
	return nil
}

func (e *Engine) scoreTerms(ctx context.Context, b bleve.Index, q query.Query, fullMarks bool, onView func(*view), take func(seg int, docs []uint32, scores []float64)) error {
	gen := e.gen.Load() // before the snapshot: see hasTerm
	adv, err := b.Advanced()
	if err != nil {
		return fmt.Errorf("index: %w", err)
	}
	r, err := adv.Reader()
	if err != nil {
		return fmt.Errorf("index: reader: %w", err)
	}
	defer r.Close()
	v, err := e.columns.view(r)
	if err != nil {
		return err
	}
	onView(v)
	x := newRun(ctx, e, r, v)
	x.fullMarks, x.gen = fullMarks, gen
	defer x.close()
	if x.docTotal, err = r.DocCount(); err != nil {
		return err
	}
	root, err := x.build(q, bsearch.SearcherOptions{})
	if err != nil {
		return err
	}
	if err := x.prepare(); err != nil {
		return err
	}
	root.setNorm(1.0 / math.Sqrt(root.weight()))
	for seg := range v.offsets {
		if err := ctx.Err(); err != nil {
			return err
		}
		if fullMarks {
			for _, mk := range x.marked {
				mk.premark(x, seg)
			}
		}
		res := root.eval(x, seg)
		for _, mk := range x.marked {
			mk.done(x)
		}
		if x.err != nil {
			return x.err
		}
		take(seg, res.docs, res.scores)
		x.free(res)
	}
	return nil
}

// pass is one walk over a search's hits.
type pass struct {
	e        *Engine
	ctx      context.Context // budgeted
	clauses  []clause
	textFree bool // the query itself requires every hard clause
	tier     index.Require
	required int    // required concepts
	marks    *marks // concepts each document matched; nil when not needed
	soft     uint64 // bit per soft clause
	named    uint64 // the soft clauses not implied: what inside and outside mean
	needSoft bool   // a record must meet a soft clause (no text is required)
	asideBit uint64 // the clause whose failures are listed apart
	side     *topK
	sideN    uint64
	inside   uint64
	met      []uint64 // per clause: records kept that meet it
	matched  uint64   // required concepts some kept record matched

	v        *view
	pool     *bsearch.DocumentMatchPool
	all      uint64   // bit per hard clause
	selMask  []uint64 // value number → clauses it satisfies
	selVals  []uint32 // the values some clause names
	segMasks []uint64 // takeSegment's masks of one segment
	// perSegment: matches come a segment at a time (takeSegment), and
	// countKept counts the values of the records kept (keptBits).
	perSegment bool
	keptBits   []uint64
	nkept      int
	counts     []int // value number → count in the result
	drills     []drill
	drillOf    []int // value number → its field's drill, or -1
	total      uint64
	top        *topK
	seg        int // the segment of the last hit
	seen       int
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
	p.met = make([]uint64, len(p.clauses))
	for i, cl := range p.clauses {
		if cl.soft {
			p.soft |= 1 << i
			if !cl.implied {
				p.named |= 1 << i
			}
		} else {
			p.all |= 1 << i
		}
		if codesOf[cl.field] == nil {
			codesOf[cl.field] = map[string]uint64{}
		}
		for _, code := range cl.codes {
			codesOf[cl.field][code] |= 1 << i
		}
	}
	p.selMask = make([]uint64, v.nvalues)
	for n := range v.nvalues {
		if p.selMask[n] = codesOf[v.fields[n]][v.codes[n]]; p.selMask[n] != 0 {
			p.selVals = append(p.selVals, uint32(n))
		}
	}
	p.counts = make([]int, v.nvalues)
	p.drillOf = make([]int, v.nvalues)
	p.needSoft = p.soft != 0 && (p.tier == index.RequireNone || p.required == 0)
	for i, cl := range p.clauses {
		if cl.soft {
			continue // soft clauses filter nothing: no counts without them
		}
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
	p.take(binary.BigEndian.Uint64(d.IndexInternalID), d.Score)
	p.pool.Put(d)
	return nil
}

// take counts the document num, a match of the text scoring score.
func (p *pass) take(num uint64, score float64) {
	col, local := p.locate(num)
	vals := col.flat[col.start[local]:col.start[local+1]]
	p.takeOne(num, col, local, vals, p.mask(vals), score)
}

// takeSegment counts segment seg's matches docs, in document order. When
// they are many, the clauses' masks of the whole segment are made from
// the lists of the documents holding each filtered value, not from each
// match's values.
func (p *pass) takeSegment(seg int, docs []uint32, scores []float64) {
	col, off := p.v.cols[seg], p.v.offsets[seg]
	var masks []uint64
	if len(p.selVals) > 0 && len(docs)*denseMasks >= len(col.ids) {
		masks = p.segmentMasks(col)
	}
	p.perSegment = true
	words := (len(col.ids) + 63) / 64
	p.keptBits = slices.Grow(p.keptBits[:0], words)[:words]
	for i, local := range docs {
		vals := col.flat[col.start[local]:col.start[local+1]]
		var mask uint64
		switch {
		case masks != nil:
			mask = masks[local]
		case len(p.selVals) > 0:
			mask = p.mask(vals)
		}
		p.takeOne(off+uint64(local), col, uint64(local), vals, mask, scores[i])
	}
	p.countKept(col)
}

// countKept counts the values of the segment's kept records (keptBits):
// record by record when they are few, else value by value, with a
// popcount against each frequent value's bit set and the rare values'
// lists of documents, whichever reads less.
func (p *pass) countKept(col *segColumn) {
	if p.nkept == 0 {
		return
	}
	n := len(col.ids)
	if p.nkept*len(col.flat) <= col.bitsCost*n {
		for wi, w := range p.keptBits {
			for ; w != 0; w &= w - 1 {
				d := wi<<6 + bits.TrailingZeros64(w)
				for _, val := range col.flat[col.start[d]:col.start[d+1]] {
					p.counts[val]++
				}
			}
		}
	} else {
		kept := p.keptBits
		for val, count := range col.counts {
			if count == 0 {
				continue
			}
			c := 0
			if vb := col.valueBits[val]; vb != nil {
				for wi, w := range vb {
					c += bits.OnesCount64(w & kept[wi])
				}
			} else {
				for _, d := range col.holding(uint32(val)) {
					c += int(kept[d>>6] >> (d & 63) & 1)
				}
			}
			p.counts[val] += c
		}
	}
	clear(p.keptBits)
	p.nkept = 0
}

// denseMasks: a segment with more matches than its documents over this
// gets its masks made for all of its documents at once.
const denseMasks = 8

func (p *pass) segmentMasks(col *segColumn) []uint64 {
	p.segMasks = slices.Grow(p.segMasks[:0], len(col.ids))[:len(col.ids)]
	clear(p.segMasks)
	for _, val := range p.selVals {
		m := p.selMask[val]
		for _, d := range col.holding(val) {
			p.segMasks[d] |= m
		}
	}
	return p.segMasks
}

func (p *pass) takeOne(num uint64, col *segColumn, local uint64, vals []uint32, mask uint64, score float64) {
	found := p.marks.get(num)
	met := mask&p.soft | found>>markSoft&p.soft
	if p.needSoft && met == 0 {
		return
	}
	switch hard := mask & p.all; {
	case hard == p.all:
		p.matched |= found
		if p.perSegment {
			p.keptBits[local>>6] |= 1 << (local & 63)
			p.nkept++
		}
		p.keep(col.ids[local], score, vals, mask, p.cover(found, mask&p.soft, met))
	case p.side != nil && hard == p.all&^p.asideBit:
		p.aside(col.ids[local], score, vals, mask, p.cover(found, mask&p.soft, met))
		fallthrough
	default:
		// Records that pass every clause are counted by keep, and added
		// to the drills at the end (answer).
		if !p.textFree {
			p.drill(vals, mask)
		}
	}
}

// cover ranks a record by the inferred filters it meets (by its tags or its
// words) first, then by the required concepts it matched: the cases at the
// bank type the query names come first, each group by what it covers.
func (p *pass) cover(found, tagged, met uint64) int {
	n := 0
	switch {
	case p.tier == index.RequireAll:
		n += p.required
	case p.tier == index.RequireAny:
		n += bits.OnesCount64(found & (1<<markSoft - 1))
	}
	// A filter met by the record's tags counts twice, by its words once:
	// the records inside every filter come first.
	return (bits.OnesCount64(tagged)+bits.OnesCount64(met))<<8 + n
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
	if len(p.drills) == 0 {
		return
	}
	for _, n := range vals {
		if i := p.drillOf[n]; i >= 0 && mask&p.drills[i].need == p.drills[i].need {
			p.drills[i].counts[n]++
		}
	}
}

// keep counts a record that passes every hard clause and offers it to the
// window.
func (p *pass) keep(id string, score float64, vals []uint32, mask uint64, cover int) {
	p.total++
	if !p.perSegment { // else countKept counts them
		for _, n := range vals {
			p.counts[n]++
		}
	}
	if mask&p.named == p.named {
		p.inside++
	}
	for m := mask; m != 0; m &= m - 1 {
		p.met[bits.TrailingZeros64(m)]++
	}
	p.offer(p.top, id, score, vals, mask, cover)
}

// aside counts a record that fails only the aside clause and offers it to
// the list apart.
func (p *pass) aside(id string, score float64, vals []uint32, mask uint64, cover int) {
	p.sideN++
	p.offer(p.side, id, score, vals, mask, cover)
}

func (p *pass) offer(t *topK, id string, score float64, vals []uint32, mask uint64, cover int) {
	if t.k == 0 {
		return
	}
	// Most records fall clearly short of a full page's worst.
	if len(t.h) == t.k {
		if worst := t.h[0]; cover < worst.cover || cover == worst.cover && score < worst.score*(1-1e-9) {
			return
		}
	}
	if s := (scored{id: id, score: finite(score), cover: cover}); t.accepts(s) {
		s.kind = kindOf(p.v, vals)
		s.unmet = p.named &^ mask
		s.missed = p.soft &^ p.named &^ mask
		t.push(s)
	}
}

// finite: only clauses that score nothing make bleve's normalisation divide
// zero by zero. Scores are rounded to a grid far finer than any real
// difference, so that records scoring the same but for the order their
// clauses were added in tie, and ties go by id.
func finite(score float64) float64 {
	if math.IsNaN(score) || math.IsInf(score, 0) {
		return 0
	}
	return math.Round(score*scoreGrid) / scoreGrid
}

const scoreGrid = 1 << 36

// scan counts each selected field's values over the live records that pass
// every other field's clauses, straight from the columns: what a query
// without text needs and bleve did not walk.
func (p *pass) scan() {
	if len(p.drills) == 0 {
		return
	}
	for i, col := range p.v.cols {
		deleted := p.v.deleted[i]
		// The masks from the filtered values' lists of documents: a record's
		// values are read only when it counts in some drill.
		masks := p.segmentMasks(col)
		for local, mask := range masks {
			if !p.drilled(mask) {
				continue
			}
			if deleted != nil && deleted.Contains(uint32(local)) {
				continue
			}
			if p.needSoft && mask&p.soft|p.marks.get(p.v.offsets[i]+uint64(local))>>markSoft&p.soft == 0 {
				continue
			}
			p.drill(col.flat[col.start[local]:col.start[local+1]], mask)
		}
	}
}

// drilled reports whether a record of these clauses counts in some drill.
func (p *pass) drilled(mask uint64) bool {
	for _, d := range p.drills {
		if mask&d.need == d.need {
			return true
		}
	}
	return false
}

// answer is what the pass found: the window from from, and the counts.
func (p *pass) answer(from int) *index.Answer {
	ans := &index.Answer{Total: p.total, Inside: p.inside, Met: p.met, AsideTotal: p.sideN}
	for i := range p.required {
		switch {
		case p.tier == index.RequireNone, p.total == 0,
			p.tier == index.RequireAny && p.marks != nil && i < markSoft && p.matched&(1<<i) == 0:
			ans.Unmatched = append(ans.Unmatched, i)
		}
	}
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
			ans.Hits = append(ans.Hits, s.export())
		}
	}
	if p.side != nil {
		for _, s := range p.side.sorted() {
			ans.Aside = append(ans.Aside, s.export())
		}
	}
	if !p.textFree {
		for n, d := range p.drillOf {
			if d >= 0 {
				p.drills[d].counts[n] += p.counts[n]
			}
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
