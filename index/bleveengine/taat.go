package bleveengine

import (
	"cmp"
	"context"
	"encoding/binary"
	"errors"
	"math"
	"math/bits"
	"slices"
	"strings"
	"sync"

	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/scorer"
	"github.com/blevesearch/bleve/v2/search/searcher"
	bleveindex "github.com/blevesearch/bleve_index_api"

	"casebank/corpus"
	"casebank/index"
)

// A search scores the same tree of clauses bleve would, with bleve's
// tf-idf and coordination, but term at a time and a segment at a time:
// each term's postings are read from a cache of decoded lists and added
// into arrays, where bleve's searchers advance every term's iterator
// document by document through heaps of matches. At 100,000 cases a
// query's frequent words hold tens of thousands of postings each, and that
// walk was most of a search. Clauses this file does not know (phrases,
// match queries) are run by bleve's own searchers, moving forward with the
// segments; TestTermAtATimeScoresAsBleve compares the two on every judged
// query.

// xnode is one clause of the tree.
type xnode interface {
	// weight is bleve's sum of squared weights, from which the query norm is made.
	weight() float64
	setNorm(norm float64)
	// eval returns the clause's matches in segment seg, in document order;
	// the caller gives the buffers back with x.free.
	eval(x *xrun, seg int) xres
	// at scores the clause at the documents docs of segment seg, in
	// order: hit[i] says whether docs[i] matches, score[i] its score; both
	// come cleared. It
	// spares walking a clause's whole postings when another clause has
	// already narrowed the candidates to a few.
	at(x *xrun, seg int, docs []uint32, score []float64, hit []bool)
}

// xres is a clause's matches in one segment: local document numbers and
// their scores.
type xres struct {
	docs   []uint32
	scores []float64
}

// xrun is one search's state.
type xrun struct {
	ctx      context.Context
	e        *Engine
	r        bleveindex.IndexReader
	v        *view
	docTotal uint64
	terms    []*xterm
	opaque   []*xbleve
	free32   [][]uint32
	free64   [][]float64
	scratch  []*accumulator // by depth of disjunction
	depth    int
	lookups  int
	held     int       // bytes of the postings its terms hold
	coords   []float64 // drain's coordination factors
	gen      uint64    // the index generation, read before the snapshot
	err      error     // of a bleve searcher's read
	// fullMarks: a marked clause marks all it matches (runTerms).
	fullMarks bool
	marked    []*xmark
}

// accumulator holds one segment's sums and match counts.
type accumulator struct {
	sum     []float64
	cnt     []int32
	touched []uint64
}

func (x *xrun) alloc(n int) xres {
	var r xres
	if k := len(x.free32); k > 0 {
		r.docs, x.free32 = x.free32[k-1][:0], x.free32[:k-1]
	}
	if k := len(x.free64); k > 0 {
		r.scores, x.free64 = x.free64[k-1][:0], x.free64[:k-1]
	}
	r.docs, r.scores = slices.Grow(r.docs, n), slices.Grow(r.scores, n)
	return r
}

func (x *xrun) free(r xres) {
	if cap(r.docs) > 0 {
		x.free32 = append(x.free32, r.docs)
	}
	if cap(r.scores) > 0 {
		x.free64 = append(x.free64, r.scores)
	}
}

func (x *xrun) acc(n int) *accumulator {
	for len(x.scratch) <= x.depth {
		x.scratch = append(x.scratch, &accumulator{})
	}
	a := x.scratch[x.depth]
	if len(a.sum) < n {
		a.sum, a.cnt, a.touched = make([]float64, n), make([]int32, n), make([]uint64, (n+63)/64)
	}
	return a
}

// segCount is how many documents segment seg numbers, deleted ones included.
func (x *xrun) segCount(seg int) int { return len(x.v.cols[seg].start) - 1 }

