package bleveengine

import (
	"cmp"
	"context"
	"errors"
	"math"
	"slices"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
	bleveindex "github.com/blevesearch/bleve_index_api"

	"casebank/corpus"
	"casebank/index"
)

// similarCandidates is how many records, at least, the cheap scores keep
// for the any-word alternatives to rank among.
const similarCandidates = 50

// similarPruning stops reading records that cannot reach the k best; a
// test turns it off to compare.
var similarPruning = true

// maxNameHits bounds the records a like's phrases (its names) contribute.
const maxNameHits = 1000

// Similar returns the n records of l's kind most like l, l itself left out,
// best first, ties by id. A query of l's facet values would walk posting
// lists that hold most of a large corpus (a theme of tens of thousands of
// cases: 227 ms a case page at 100,000 cases), so the values are scored in
// one pass over the facet columns, as bleve would score them (weight × idf²,
// the field's norm, coordination); phrases of rare words (a product name)
// are searched everywhere; common phrases and the any-word alternatives
// (the title's words) are scored by bleve among the best candidates only.
func (e *Engine) Similar(ctx context.Context, l *index.Like, n int) ([]index.Scored, error) {
	done, err := admit(ctx)
	if err != nil {
		return nil, err
	}
	defer done()
	bctx, cancel := budgeted(ctx)
	defer cancel()
	gen := e.gen.Load() // before the snapshot: see hasTerm
	r, v, err := e.snapshot()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	// A phrase of rare words is searched everywhere; one whose words are
	// common (a name most of a large corpus mentions) only among the
	// candidates, with the any-word alternatives.
	total := v.docFreq(v.value(corpus.FacetKind, l.Kind))
	rareLimit := max(minRareLimit, total/rareShare)
	var rare []rarePhrase
	var amongCandidates []query.Query
	for _, a := range l.Text {
		for _, fw := range a.Fields {
			if a.Match == index.AnyWord {
				amongCandidates = append(amongCandidates, e.rarestWords(bctx, r, gen, a.Text, fw))
			} else if df, idf2 := e.phraseTerms(bctx, r, gen, a.Text, fw.Field, total); df <= rareLimit {
				rare = append(rare, rarePhrase{fieldQuery(a, fw, nil), fw.Weight, idf2})
			} else {
				amongCandidates = append(amongCandidates, fieldQuery(a, fw, nil))
			}
		}
	}
	// Each rare phrase weighs as a clause of one bleve query would: its
	// weight times its words' idf², on the values' scale.
	named := map[string]namedHit{}
	for _, p := range rare {
		hits, err := e.similarText(bctx, []query.Query{p.q}, nil, maxNameHits)
		if err != nil {
			return nil, budgetError(ctx, err)
		}
		for id := range hits {
			h := named[id]
			h.score += p.weight * p.idf2 * typicalNamesNorm
			h.clauses++
			named[id] = h
		}
	}
	k := max(similarCandidates, 8*n)
	cands, err := similarValues(bctx, v, l, named, rare, len(rare)+len(amongCandidates), k)
	if err != nil {
		return nil, budgetError(ctx, err)
	}
	if len(amongCandidates) > 0 && len(cands.h) > 0 {
		ids := make([]string, len(cands.h))
		for i, s := range cands.h {
			ids[i] = s.id
		}
		words, err := e.similarText(bctx, amongCandidates, ids, len(ids))
		if err != nil {
			return nil, budgetError(ctx, err)
		}
		for i := range cands.h {
			cands.h[i].score += words[cands.h[i].id]
		}
	}
	best := cands.sorted()
	out := make([]index.Scored, 0, min(n, len(best)))
	for _, s := range best[:min(n, len(best))] {
		out = append(out, index.Scored{ID: s.id, Kind: l.Kind, Score: s.score})
	}
	return out, nil
}

// rarePhrase is a phrase of rare words, searched everywhere.
type rarePhrase struct {
	q            query.Query
	weight, idf2 float64 // idf2: the sum of its words' idf²
}

// namedHit is what a record's rare phrases add: their weights, unnormalised,
// and how many of them it matched.
type namedHit struct {
	score   float64
	clauses int
}

