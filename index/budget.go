package index

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"casebank/corpus"
)

// What one search may cost. bleve's phrase matching walks every position of
// each phrase word in a field for every position of the first: a phrase of k
// words against a field that repeats them n times costs k·n² steps, and a
// case naming a product of 2,000 repeated characters took gigabytes. So the
// words a phrase may have and the positions a field keeps are bounded, and
// so are the term searchers and the time of the whole search.
const (
	// MaxPhraseTokens bounds a phrase matched word for word; a longer one
	// matches as all its distinct words.
	MaxPhraseTokens = 12
	// maxPositionalRunes bounds the text of a field with positions (titles,
	// summaries, names) that is indexed: ten times the longest in the corpus.
	maxPositionalRunes = 1000
	// maxSimilarNames bounds the names a similar-case query looks for, and
	// maxTitleRunes the title words it matches in summaries.
	maxSimilarNames = 20
	maxTitleRunes   = 100
	// MaxTermSearchers bounds the term lookups one search may expand to
	// (glossary equivalents × fields): the eval suite's largest needs 400–800.
	MaxTermSearchers = 3000
	// SearchTimeout bounds one search's time; beyond it the answer is 503.
	SearchTimeout = 5 * time.Second
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

// namesField is where products, partners and technologies are searched.
var namesField = textFields[slices.IndexFunc(textFields, func(f textField) bool { return f.name == fieldNames })]

// phraseQuery matches text word for word in field f, or, when the text has
// more than MaxPhraseTokens words, as all its distinct words.
func phraseQuery(f textField, text string, boost float64) query.Query {
	tokens := analyzer(f.analyzer).Analyze([]byte(text))
	if len(tokens) <= MaxPhraseTokens {
		q := bleve.NewMatchPhraseQuery(text)
		q.SetField(f.name)
		q.SetBoost(boost)
		return q
	}
	return distinctTerms(f, tokens, boost)
}

// distinctTerms requires every distinct token in field f: what a match query
// with operator AND does, without looking a repeated word up again.
func distinctTerms(f textField, tokens analysis.TokenStream, boost float64) query.Query {
	seen := make(map[string]bool, len(tokens))
	terms := make([]query.Query, 0, len(tokens))
	for _, tok := range tokens {
		if seen[string(tok.Term)] {
			continue
		}
		seen[string(tok.Term)] = true
		tq := bleve.NewTermQuery(string(tok.Term))
		tq.SetField(f.name)
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

// clip cuts text to at most n runes.
func clip(text string, n int) string {
	if len(text) <= n { // bytes ≥ runes
		return text
	}
	i := 0
	for pos := range text {
		if i == n {
			return text[:pos]
		}
		i++
	}
	return text
}

// distinct returns names without repeats, in their order.
func distinct(names []string) []string {
	seen := make(map[string]bool, len(names))
	return slices.DeleteFunc(slices.Clone(names), func(n string) bool {
		dup := seen[n]
		seen[n] = true
		return dup
	})
}

// clipNames joins names, each once, up to maxPositionalRunes runes in all.
func clipNames(names []string) string {
	var b strings.Builder
	runes := 0
	for _, n := range distinct(names) {
		if b.Len() > 0 {
			b.WriteString("；")
		}
		b.WriteString(n)
		if runes += utf8.RuneCountInString(n) + 1; runes >= maxPositionalRunes {
			break
		}
	}
	return clip(b.String(), maxPositionalRunes)
}

// budgeted bounds a search's time and term lookups.
func budgeted(ctx context.Context) (context.Context, context.CancelFunc) {
	ctx = context.WithValue(ctx, bsearch.MaxTermSearchersKey, MaxTermSearchers)
	return context.WithTimeout(ctx, SearchTimeout)
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
		return corpus.Errorf(corpus.EUNAVAILABLE, "the search took longer than %s; narrow it (fewer words, a filter) or try again", SearchTimeout)
	case strings.Contains(err.Error(), "TooManyTermSearchers"):
		return corpus.Errorf(corpus.EINVALID, "the query expands to more than %d term lookups; use fewer or shorter words", MaxTermSearchers)
	}
	return err
}