// build turns a query of compile's into clauses, with the ones it does not
// know left to bleve's searchers (xbleve), as bleve's queries would build
// them: a boolean query's match-none parts dropped, a lone part in its place.
func (x *xrun) build(q query.Query, sopts bsearch.SearcherOptions) (xnode, error) {
	switch q := q.(type) {
	case *query.TermQuery:
		x.lookups++
		t := &xterm{field: q.Field(), term: q.Term, boost: q.Boost()}
		x.terms = append(x.terms, t)
		return t, nil
	case *query.MatchNoneQuery:
		return xnone{}, nil
	case *query.MatchAllQuery:
		return &xall{boost: q.Boost()}, nil
	case *query.ConjunctionQuery:
		if len(q.Conjuncts) == 0 {
			return xnone{}, nil
		}
		kids, err := x.buildAll(q.Conjuncts, sopts)
		if err != nil {
			return nil, err
		}
		if w := wordOf(kids); w != nil {
			return w, nil
		}
		return &xconj{clauses{kids}}, nil
	case *query.DisjunctionQuery:
		if len(q.Disjuncts) == 0 {
			return xnone{}, nil
		}
		if q.Min > 1 {
			return x.opaqueOf(q, sopts)
		}
		kids, err := x.buildAll(q.Disjuncts, sopts)
		if err != nil {
			return nil, err
		}
		return &xdisj{clauses: clauses{kids}, required: q.Min == 1}, nil
	case *query.DocIDQuery:
		return x.docsOf(q), nil
	case *query.BooleanQuery:
		if q.Filter != nil {
			return x.opaqueOf(q, sopts)
		}
		var must, should, not xnode
		var err error
		part := func(p query.Query) (xnode, error) {
			if p == nil {
				return nil, nil
			}
			n, err := x.build(p, sopts)
			if _, none := n.(xnone); none {
				return nil, err
			}
			return n, err
		}
		if must, err = part(q.Must); err != nil {
			return nil, err
		}
		if should, err = part(q.Should); err != nil {
			return nil, err
		}
		if not, err = part(q.MustNot); err != nil {
			return nil, err
		}
		// What bleve's boolean query makes of its parts.
		switch {
		case must == nil && should == nil && not == nil:
			return xnone{}, nil
		case should == nil && not == nil:
			return must, nil
		case must == nil && not == nil:
			return should, nil
		case must == nil && should == nil:
			must = &xall{boost: 1}
		}
		return &xbool{must: must, should: should, not: not}, nil
	case *markedQuery:
		kid, err := x.build(q.q, sopts)
		if err != nil {
			return nil, err
		}
		mk := &xmark{kid: kid, bit: q.bit, m: q.m}
		x.marked = append(x.marked, mk)
		return mk, nil
	}
	return x.opaqueOf(q, sopts)
}

func (x *xrun) buildAll(qs []query.Query, sopts bsearch.SearcherOptions) ([]xnode, error) {
	kids := make([]xnode, len(qs))
	for i, q := range qs {
		var err error
		if kids[i], err = x.build(q, sopts); err != nil {
			return nil, err
		}
	}
	return kids, nil
}

// opaqueOf is q run by bleve's searcher.
func (x *xrun) opaqueOf(q query.Query, sopts bsearch.SearcherOptions) (xnode, error) {
	s, err := q.Searcher(x.ctx, x.r, indexMapping(), sopts)
	if err != nil {
		return nil, err
	}
	if _, none := s.(*searcher.MatchNoneSearcher); none {
		s.Close()
		return xnone{}, nil
	}
	b := &xbleve{s: s}
	if mp, ok := q.(*query.MatchPhraseQuery); ok && phrasePrefilter {
		if f, ok := textFields[mp.FieldVal]; ok && mp.Analyzer == "" {
			b.field = f.Name
			for _, tok := range analyse(f.Lang, mp.MatchPhrase) {
				if !slices.Contains(b.terms, string(tok.Term)) {
					b.terms = append(b.terms, string(tok.Term))
				}
			}
		}
	}
	x.opaque = append(x.opaque, b)
	return b, nil
}

// phrasePrefilter lets a phrase's searcher be advanced only to the
// candidates that hold all of its words; a test turns it off to compare.
var phrasePrefilter = true

// docsOf is a doc id query: the live records of those ids, a constant score.
func (x *xrun) docsOf(q *query.DocIDQuery) xnode {
	d := &xdocs{boost: q.Boost(), in: make([][]uint32, len(x.v.cols))}
	for _, id := range q.IDs {
		for s, col := range x.v.cols {
			if local, ok := col.pos[id]; ok && (x.v.deleted[s] == nil || !x.v.deleted[s].Contains(local)) {
				d.in[s] = append(d.in[s], local)
			}
		}
	}
	for _, docs := range d.in {
		slices.Sort(docs)
	}
	return d
}

// maxHeldPostings bounds the decoded postings one search holds, cached or
// not: past it the search is left to bleve's searchers, which stream them.
// The heaviest benchmark query at 100,000 cases holds an eighth of it.
var maxHeldPostings = 64 << 20

// errTooManyPostings sends a search to bleve's searchers (maxHeldPostings).
var errTooManyPostings = errors.New("index: the search would hold too many decoded postings")

