package index

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// What one search may cost; engines hold to these bounds. bleve's phrase
// matching walks every position of each phrase word in a field for every
// position of the first: a phrase of k
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