// typicalNamesNorm stands in for bleve's field norm of the names field (one
// over the square root of its words: a case's names run to a dozen or two),
// which a phrase's score carries and a count of matches does not.
const typicalNamesNorm = 0.25

// minRareLimit is the document frequency under which a phrase's rarest word
// makes it cheap enough to search everywhere, whatever the corpus's size;
// so does one in at most a rareShare-th of the records. Variables, so that
// a test can search every phrase among the candidates.
var minRareLimit, rareShare = 500, 200

// phraseTerms reads text's words in field: the fewest documents any one of
// them is in, and the sum of their idf² (a phrase scores as its words do).
func (e *Engine) phraseTerms(ctx context.Context, r bleveindex.IndexReader, gen uint64, text, field string, total int) (rarest int, idf2 float64) {
	f := textFields[field]
	rarest = math.MaxInt
	for _, tok := range analyse(f.Lang, text) {
		n, ok := e.docFreq(ctx, r, gen, f.Name, string(tok.Term))
		if !ok {
			return 0, idf2 // unknown: treat as rare
		}
		df := int(n)
		rarest = min(rarest, df)
		idf := 1 + math.Log(float64(total)/float64(df+1))
		idf2 += idf * idf
	}
	if rarest == math.MaxInt {
		rarest = 0
	}
	return rarest, idf2
}

// maxTitleWords bounds the title words a similar-case query scores the
// candidates by: its rarest, which weigh the most (a word's weight is its
// idf², and a bigram in a third of the corpus weighs a tenth of a rare one),
// where advancing the posting lists of the common ones to the candidates
// was most of a case page at 100,000 cases.
const maxTitleWords = 12

// rarestWords is text's any-word query in fw's field, of its rarest words
// that some record holds.
func (e *Engine) rarestWords(ctx context.Context, r bleveindex.IndexReader, gen uint64, text string, fw index.FieldWeight) query.Query {
	f := textFields[fw.Field]
	type word struct {
		term string
		df   uint64
	}
	var words []word
	for _, tok := range analyse(f.Lang, text) {
		t := string(tok.Term)
		if slices.ContainsFunc(words, func(w word) bool { return w.term == t }) {
			continue
		}
		if df, ok := e.docFreq(ctx, r, gen, f.Name, t); !ok || df > 0 {
			words = append(words, word{t, df})
		}
	}
	slices.SortStableFunc(words, func(a, b word) int { return cmp.Compare(a.df, b.df) })
	alts := make([]query.Query, 0, maxTitleWords)
	for _, w := range words[:min(len(words), maxTitleWords)] {
		tq := bleve.NewTermQuery(w.term)
		tq.SetField(f.Name)
		tq.SetBoost(fw.Weight)
		alts = append(alts, tq)
	}
	if len(alts) == 0 {
		return bleve.NewMatchNoneQuery()
	}
	return bleve.NewDisjunctionQuery(alts...)
}

// similarText scores the records that match one of qs — among only, when
// it is not nil — keeping the limit best.
func (e *Engine) similarText(ctx context.Context, qs []query.Query, only []string, limit int) (map[string]float64, error) {
	if len(qs) == 0 {
		return nil, nil
	}
	// No kind or self clause: a term query of the kind matches nearly every
	// record, and the pass over the columns drops other kinds and l itself.
	bq := bleve.NewBooleanQuery()
	if only != nil {
		bq.AddMust(bleve.NewDocIDQuery(only))
	}
	bq.AddShould(qs...)
	bq.SetMinShould(1)
	if !e.bleveSearch {
		if hits, err := e.topByScore(ctx, bq, limit); !errors.Is(err, errTooManyPostings) {
			return hits, err
		}
	}
	sr := bleve.NewSearchRequestOptions(bq, limit, 0, false)
	sr.SortBy([]string{"-_score", "_id"})
	res, err := e.bleve.SearchInContext(ctx, sr)
	if err != nil {
		return nil, err
	}
	out := make(map[string]float64, len(res.Hits))
	for _, h := range res.Hits {
		out[h.ID] = h.Score
	}
	return out, nil
}