// prepare reads every term's postings and document frequency.
func (x *xrun) prepare() error {
	if x.lookups > index.MaxTermSearchers {
		return corpus.Errorf(corpus.EINVALID, "the query expands to more than %d term lookups; use fewer or shorter words", index.MaxTermSearchers)
	}
	// The document frequencies compile looked up tell, before any
	// decoding, a search that would hold too much.
	est := 0
	for _, t := range x.terms {
		if df, ok := x.e.docFreq(x.ctx, x.r, x.gen, t.field, t.term); ok {
			est += plistSize(int(df))
		}
	}
	if est > maxHeldPostings {
		return errTooManyPostings
	}
	for i, t := range x.terms {
		if i&63 == 0 {
			if err := x.ctx.Err(); err != nil {
				return err
			}
		}
		if err := t.prepare(x); err != nil {
			return err
		}
		for _, pl := range t.lists {
			x.held += pl.size()
		}
		if x.held > maxHeldPostings {
			return errTooManyPostings
		}
	}
	return nil
}

// Runs are pooled with their buffers: a search at 100,000 cases fills
// lists of tens of thousands of matches.
var xrunPool = sync.Pool{New: func() any { return &xrun{} }}

func newRun(ctx context.Context, e *Engine, r bleveindex.IndexReader, v *view) *xrun {
	x := xrunPool.Get().(*xrun)
	x.ctx, x.e, x.r, x.v = ctx, e, r, v
	return x
}

// close closes bleve's searchers and gives the run back to the pool.
func (x *xrun) close() {
	for _, b := range x.opaque {
		b.s.Close()
	}
	clear(x.terms)
	clear(x.opaque)
	clear(x.marked)
	x.terms, x.opaque, x.marked = x.terms[:0], x.opaque[:0], x.marked[:0]
	x.ctx, x.e, x.r, x.v, x.docTotal, x.depth, x.lookups, x.held, x.gen, x.err, x.fullMarks = nil, nil, nil, nil, 0, 0, 0, 0, 0, nil, false
	xrunPool.Put(x)
}

// xterm is a term query: bleve's tf-idf of one term in one field.
type xterm struct {
	field, term string
	boost       float64
	idf, qw     float64
	lists       []*plist // per segment; nil: not in it
	deleted     []bool   // per segment: whether it has deletions
}

func (t *xterm) prepare(x *xrun) error {
	t.lists = make([]*plist, len(x.v.cols))
	t.deleted = make([]bool, len(x.v.cols))
	var df uint64
	for s := range x.v.cols {
		pl, err := x.e.postings.get(x.v.segs[s], t.field, t.term)
		if err != nil {
			return err
		}
		t.lists[s] = pl
		del := x.v.deleted[s]
		if del == nil {
			df += uint64(len(pl.docs))
			continue
		}
		t.deleted[s] = true
		for _, d := range pl.docs {
			if !del.Contains(d) {
				df++
			}
		}
	}
	t.idf = 1.0 + math.Log(float64(x.docTotal)/float64(df+1.0))
	t.qw = 1.0
	return nil
}

func (t *xterm) weight() float64 {
	sum := t.boost * t.idf
	return sum * sum
}

func (t *xterm) setNorm(norm float64) { t.qw = t.boost * t.idf * norm }

func (t *xterm) score(tfn float64) float64 {
	s := tfn * t.idf
	if t.qw != 1.0 {
		s *= t.qw
	}
	return s
}

func (t *xterm) eval(x *xrun, seg int) xres {
	pl := t.lists[seg]
	r := x.alloc(len(pl.docs))
	del := x.v.deleted[seg]
	for i, d := range pl.docs {
		if t.deleted[seg] && del.Contains(d) {
			continue
		}
		r.docs = append(r.docs, d)
		r.scores = append(r.scores, t.score(pl.tfn[i]))
	}
	return r
}

func (t *xterm) at(x *xrun, seg int, docs []uint32, score []float64, hit []bool) {
	pl := t.lists[seg]
	del := x.v.deleted[seg]
	j := 0
	for i, doc := range docs {
		if j = gallop(pl.docs, j, doc); j == len(pl.docs) {
			return
		}
		if pl.docs[j] == doc && !(t.deleted[seg] && del.Contains(doc)) {
			hit[i], score[i] = true, t.score(pl.tfn[j])
		}
	}
}

// xnone matches nothing.
type xnone struct{}

func (xnone) weight() float64                            { return 0 }
func (xnone) setNorm(float64)                            {}
func (xnone) eval(x *xrun, seg int) xres                 { return xres{} }
func (xnone) at(*xrun, int, []uint32, []float64, []bool) {}

// xall matches every live document with a constant score.
type xall struct{ boost, qw float64 }

func (a *xall) weight() float64      { return a.boost * a.boost }
func (a *xall) setNorm(norm float64) { a.qw = a.boost * norm }
func (a *xall) eval(x *xrun, seg int) xres {
	n := x.segCount(seg)
	r := x.alloc(n)
	score := 1.0
	if a.qw != 1.0 {
		score *= a.qw
	}
	del := x.v.deleted[seg]
	for d := range uint32(n) {
		if del != nil && del.Contains(d) {
			continue
		}
		r.docs = append(r.docs, d)
		r.scores = append(r.scores, score)
	}
	return r
}

