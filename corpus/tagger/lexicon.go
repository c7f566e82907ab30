package tagger

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// A lexicon finds known names (codebook labels and aliases, named
// technologies, bank-type words, the registry's banks) in a text in one
// pass: names are filed under their first two characters, so a draft costs
// a map look-up per character however many names there are.
type lexicon struct {
	byKey map[string][]int // first two runes of a normalised name → names, longest first
	names []lexName
	index map[string]int // normalised name → its number
}

type lexName struct {
	norm    string
	asciiL  bool // starts with an ASCII letter or digit: needs a word boundary before
	asciiR  bool // ends with one: needs a word boundary after (a plural s allowed)
	entries []lexEntry
}

// lexEntry is what a name stands for; a name may stand for several things
// (RPA is a codebook alias and a named technology).
type lexEntry struct {
	kind    entryKind
	facet   string // codebook: the taxonomy list
	code    string // codebook and term: the code; institution: the bank type
	written string // the name as the data writes it
	bank    string // institution from the registry: the bank's name
}

type entryKind int

const (
	entryCodebook    entryKind = iota // a label or alias of the taxonomy
	entryTerm                         // a named technology or product implying a theme
	entryInstitution                  // a bank-type word or a registered bank
	entrySelf                         // 我行, our bank: a bank of a type not named
	entryBlocker                      // a named thing of no theme here: 数字人民币 is not 数字人
)

// lexMatch is one occurrence of a name in a normalised text.
type lexMatch struct {
	start, end int // byte offsets in the normalised text
	name       int
}

func newLexicon() *lexicon {
	return &lexicon{byKey: map[string][]int{}, index: map[string]int{}}
}

// add files a name; names of one character, or of one ASCII letter pair,
// say too little to be looked for.
func (l *lexicon) add(name string, e lexEntry) {
	norm := normalize(name)
	if utf8.RuneCountInString(norm) < 2 || (isASCII(norm) && len(norm) < 2) {
		return
	}
	e.written = strings.TrimSpace(name)
	if i, ok := l.index[norm]; ok {
		for _, old := range l.names[i].entries {
			if old.kind == e.kind && old.code == e.code && old.facet == e.facet && old.bank == e.bank {
				return
			}
		}
		l.names[i].entries = append(l.names[i].entries, e)
		return
	}
	first, _ := utf8.DecodeRuneInString(norm)
	last, _ := utf8.DecodeLastRuneInString(norm)
	i := len(l.names)
	l.names = append(l.names, lexName{norm: norm, asciiL: isWordASCII(first), asciiR: isWordASCII(last), entries: []lexEntry{e}})
	l.index[norm] = i
	key := keyOf(norm)
	l.byKey[key] = append(l.byKey[key], i)
	sort.SliceStable(l.byKey[key], func(a, b int) bool { return len(l.names[l.byKey[key][a]].norm) > len(l.names[l.byKey[key][b]].norm) })
}

// normalize lowercases a text, reads hyphens and underscores as spaces and
// folds runs of spaces, so that "Cloud-Native" meets "cloud native".
func normalize(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if r == '-' || r == '_' || r == '\u00a0' || r == '\u3000' || r == '\t' {
			r = ' '
		}
		if r == ' ' {
			if !space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = true
			continue
		}
		space = false
		b.WriteRune(unicode.ToLower(r))
	}
	return strings.TrimRight(b.String(), " ")
}

func keyOf(norm string) string {
	_, a := utf8.DecodeRuneInString(norm)
	_, b := utf8.DecodeRuneInString(norm[a:])
	return norm[:a+b]
}

func isWordASCII(r rune) bool {
	return r < utf8.RuneSelf && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// find returns every occurrence of every name in a normalised text, by
// start, longest first at each start. English names match whole words
// (so that "ai" is not found in "retail"), with a plural s or es allowed.
func (l *lexicon) find(text string) []lexMatch {
	var out []lexMatch
	prev := rune(-1)
	for i, r := range text {
		inWord := isWordASCII(prev) && isWordASCII(r)
		prev = r
		if inWord {
			continue // no name starts inside an English word
		}
		for _, n := range l.byKey[keyAt(text, i)] {
			if end, ok := l.matchAt(text, i, n); ok {
				out = append(out, lexMatch{i, end, n})
			}
		}
	}
	return out
}

func keyAt(text string, i int) string {
	_, a := utf8.DecodeRuneInString(text[i:])
	if i+a >= len(text) {
		return text[i:]
	}
	_, b := utf8.DecodeRuneInString(text[i+a:])
	return text[i : i+a+b]
}

// matchAt reports whether name n occurs at byte i of text, and where it ends.
func (l *lexicon) matchAt(text string, i, n int) (int, bool) {
	name := l.names[n]
	if !strings.HasPrefix(text[i:], name.norm) {
		return 0, false
	}
	end := i + len(name.norm)
	if !name.asciiR {
		return end, true
	}
	for _, suffix := range []string{"", "s", "es"} {
		e := end + len(suffix)
		if !strings.HasPrefix(text[end:], suffix) {
			continue
		}
		if next, _ := utf8.DecodeRuneInString(text[e:]); e >= len(text) || !isWordASCII(next) {
			return e, true
		}
	}
	return 0, false
}

// longest keeps the leftmost-longest occurrences that do not overlap, of
// names with an entry of kind.
func (l *lexicon) longest(ms []lexMatch, keep func(lexName) bool) []lexMatch {
	var out []lexMatch
	end := -1
	for _, m := range ms {
		if m.start < end || !keep(l.names[m.name]) {
			continue
		}
		// ms is by start, longest first: the first kept at a start is the longest.
		out = append(out, m)
		end = m.end
	}
	return out
}

// outermost drops the occurrences of tag names (codebook words, named
// technologies) that lie inside a longer one: 数字人 in 数字人民币 is no
// digital human.
func (l *lexicon) outermost(ms []lexMatch) []lexMatch {
	var out []lexMatch
	end := -1
	for _, m := range ms {
		n := l.names[m.name]
		if !n.has(entryCodebook) && !n.has(entryTerm) && !n.has(entryBlocker) {
			continue
		}
		if m.end <= end {
			continue // inside an earlier (or same-start, longer) name
		}
		out = append(out, m)
		end = m.end
	}
	return out
}

func (n lexName) has(kind entryKind) bool {
	for _, e := range n.entries {
		if e.kind == kind {
			return true
		}
	}
	return false
}