// topByScore is the limit best records q matches, by score and then id,
// scored term at a time.
func (e *Engine) topByScore(ctx context.Context, q query.Query, limit int) (map[string]float64, error) {
	var v *view
	top := &topK{k: limit}
	take := func(seg int, docs []uint32, scores []float64) {
		for i, d := range docs {
			if s := (scored{id: v.cols[seg].ids[d], score: finite(scores[i])}); top.accepts(s) {
				top.push(s)
			}
		}
	}
	if err := e.runTerms(ctx, q, false, func(sv *view) { v = sv }, take); err != nil {
		return nil, err
	}
	out := make(map[string]float64, len(top.h))
	for _, s := range top.h {
		out[s.id] = s.score
	}
	return out, nil
}

// similarValues scores every record of l's kind by the facet values it
// shares with l and the rare phrases it matched, and keeps the k best. Sharing
// few of the like's clauses scales a score down, as bleve's coordination
// does: matched clauses over all clauses.
func similarValues(ctx context.Context, v *view, l *index.Like, named map[string]namedHit, rare []rarePhrase, textClauses, k int) (*topK, error) {
	// want[value number] is the position of the like's value, or -1;
	// facetOf[value number] the position of its facet among the like's, or -1.
	var facets []string
	for _, lv := range l.Values {
		if !slices.Contains(facets, lv.Facet) {
			facets = append(facets, lv.Facet)
		}
	}
	want, facetOf := make([]int, v.nvalues), make([]int, v.nvalues)
	wantNum := make([]int, len(l.Values)) // the like's value i's number, or -1
	for i := range wantNum {
		wantNum[i] = -1
	}
	kindValue := -1
	for num := range v.nvalues {
		want[num], facetOf[num] = -1, slices.Index(facets, v.fields[num])
		if v.fields[num] == corpus.FacetKind && v.codes[num] == l.Kind {
			kindValue = num
		}
		for i, lv := range l.Values {
			if v.fields[num] == lv.Facet && v.codes[num] == lv.Value {
				want[num], wantNum[i] = i, num
			}
		}
	}
	tops := &topK{k: k}
	if kindValue < 0 {
		return tops, nil // no record of the kind
	}
	// Rarity from the segments' counts of each value, no pass over the records.
	df := make([]int, len(l.Values))
	for num, i := range want {
		if i >= 0 {
			df[i] = v.docFreq(uint32(num))
		}
	}
	total := v.docFreq(uint32(kindValue))
	// As bleve scores the clauses of one query, the values (term queries of
	// one-term keyword fields) and the rare phrases: weight × idf², all
	// divided by the query's norm.
	weight := make([]float64, len(l.Values))
	norm := 0.0
	for i, lv := range l.Values {
		idf := 1 + math.Log(float64(total)/float64(df[i]+1))
		weight[i] = lv.Weight * idf * idf
		norm += (lv.Weight * idf) * (lv.Weight * idf)
	}
	for _, p := range rare {
		norm += p.weight * p.weight * p.idf2
	}
	if norm = math.Sqrt(norm); norm > 0 {
		for i := range weight {
			weight[i] /= norm
		}
	}
	clauses := float64(len(l.Values) + textClauses)
	// role[value number] packs what a value is to the like, for one lookup
	// per value in the pass: 0 nothing, kindRole the like's kind, else
	// (facet+1)<<16 | (value+1), the value part 0 for another value of a
	// facet the like has.
	const kindRole = math.MaxUint32
	role := make([]uint32, v.nvalues)
	for num := range v.nvalues {
		switch {
		case num == kindValue:
			role[num] = kindRole
		case facetOf[num] >= 0:
			role[num] = uint32(facetOf[num]+1)<<16 | uint32(want[num]+1)
		}
	}
	perFacet := make([]int, len(facets))
	var shared []uint32
	// valueScore scores a record's values; ok is false for another kind.
	valueScore := func(vals []uint32) (score float64, matched int, ok bool) {
		clear(perFacet)
		shared = shared[:0]
		for _, val := range vals {
			switch r := role[val]; {
			case r == 0:
			case r == kindRole:
				ok = true
			default:
				perFacet[r>>16-1]++
				if r&0xffff != 0 {
					shared = append(shared, r)
				}
			}
		}
		// A value among many of its facet counts less (bleve's field norm:
		// one over the square root of the field's values).
		for _, r := range shared {
			score += weight[r&0xffff-1] / math.Sqrt(float64(perFacet[r>>16-1]))
		}
		return score, len(shared), ok
	}
	keep := func(id string, score float64, matched int) {
		if matched == 0 || id == l.ID {
			return
		}
		s := scored{id: id, score: score * float64(matched) / clauses, kind: l.Kind}
		if tops.accepts(s) {
			tops.push(s)
		}
	}
	// The records sharing the most of the like's values first. A record
	// sharing c of them scores at most the c heaviest weights times c over
	// the clauses, and once the k best all score more than that, the records
	// sharing c or fewer (at 100,000 cases, most of them: a common theme's)
	// are not read. Counting each record's shared values from the values'
	// lists of documents is cheaper than reading its values. The named ones
	// are scored again below with their names' score (the higher entry wins).
	//
	// order is the like's values some record holds, heaviest first; of a
	// value given twice, the one valueScore weighs.
	var order []int
	for i := range l.Values {
		if wantNum[i] >= 0 && want[wantNum[i]] == i {
			order = append(order, i)
		}
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(weight[b], weight[a]) })
	heaviest := make([]float64, len(order)+1) // heaviest[c]: the c heaviest weights' sum
	for c, i := range order {
		heaviest[c+1] = heaviest[c] + weight[i]
	}
	// holds[g] is how many of the like's values record g holds (g numbers
	// the records of all segments, from base[sg]), reach[g] their weights'
	// sum: its score is at most reach × holds / clauses, since a value
	// among several of its facet counts less, never more.
	base := make([]int, len(v.cols)+1)
	for sg, col := range v.cols {
		base[sg+1] = base[sg] + len(col.ids)
	}
	holds, reach := make([]uint16, base[len(v.cols)]), make([]float32, base[len(v.cols)])
	for sg, col := range v.cols {
		for _, i := range order {
			w := float32(weight[i])
			for _, d := range col.holding(uint32(wantNum[i])) {
				holds[base[sg]+int(d)]++
				reach[base[sg]+int(d)] += w
			}
		}
	}
	// byHolds lists the records by how many values they hold, most first,
	// counted out in one pass: tier t, the records holding len(order)-t,
	// is byHolds[from[t]:from[t+1]].
	from := make([]int, len(order)+2)
	for _, n := range holds {
		from[len(order)-int(n)+1]++
	}
	for c := 1; c < len(from); c++ {
		from[c] += from[c-1]
	}
	byHolds := make([]uint32, len(holds))
	next := slices.Clone(from)
	for g, n := range holds {
		at := len(order) - int(n)
		byHolds[next[at]] = uint32(g)
		next[at]++
	}
	for tier := 0; tier < len(order); tier++ {
		c := len(order) - tier
		if len(tops.h) >= tops.k && similarPruning {
			if bound := heaviest[c] * float64(c) / clauses; tops.h[0].score > bound {
				break
			}
		}
		for at, g := range byHolds[from[tier]:from[tier+1]] {
			if at%4096 == 4095 && ctx.Err() != nil {
				return nil, ctx.Err()
			}
			// float32 sums: a margin far above their rounding.
			if len(tops.h) >= tops.k && similarPruning && float64(reach[g])*(1+1e-4)*float64(c)/clauses < tops.h[0].score {
				continue
			}
			sg := 0
			for int(g) >= base[sg+1] {
				sg++
			}
			d := int(g) - base[sg]
			if del := v.deleted[sg]; del != nil && del.Contains(uint32(d)) {
				continue
			}
			col := v.cols[sg]
			if score, matched, ok := valueScore(col.flat[col.start[d]:col.start[d+1]]); ok {
				keep(col.ids[d], score, matched)
			}
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
	}
	for id, h := range named {
		vals, ok := v.valuesOf(id)
		if !ok {
			continue
		}
		if score, matched, ok := valueScore(vals); ok {
			keep(id, score+h.score/norm, matched+h.clauses)
		}
	}
	tops.dedupe()
	return tops, nil
}