func (a *xall) at(x *xrun, seg int, docs []uint32, score []float64, hit []bool) {
	s := 1.0
	if a.qw != 1.0 {
		s *= a.qw
	}
	del := x.v.deleted[seg]
	for i, doc := range docs {
		if del == nil || !del.Contains(doc) {
			hit[i], score[i] = true, s
		}
	}
}

// xdocs is a doc id query: bleve's constant score for the records named.
type xdocs struct {
	boost, qw float64
	in        [][]uint32 // per segment, in order
}

func (d *xdocs) weight() float64      { return d.boost * d.boost }
func (d *xdocs) setNorm(norm float64) { d.qw = d.boost * norm }
func (d *xdocs) score() float64 {
	s := 1.0
	if d.qw != 1.0 {
		s *= d.qw
	}
	return s
}

func (d *xdocs) eval(x *xrun, seg int) xres {
	r := x.alloc(len(d.in[seg]))
	for _, doc := range d.in[seg] {
		r.docs, r.scores = append(r.docs, doc), append(r.scores, d.score())
	}
	return r
}

func (d *xdocs) at(x *xrun, seg int, docs []uint32, score []float64, hit []bool) {
	in := d.in[seg]
	j := 0
	for i, doc := range docs {
		if j = gallop(in, j, doc); j < len(in) && in[j] == doc {
			hit[i], score[i] = true, d.score()
		}
	}
}

// xdisj matches documents that match any of its clauses: the sum of their
// scores times the share of the clauses matched.
type xdisj struct {
	clauses
	// required: a boolean query's should clause with a minimum of one,
	// which its matches must then meet.
	required bool
}

// clauses are a composite's clauses: its weight is theirs summed, and the
// norm is set on each.
type clauses struct{ kids []xnode }

func (c clauses) weight() float64 {
	var w float64
	for _, k := range c.kids {
		w += k.weight()
	}
	return w
}

func (c clauses) setNorm(norm float64) {
	for _, k := range c.kids {
		k.setNorm(norm)
	}
}

func (d *xdisj) eval(x *xrun, seg int) xres {
	if len(d.kids) == 1 {
		// coord 1/1: the clause's own matches
		return d.kids[0].eval(x, seg)
	}
	n := x.segCount(seg)
	a := x.acc(n)
	x.depth++
	for _, k := range d.kids {
		if t, ok := k.(*xterm); ok {
			t.addTo(x, seg, a) // no list of its own
			continue
		}
		r := k.eval(x, seg)
		for i, doc := range r.docs {
			a.sum[doc] += r.scores[i]
			a.cnt[doc]++
			a.touched[doc>>6] |= 1 << (doc & 63)
		}
		x.free(r)
	}
	x.depth--
	return a.drain(x, len(d.kids))
}

func (d *xdisj) at(x *xrun, seg int, docs []uint32, score []float64, hit []bool) {
	n := len(docs)
	sum, cnt := make([]float64, n), make([]int32, n)
	ks, kh := make([]float64, n), make([]bool, n)
	for _, k := range d.kids {
		clear(ks)
		clear(kh)
		k.at(x, seg, docs, ks, kh)
		for i, h := range kh {
			if h {
				sum[i] += ks[i]
				cnt[i]++
			}
		}
	}
	for i := range docs {
		if cnt[i] > 0 {
			hit[i], score[i] = true, sum[i]*(float64(cnt[i])/float64(len(d.kids)))
		}
	}
}

// addTo adds the term's scores in segment seg to a.
func (t *xterm) addTo(x *xrun, seg int, a *accumulator) {
	pl := t.lists[seg]
	del := x.v.deleted[seg]
	for i, doc := range pl.docs {
		if t.deleted[seg] && del.Contains(doc) {
			continue
		}
		a.sum[doc] += t.score(pl.tfn[i])
		a.cnt[doc]++
		a.touched[doc>>6] |= 1 << (doc & 63)
	}
}

// drain returns the documents a holds with their coordinated scores, and
// clears a.
func (a *accumulator) drain(x *xrun, total int) xres {
	n := 0
	for _, w := range a.touched {
		n += bits.OnesCount64(w)
	}
	r := x.alloc(n)
	r.docs, r.scores = r.docs[:n], r.scores[:n]
	// The coordination of each match count, divided once.
	coords := x.coords[:0]
	for c := range total + 1 {
		coords = append(coords, float64(c)/float64(total))
	}
	x.coords = coords
	i := 0
	for wi, w := range a.touched {
		if w == 0 {
			continue
		}
		a.touched[wi] = 0
		for w != 0 {
			doc := uint32(wi<<6 + bits.TrailingZeros64(w))
			w &= w - 1
			r.docs[i], r.scores[i] = doc, a.sum[doc]*coords[a.cnt[doc]]
			a.sum[doc], a.cnt[doc] = 0, 0
			i++
		}
	}
	return r
}

