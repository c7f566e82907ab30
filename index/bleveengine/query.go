package bleveengine

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	porterstemmer "github.com/blevesearch/go-porterstemmer"

	"casebank/corpus"
	"casebank/index"
)

var analyzers sync.Map // name → analysis.Analyzer

func analyzer(name string) analysis.Analyzer {
	if a, ok := analyzers.Load(name); ok {
		return a.(analysis.Analyzer)
	}
	a := indexMapping().(*mapping.IndexMappingImpl).AnalyzerNamed(name)
	analyzers.Store(name, a)
	return a
}

var indexMapping = sync.OnceValue(buildMapping)

// A query analyses each alternative's text once per field it is searched
// in, a dozen fields for two analyzers: the token streams are kept, and
// dropped all at once when many queries' texts have piled up.
var analysed struct {
	sync.Mutex
	m map[analysedKey]analysis.TokenStream
}

type analysedKey struct {
	lang index.Lang
	text string
}

const maxAnalysed = 4096

// analyse is the token stream of text in lang; callers must not change it.
func analyse(lang index.Lang, text string) analysis.TokenStream {
	k := analysedKey{lang, text}
	analysed.Lock()
	ts, ok := analysed.m[k]
	analysed.Unlock()
	if ok {
		return ts
	}
	ts = analyzer(analyzerOf(lang)).Analyze([]byte(text))
	analysed.Lock()
	if analysed.m == nil || len(analysed.m) >= maxAnalysed {
		analysed.m = make(map[analysedKey]analysis.TokenStream, 256)
	}
	analysed.m[k] = ts
	analysed.Unlock()
	return ts
}

// Terms returns the terms the field analyzer of lang makes of text.
func (e *Engine) Terms(lang index.Lang, text string) []string {
	tokens := analyzer(analyzerOf(lang)).Analyze([]byte(text))
	out := make([]string, len(tokens))
	for i, tok := range tokens {
		out[i] = string(tok.Term)
	}
	return out
}

// MatchStems stems a lowercase English word as the English analyzer does,
// and looks it up without keeping the stem (no allocation for most words).
func (e *Engine) MatchStems(stems map[string]bool) func(word string) bool {
	return func(word string) bool {
		return stems[string(porterstemmer.StemWithoutLowerCasing([]rune(word)))]
	}
}

// compiled is a plan's concepts as bleve queries, built once for all its
// tiers: analysing the words for every field is most of building them.
type compiled struct {
	required, optional, excluded []query.Query
	// filterText[i] is the words of Plan.Filters[i], an inferred filter, or nil.
	filterText []query.Query
}

func compile(p *index.Plan, has hasTerm) *compiled {
	c := &compiled{filterText: make([]query.Query, len(p.Filters))}
	for _, set := range []struct {
		concepts []index.Concept
		out      *[]query.Query
	}{{p.Required, &c.required}, {p.Optional, &c.optional}, {p.Excluded, &c.excluded}} {
		for _, cn := range set.concepts {
			*set.out = append(*set.out, conceptQuery(cn, has))
		}
	}
	for i, f := range p.Filters {
		if f.Inferred && f.Text != nil && i < 64-markSoft {
			c.filterText[i] = conceptQuery(*f.Text, has)
		}
	}
	return c
}

// softText reports whether an inferred filter is also met by words.
func (c *compiled) softText() bool {
	return slices.ContainsFunc(c.filterText, func(q query.Query) bool { return q != nil })
}

// query is the text of one tier: every required concept or any one of
// them, the optional ones ranking, the excluded ones left out. Filters are
// not part of it, the pass applies them to each hit, except in a tier that
// requires no text: there the query requires the hard filters but the aside
// one (bleve then walks only the records that pass, and textFree says so:
// the columns count what it does not walk) and, when there
// are inferred ones, one of those met by its tags or its words.
func (c *compiled) query(t index.Tier, clauses []clause, aside int, mk *marks) (q query.Query, textFree bool) {
	var must, should []query.Query
	noText := t.Require == index.RequireNone || len(c.required) == 0
	switch {
	case noText:
	case t.Require == index.RequireAny && len(c.required) > 1:
		// At least one of the text clauses, each marking what it finds so
		// that records covering more of them rank first.
		alts := make([]query.Query, len(c.required))
		for i, r := range c.required {
			alts[i] = marked(r, i, mk)
		}
		must = append(must, bleve.NewDisjunctionQuery(alts...))
	default:
		must = append(must, c.required...)
	}
	var metBy []query.Query // what meets an inferred filter
	for i, cl := range clauses {
		if !cl.soft {
			// The aside clause is left to the pass, which lists its failures apart.
			if noText && len(c.excluded) == 0 && i != aside {
				must, textFree = append(must, unscoredTerms(cl.field, cl.codes)), true
			}
			continue
		}
		if text := c.filterText[i]; text != nil {
			text = marked(text, markSoft+i, mk)
			metBy = append(metBy, text)
			if !noText {
				should = append(should, text) // ranks; the filter's words in the text
			}
		}
		if noText {
			metBy = append(metBy, unscoredTerms(cl.field, cl.codes))
		}
	}
	if noText && len(metBy) > 0 {
		must = append(must, bleve.NewDisjunctionQuery(metBy...))
	}
	if len(must) == 0 {
		must = []query.Query{bleve.NewMatchAllQuery()}
	}
	bq := bleve.NewBooleanQuery()
	bq.AddMust(must...)
	should = append(should, c.optional...)
	if len(should) > 0 {
		bq.AddShould(should...)
	}
	if len(c.excluded) > 0 {
		bq.AddMustNot(c.excluded...)
	}
	return bq, textFree
}

