package index

import (
	"context"
	"strings"
	"unicode/utf8"

	"casebank/corpus"
)

// Words that found nothing are often misspelt ("deepseak", 新创 for 信创, 村保
// for 村宝). When some do, each one is compared with the names the
// vocabulary and the documents know that share its start, and the closest,
// if close enough, replaces it; the search is run again and says so.

// correctionCandidates bounds the document names read per word, and
// maxCorrections the words corrected per query: a query of many unknown
// words is not a typo, and each costs a pass over the vocabulary.
const (
	correctionCandidates = 200
	maxCorrections       = 5
)

// correct returns text with every word of unmatched replaced by the closest
// known name, and whether any was replaced.
func (ix *Index) correct(ctx context.Context, v *vocabulary, text string, unmatched []string) (string, bool) {
	changed := false
	for _, w := range unmatched[:min(len(unmatched), maxCorrections)] {
		// A bank's name loses its 银行 to the stop words (威海兰海 of
		// 威海兰海银行): its sound is compared with what followed it.
		if span, best := v.soundsLikeSpan(text, w); best != "" {
			text = strings.Replace(text, span, best, 1)
			changed = true
			continue
		}
		if best := ix.closestName(ctx, v, w); best != "" && strings.Contains(text, w) {
			text = strings.Replace(text, w, best, 1)
			changed = true
		}
	}
	return text, changed
}

// closestName is the known name nearest to w within its allowance, or "".
func (ix *Index) closestName(ctx context.Context, v *vocabulary, w string) string {
	n := utf8.RuneCountInString(w)
	han := hasHan(w)
	// A Chinese word typed by its sound with a wrong character: the known
	// term read the same wins, with the fewest characters changed.
	if han {
		if best := v.soundsLike(w); best != "" {
			return best
		}
	}
	// Too short to tell a typo from another word: one character off in a
	// two-character Chinese word is as likely another word (新创 is one
	// from 信创, 科创 and 文创), which only its sound tells (above).
	if han && n < 3 || !han && n < 4 || n > 40 {
		return ""
	}
	allowed := 1
	if !han && n >= 8 {
		allowed = 2
	}
	// Document names share the first character (Chinese) or two letters:
	// typos rarely fall there, and it keeps their look-up a prefix scan.
	prefix := strings.ToLower(string([]rune(w)[:1]))
	if !han {
		prefix = strings.ToLower(w[:2])
	}
	var names []string
	// The vocabulary is small enough to compare whole; the documents'
	// names are read by prefix.
	for k := range v.zh {
		names = append(names, k)
	}
	for k, m := range v.en {
		if !m.stop {
			names = append(names, k)
		}
	}
	names = append(names, v.nameWords...)
	if docs, err := ix.engine.Complete(ctx, prefix, correctionCandidates); err == nil {
		for _, c := range docs {
			names = append(names, c.Name)
		}
	}
	best, bestD := "", allowed+1
	lw := strings.ToLower(w)
	for _, name := range names {
		ln := strings.ToLower(name)
		if ln == lw || han != hasHan(name) || abs(utf8.RuneCountInString(name)-n) > allowed {
			continue
		}
		// A Chinese name of two characters may differ in one only if it
		// keeps the length: 新创 → 信创, not 新 → 新创.
		if han && n == 2 && utf8.RuneCountInString(name) != 2 {
			continue
		}
		if d := corpus.EditDistance(lw, ln); d < bestD || d == bestD && name < best {
			best, bestD = name, d
		}
	}
	return best
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// maxSoundRunes bounds the terms compared by sound: longer ones are
// phrases, whose typos edit distance finds.
const maxSoundRunes = 8

// soundsLike is the vocabulary's Chinese term that w sounds like, written
// with the fewest other characters (ties: the first in order), or "".
func (v *vocabulary) soundsLike(w string) string {
	n := utf8.RuneCountInString(w)
	if n < 2 || n > maxSoundRunes {
		return ""
	}
	rw := readings(w)
	if rw == nil {
		return ""
	}
	best, fewest := "", n+1
	for term, rt := range v.sounds {
		if len(rt) != n {
			continue
		}
		if ok, differ := homophone(w, term, rw, rt); ok && (differ < fewest || differ == fewest && term < best) {
			best, fewest = term, differ
		}
	}
	// Half the word rewritten is another word that sounds alike, not a typo.
	if fewest*2 > n {
		return ""
	}
	return best
}

// soundsLikeSpan tries w with the Chinese characters that follow it in
// text, longest first, for a term read the same; the span and the term.
func (v *vocabulary) soundsLikeSpan(text, w string) (span, term string) {
	at := strings.Index(text, w)
	if at < 0 || !hasHan(w) {
		return "", ""
	}
	rest := []rune(text[at+len(w):])
	n := 0
	for n < len(rest) && hasHan(string(rest[n])) && utf8.RuneCountInString(w)+n < maxSoundRunes {
		n++
	}
	for ; n > 0; n-- {
		span = w + string(rest[:n])
		if term = v.soundsLike(span); term != "" {
			return span, term
		}
	}
	return "", ""
}