// xconj matches documents that match all of its clauses: the sum of their
// scores.
type xconj struct{ clauses }

func (c *xconj) eval(x *xrun, seg int) xres {
	// The shortest list leads, as bleve orders its searchers by their
	// counts; a term is intersected straight from its postings.
	kids := slices.Clone(c.kids)
	length := func(k xnode) int {
		if t, ok := k.(*xterm); ok {
			return len(t.lists[seg].docs)
		}
		return math.MaxInt
	}
	slices.SortStableFunc(kids, func(a, b xnode) int { return cmp.Compare(length(a), length(b)) })
	if length(kids[0]) == 0 {
		return xres{}
	}
	out := kids[0].eval(x, seg)
	for _, k := range kids[1:] {
		if len(out.docs) == 0 {
			break
		}
		if t, ok := k.(*xterm); ok {
			out = t.intersect(x, seg, out)
			continue
		}
		out = narrow(x, seg, k, out)
	}
	return out
}

// narrow keeps the documents of a that k matches, adding its scores.
func narrow(x *xrun, seg int, k xnode, a xres) xres {
	if len(a.docs)*narrowShare >= x.segCount(seg) {
		r := k.eval(x, seg)
		a = intersect(a, r)
		x.free(r)
		return a
	}
	score, hit := make([]float64, len(a.docs)), make([]bool, len(a.docs))
	k.at(x, seg, a.docs, score, hit)
	n := 0
	for i, doc := range a.docs {
		if hit[i] {
			a.docs[n], a.scores[n] = doc, a.scores[i]+score[i]
			n++
		}
	}
	a.docs, a.scores = a.docs[:n], a.scores[:n]
	return a
}

// narrowShare: candidates fewer than a segment's documents over this are
// scored one by one (at) rather than by walking a clause's matches.
const narrowShare = 16

func (c *xconj) at(x *xrun, seg int, docs []uint32, score []float64, hit []bool) {
	n := len(docs)
	ks, kh := make([]float64, n), make([]bool, n)
	alive := make([]bool, n)
	for i := range alive {
		alive[i] = true
	}
	for _, k := range c.kids {
		clear(ks)
		clear(kh)
		k.at(x, seg, docs, ks, kh)
		for i := range docs {
			if !kh[i] {
				alive[i] = false
			} else if alive[i] {
				score[i] += ks[i]
			}
		}
	}
	for i := range docs {
		hit[i] = alive[i]
		if !alive[i] {
			score[i] = 0
		}
	}
}

// intersect keeps the documents of a that hold the term in segment seg,
// adding its scores; it reuses a's buffers.
func (t *xterm) intersect(x *xrun, seg int, a xres) xres {
	pl := t.lists[seg]
	del := x.v.deleted[seg]
	k, j := 0, 0
	for i, doc := range a.docs {
		j = gallop(pl.docs, j, doc)
		if j == len(pl.docs) {
			break
		}
		if pl.docs[j] == doc && !(t.deleted[seg] && del.Contains(doc)) {
			a.docs[k], a.scores[k] = doc, a.scores[i]+t.score(pl.tfn[j])
			k++
			j++
		}
	}
	a.docs, a.scores = a.docs[:k], a.scores[:k]
	return a
}

// gallop is the first position at or after j of a document not below doc.
func gallop(docs []uint32, j int, doc uint32) int {
	if j >= len(docs) || docs[j] >= doc {
		return j
	}
	step := 1
	for j+step < len(docs) && docs[j+step] < doc {
		j += step
		step <<= 1
	}
	for j < len(docs) && docs[j] < doc {
		j++
	}
	return j
}

// intersect keeps the documents of a that are in b, adding b's scores;
// it reuses a's buffers.
func intersect(a, b xres) xres {
	k, j := 0, 0
	for i, doc := range a.docs {
		j = gallop(b.docs, j, doc)
		if j == len(b.docs) {
			break
		}
		if b.docs[j] == doc {
			a.docs[k], a.scores[k] = doc, a.scores[i]+b.scores[j]
			k++
			j++
		}
	}
	a.docs, a.scores = a.docs[:k], a.scores[:k]
	return a
}

// xword is a conjunction of terms of one field (a Chinese word's
// bigrams): the documents holding them all are kept per segment with each
// term's tf × norm, so that a frequent word is not intersected again.
type xword struct {
	terms []*xterm
	key   string // the terms joined by NUL
	lists []*wordList
}