// conceptQuery matches any of a concept's alternatives.
func conceptQuery(c index.Concept, has hasTerm) query.Query {
	if len(c.Alternatives) == 1 {
		return alternativeQuery(c.Alternatives[0], has)
	}
	alts := make([]query.Query, len(c.Alternatives))
	for i, a := range c.Alternatives {
		alts[i] = alternativeQuery(a, has)
	}
	return bleve.NewDisjunctionQuery(alts...)
}

// alternativeQuery matches an alternative in any of its fields.
func alternativeQuery(a index.Alternative, has hasTerm) query.Query {
	alts := make([]query.Query, len(a.Fields))
	for i, fw := range a.Fields {
		alts[i] = fieldQuery(a, fw, has)
	}
	return bleve.NewDisjunctionQuery(alts...)
}

// fieldQuery matches an alternative's text in one field.
func fieldQuery(a index.Alternative, fw index.FieldWeight, has hasTerm) query.Query {
	f := textFields[fw.Field]
	switch {
	case a.Match == index.Phrase && f.Positions:
		return phraseQuery(f, a.Text, fw.Weight, has)
	case a.Match == index.AnyWord:
		mq := bleve.NewMatchQuery(a.Text)
		mq.SetField(f.Name)
		if fw.Weight != 1 {
			mq.SetBoost(fw.Weight)
		}
		return mq
	}
	return allWords(f, a.Text, fw.Weight, has)
}

// hasTerm reports whether some record holds term in field; nil: assume so.
type hasTerm func(field, term string) bool

// absent reports whether a token is in no record's field: then the words
// cannot match there. A match-none query in its place costs nothing to
// set up, where a term searcher reads a postings list per segment, and it
// still counts in its disjunction's coordination, so scores do not change.
func absent(f index.TextField, tokens analysis.TokenStream, has hasTerm) bool {
	if has == nil {
		return false
	}
	for _, tok := range tokens {
		if !has(f.Name, string(tok.Term)) {
			return true
		}
	}
	return false
}

// allWords matches text in one field with every one of its words (Chinese:
// bigrams) required.
func allWords(f index.TextField, text string, boost float64, has hasTerm) query.Query {
	return distinctTerms(f, analyse(f.Lang, text), boost, has)
}

// phraseQuery matches text word for word in field f, or, when the text has
// more than MaxPhraseTokens words, as all its distinct words.
func phraseQuery(f index.TextField, text string, boost float64, has hasTerm) query.Query {
	tokens := analyse(f.Lang, text)
	if absent(f, tokens, has) {
		return bleve.NewMatchNoneQuery()
	}
	if len(tokens) <= index.MaxPhraseTokens {
		q := bleve.NewMatchPhraseQuery(text)
		q.SetField(f.Name)
		q.SetBoost(boost)
		return q
	}
	return distinctTerms(f, tokens, boost, has)
}

// distinctTerms requires every distinct token in field f: what a match query
// with operator AND does, without looking a repeated word up again.
func distinctTerms(f index.TextField, tokens analysis.TokenStream, boost float64, has hasTerm) query.Query {
	if absent(f, tokens, has) {
		return bleve.NewMatchNoneQuery()
	}
	seen := make(map[string]bool, len(tokens))
	terms := make([]query.Query, 0, len(tokens))
	for _, tok := range tokens {
		if seen[string(tok.Term)] {
			continue
		}
		seen[string(tok.Term)] = true
		tq := bleve.NewTermQuery(string(tok.Term))
		tq.SetField(f.Name)
		tq.SetBoost(boost) // bleve weighs the terms, not the conjunction
		terms = append(terms, tq)
	}
	switch len(terms) {
	case 0:
		return bleve.NewMatchNoneQuery()
	case 1:
		return terms[0]
	}
	return bleve.NewConjunctionQuery(terms...)
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

// budgeted bounds a search's time and term lookups.
func budgeted(ctx context.Context) (context.Context, context.CancelFunc) {
	ctx = context.WithValue(ctx, bsearch.MaxTermSearchersKey, index.MaxTermSearchers)
	return context.WithTimeout(ctx, index.SearchTimeout)
}

// budgetError turns a search over its budget into an error the user can act
// on, and passes others.
func budgetError(parent context.Context, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(parent.Err(), context.Canceled): // the client went away
		return parent.Err()
	case errors.Is(err, context.DeadlineExceeded):
		return corpus.Errorf(corpus.EUNAVAILABLE, "the search took longer than %s; narrow it (fewer words, a filter) or try again", index.SearchTimeout)
	case strings.Contains(err.Error(), "TooManyTermSearchers"):
		return corpus.Errorf(corpus.EINVALID, "the query expands to more than %d term lookups; use fewer or shorter words", index.MaxTermSearchers)
	}
	return err
}