func wordOf(kids []xnode) *xword {
	if len(kids) < 2 {
		return nil
	}
	w := &xword{}
	var key strings.Builder
	for i, k := range kids {
		t, ok := k.(*xterm)
		if !ok || t.field != w.field() && i > 0 {
			return nil
		}
		w.terms = append(w.terms, t)
		if i > 0 {
			key.WriteByte(0)
		}
		key.WriteString(t.term)
	}
	w.key = key.String()
	return w
}

func (w *xword) field() string {
	if len(w.terms) == 0 {
		return ""
	}
	return w.terms[0].field
}

func (w *xword) weight() float64 {
	var sum float64
	for _, t := range w.terms {
		sum += t.weight()
	}
	return sum
}

func (w *xword) setNorm(norm float64) {
	for _, t := range w.terms {
		t.setNorm(norm)
	}
}

// list is the word's documents in segment seg (its terms' postings are
// read by then: prepare).
func (w *xword) list(x *xrun, seg int) *wordList {
	if w.lists == nil {
		w.lists = make([]*wordList, len(x.v.cols))
	}
	if w.lists[seg] != nil {
		return w.lists[seg]
	}
	// Building a word's list cannot fail, so neither can its lookup.
	v, _ := x.e.postings.lookup(pkey{seg: x.v.segs[seg], field: w.field(), term: w.key, word: true}, func() (cached, error) {
		return w.intersect(seg), nil
	})
	w.lists[seg] = v.(*wordList)
	return w.lists[seg]
}

// intersect makes the word's list of segment seg from its terms' postings,
// deleted documents included (eval drops them).
func (w *xword) intersect(seg int) *wordList {
	order := make([]int, len(w.terms))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		return cmp.Compare(len(w.terms[a].lists[seg].docs), len(w.terms[b].lists[seg].docs))
	})
	first := w.terms[order[0]].lists[seg]
	wl := &wordList{order: order, docs: slices.Clone(first.docs), tfn: make([][]float64, len(order))}
	wl.tfn[0] = slices.Clone(first.tfn)
	for k, ti := range order[1:] {
		pl := w.terms[ti].lists[seg]
		tfn := make([]float64, 0, len(wl.docs))
		n, j := 0, 0
		for i, doc := range wl.docs {
			if j = gallop(pl.docs, j, doc); j == len(pl.docs) {
				break
			}
			if pl.docs[j] == doc {
				wl.docs[n] = doc
				for c := 0; c <= k; c++ {
					wl.tfn[c][n] = wl.tfn[c][i]
				}
				tfn = append(tfn, pl.tfn[j])
				n++
				j++
			}
		}
		wl.docs = wl.docs[:n]
		for c := 0; c <= k; c++ {
			wl.tfn[c] = wl.tfn[c][:n]
		}
		wl.tfn[k+1] = tfn
	}
	return wl
}

func (w *xword) score(wl *wordList, i int) float64 {
	s := w.terms[wl.order[0]].score(wl.tfn[0][i])
	for c := 1; c < len(wl.order); c++ {
		s = s + w.terms[wl.order[c]].score(wl.tfn[c][i])
	}
	return s
}

func (w *xword) eval(x *xrun, seg int) xres {
	wl := w.list(x, seg)
	r := x.alloc(len(wl.docs))
	del := x.v.deleted[seg]
	for i, doc := range wl.docs {
		if del != nil && del.Contains(doc) {
			continue
		}
		r.docs, r.scores = append(r.docs, doc), append(r.scores, w.score(wl, i))
	}
	return r
}

func (w *xword) at(x *xrun, seg int, docs []uint32, score []float64, hit []bool) {
	wl := w.list(x, seg)
	del := x.v.deleted[seg]
	j := 0
	for i, doc := range docs {
		if j = gallop(wl.docs, j, doc); j == len(wl.docs) {
			return
		}
		if wl.docs[j] == doc && (del == nil || !del.Contains(doc)) {
			hit[i], score[i] = true, w.score(wl, j)
		}
	}
}

// xbool is bleve's boolean searcher: the must clause's matches not in the
// must-not clause, with the should clause's score added where it matches.
type xbool struct{ must, should, not xnode }

func (b *xbool) weight() float64 {
	var w float64
	if b.must != nil {
		w += b.must.weight()
	}
	if b.should != nil {
		w += b.should.weight()
	}
	return w
}

func (b *xbool) setNorm(norm float64) {
	if b.must != nil {
		b.must.setNorm(norm)
	}
	if b.should != nil {
		b.should.setNorm(norm)
	}
}

func (b *xbool) eval(x *xrun, seg int) xres {
	if b.must == nil { // the should clause's matches are the candidates
		out := b.should.eval(x, seg)
		not := b.not.eval(x, seg)
		out = subtract(out, not)
		x.free(not)
		return out
	}
	out := b.must.eval(x, seg)
	if b.not != nil && len(out.docs) > 0 {
		not := b.not.eval(x, seg)
		out = subtract(out, not)
		x.free(not)
	}
	if b.should == nil || len(out.docs) == 0 {
		return out
	}
	score, hit := make([]float64, len(out.docs)), make([]bool, len(out.docs))
	if len(out.docs)*narrowShare < x.segCount(seg) {
		b.should.at(x, seg, out.docs, score, hit)
	} else {
		should := b.should.eval(x, seg)
		j := 0
		for i, doc := range out.docs {
			if j = gallop(should.docs, j, doc); j < len(should.docs) && should.docs[j] == doc {
				hit[i], score[i] = true, should.scores[j]
			}
		}
		x.free(should)
	}
	n := 0
	for i, doc := range out.docs {
		switch {
		case hit[i]:
			out.scores[i] = 0 + out.scores[i] + score[i]
		case b.shouldRequired():
			continue
		}
		out.docs[n], out.scores[n] = doc, out.scores[i]
		n++
	}
	out.docs, out.scores = out.docs[:n], out.scores[:n]
	return out
}

// shouldRequired: a should clause with a minimum of one must match.
func (b *xbool) shouldRequired() bool {
	d, ok := b.should.(*xdisj)
	return ok && d.required
}

func (b *xbool) at(x *xrun, seg int, docs []uint32, score []float64, hit []bool) {
	n := len(docs)
	if b.must == nil {
		b.should.at(x, seg, docs, score, hit)
	} else {
		b.must.at(x, seg, docs, score, hit)
		if b.should != nil {
			ks, kh := make([]float64, n), make([]bool, n)
			b.should.at(x, seg, docs, ks, kh)
			for i := range docs {
				switch {
				case !hit[i]:
				case kh[i]:
					score[i] = 0 + score[i] + ks[i]
				case b.shouldRequired():
					hit[i], score[i] = false, 0
				}
			}
		}
	}
	if b.not != nil {
		ks, kh := make([]float64, n), make([]bool, n)
		b.not.at(x, seg, docs, ks, kh)
		for i, h := range kh {
			if h {
				hit[i], score[i] = false, 0
			}
		}
	}
}

// subtract keeps the documents of a that are not in b.
func subtract(a, b xres) xres {
	k, j := 0, 0
	for i, doc := range a.docs {
		for j < len(b.docs) && b.docs[j] < doc {
			j++
		}
		if j < len(b.docs) && b.docs[j] == doc {
			continue
		}
		a.docs[k], a.scores[k] = doc, a.scores[i]
		k++
	}
	a.docs, a.scores = a.docs[:k], a.scores[:k]
	return a
}

// xmark marks every document its clause matches (markedQuery).
type xmark struct {
	kid xnode
	bit int
	m   *marks
	// pre is the segment's matches, all marked before the search when
	// every match must be (runTerms' fullMarks); nil otherwise.
	pre *xres
}

func (mk *xmark) weight() float64      { return mk.kid.weight() }
func (mk *xmark) setNorm(norm float64) { mk.kid.setNorm(norm) }

// premark marks all of the clause's matches in segment seg, whatever the
// search then reaches of them.
func (mk *xmark) premark(x *xrun, seg int) {
	r := mk.kid.eval(x, seg)
	mk.mark(x, seg, r.docs)
	mk.pre = &r
}

// done gives back premark's matches after the segment.
func (mk *xmark) done(x *xrun) {
	if mk.pre != nil {
		x.free(*mk.pre)
		mk.pre = nil
	}
}

func (mk *xmark) mark(x *xrun, seg int, docs []uint32) {
	off := x.v.offsets[seg]
	for _, doc := range docs {
		mk.m.set(off+uint64(doc), mk.bit)
	}
}

func (mk *xmark) eval(x *xrun, seg int) xres {
	if mk.pre != nil {
		r := x.alloc(len(mk.pre.docs))
		r.docs, r.scores = append(r.docs, mk.pre.docs...), append(r.scores, mk.pre.scores...)
		return r
	}
	r := mk.kid.eval(x, seg)
	mk.mark(x, seg, r.docs)
	return r
}

func (mk *xmark) at(x *xrun, seg int, docs []uint32, score []float64, hit []bool) {
	if mk.pre != nil {
		j := 0
		for i, doc := range docs {
			if j = gallop(mk.pre.docs, j, doc); j < len(mk.pre.docs) && mk.pre.docs[j] == doc {
				hit[i], score[i] = true, mk.pre.scores[j]
			}
		}
		return
	}
	mk.kid.at(x, seg, docs, score, hit)
	off := x.v.offsets[seg]
	for i, doc := range docs {
		if hit[i] {
			mk.m.set(off+uint64(doc), mk.bit)
		}
	}
}

// xbleve is a clause bleve's own searcher runs. Segments are evaluated in
// order and each one's documents in order, so the searcher only moves
// forward: a whole segment's matches are read with Next, a few candidates
// reached with Advance, as bleve would have.
type xbleve struct {
	s bsearch.Searcher
	// A phrase's field and distinct words: a candidate missing one of them
	// is no match, and advancing the searcher to it would read on to the
	// next real match, decoding the positions of every record between.
	field   string
	terms   []string
	sctx    *bsearch.SearchContext
	cur     *bsearch.DocumentMatch
	num     uint64 // cur's global number
	started bool
	done    bool
}

func (b *xbleve) weight() float64      { return b.s.Weight() }
func (b *xbleve) setNorm(norm float64) { b.s.SetQueryNorm(norm) }

// next moves to the first match at or after target (Next when target is
// the very next document); false at the end or on an error, kept in x.err.
func (b *xbleve) seek(x *xrun, target uint64, useNext bool) bool {
	if b.done {
		return false
	}
	if b.sctx == nil {
		b.sctx = &bsearch.SearchContext{DocumentMatchPool: bsearch.NewDocumentMatchPool(b.s.DocumentMatchPoolSize(), 0), IndexReader: x.r}
	}
	if b.started && b.cur != nil && b.num >= target {
		return true
	}
	if b.cur != nil {
		b.sctx.DocumentMatchPool.Put(b.cur)
		b.cur = nil
	}
	var d *bsearch.DocumentMatch
	var err error
	if useNext || !b.started {
		d, err = b.s.Next(b.sctx)
		for err == nil && d != nil && binary.BigEndian.Uint64(d.IndexInternalID) < target {
			b.sctx.DocumentMatchPool.Put(d)
			d, err = b.s.Advance(b.sctx, bleveindex.IndexInternalID(binary.BigEndian.AppendUint64(nil, target)))
		}
	} else {
		d, err = b.s.Advance(b.sctx, bleveindex.IndexInternalID(binary.BigEndian.AppendUint64(nil, target)))
	}
	b.started = true
	if err != nil && x.err == nil {
		x.err = err
	}
	if err != nil || d == nil {
		b.done = true
		return false
	}
	b.cur, b.num = d, binary.BigEndian.Uint64(d.IndexInternalID)
	return true
}

func (b *xbleve) eval(x *xrun, seg int) xres {
	off := x.v.offsets[seg]
	end := off + uint64(x.segCount(seg))
	r := x.alloc(0)
	ok := b.seek(x, off, false)
	for n := 0; ok && b.num < end; n++ {
		if n&1023 == 1023 && x.ctx.Err() != nil {
			x.err = x.ctx.Err()
			break
		}
		r.docs, r.scores = append(r.docs, uint32(b.num-off)), append(r.scores, b.cur.Score)
		ok = b.seek(x, b.num+1, true)
	}
	return r
}

func (b *xbleve) at(x *xrun, seg int, docs []uint32, score []float64, hit []bool) {
	off := x.v.offsets[seg]
	lists := b.wordLists(x, seg)
	cursors := make([]int, len(lists))
	for i, doc := range docs {
		if lists != nil && !holdsAll(lists, cursors, doc) {
			continue
		}
		if !b.seek(x, off+uint64(doc), false) {
			return
		}
		if b.num == off+uint64(doc) {
			hit[i], score[i] = true, b.cur.Score
		}
	}
}

// wordLists are the postings of a phrase's words in segment seg, nil when
// the clause is no phrase or a list cannot be read (the searcher decides).
func (b *xbleve) wordLists(x *xrun, seg int) []*plist {
	if len(b.terms) == 0 {
		return nil
	}
	lists := make([]*plist, len(b.terms))
	for i, term := range b.terms {
		pl, err := x.e.postings.get(x.v.segs[seg], b.field, term)
		if err != nil {
			return nil
		}
		lists[i] = pl
	}
	return lists
}

// holdsAll reports whether local document doc is in every list. The
// documents asked about ascend, and cursors keep where each list was left:
// many candidates cost a merge, few a gallop each.
func holdsAll(lists []*plist, cursors []int, doc uint32) bool {
	for k, pl := range lists {
		cursors[k] = gallop(pl.docs, cursors[k], doc)
		if cursors[k] >= len(pl.docs) || pl.docs[cursors[k]] != doc {
			return false
		}
	}
	return true
}

// tf is bleve's term frequency factor.
func tf(freq uint64) float64 {
	if freq < scorer.MaxSqrtCache {
		return scorer.SqrtCache[int(freq)]
	}
	return math.Sqrt(float64(freq))
}
