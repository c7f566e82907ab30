package index

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"casebank/corpus"
)

// Evidence is marked in the page's records themselves rather than through
// bleve's highlighter, which would need every shown field stored in the
// index and a second search for the term locations. Chinese words are
// marked where they occur exactly (they match as all their bigrams in one
// field); English words where a word of the text has the same stem.

// fragmentWidth bounds an evidence fragment taken from a longer text, in
// columns: a Chinese character takes two, so that a fragment is about 90
// characters of Chinese or 180 of English.
const fragmentWidth = 180

// maxEvidenceBytes bounds how far into a field evidence is looked for: past
// the longest body a case may have, so that a record stored before the
// limits costs no more to mark than one within them.
const maxEvidenceBytes = 64 << 10

// clipBytes cuts text to at most n bytes, on a rune boundary.
func clipBytes(text string, n int) string {
	if len(text) <= n {
		return text
	}
	for n > 0 && !utf8.RuneStart(text[n]) {
		n--
	}
	return text[:n]
}

func runeWidth(r rune) int {
	if r >= 0x4E00 && r <= 0x9FFF { // the common Han block, most of a Chinese text
		return 2
	}
	if r >= 0x1100 && (isHan(r) || unicode.In(r, unicode.Hangul, unicode.Hiragana, unicode.Katakana) || r >= 0xFF00 && r <= 0xFFEF || r >= 0x3000 && r <= 0x303F) {
		return 2
	}
	return 1
}

// wider reports whether text takes more than width columns, reading no
// further than it must.
func wider(text string, width int) bool {
	// A rune of n bytes is 1 or 2 columns wide and n is 1 to 4: the bytes
	// bound the width both ways, and most texts need no decoding.
	switch {
	case len(text) <= width:
		return false
	case len(text) > 4*width:
		return true
	}
	w := 0
	for _, r := range text {
		if w += runeWidth(r); w > width {
			return true
		}
	}
	return false
}

// marker finds the searched words in a text.
type marker struct {
	exact []string // contain Chinese; ASCII letters lowercased
	// exactLatin: some exact word has ASCII letters (AI客服), so texts are
	// matched lowercased.
	exactLatin bool
	stems      map[string]bool        // English words, analysed
	match      func(word string) bool // whether a word stems to one of stems
	// starts holds the first two bytes of every stem: stemming keeps a
	// word's start, so a word starting otherwise is not stemmed at all.
	starts pairSet
	short  bool // a stem of one letter: every word is stemmed
	// matched remembers match's answers: the English bodies of a page's
	// hits repeat most of their words, and stemming was a third of a search.
	matched map[string]bool
	// exactStarts has a bit per first two bytes of the exact words, and
	// byStart lists the words of each: one pass over a text finds them all,
	// where a scan per word was most of marking an English query's hits
	// (its words expand to a dozen Chinese ones).
	exactStarts pairSet
	byStart     map[uint16][]int
}

// newMarker collects what the plan searches for: each part's words and the
// equivalents searched with them, typed phrases and field terms, and the
// words of inferred themes and dimensions, which also rank.
func (ix *Index) newMarker(u *understood) *marker {
	var words []string
	for _, e := range u.expanded {
		words = append(words, e.Terms...)
	}
	for _, t := range u.special {
		if !t.Negate {
			words = append(words, t.Text)
		}
	}
	for _, in := range u.inferred {
		if in.Field == corpus.FacetTheme || in.Field == corpus.FacetDimension {
			words = append(words, in.Words)
		}
	}
	m := &marker{stems: map[string]bool{}}
	for _, w := range words {
		if strings.IndexFunc(w, isHan) >= 0 {
			if l := asciiLower(w); !slices.Contains(m.exact, l) {
				m.exact = append(m.exact, l)
			}
			continue
		}
		for _, term := range ix.engine.Terms(English, w) {
			m.stems[term] = true
		}
	}
	m.prepare(ix.engine)
	return m
}

func isHan(r rune) bool { return unicode.Is(unicode.Han, r) }

// asciiLower lowercases ASCII letters only, so byte offsets stay the same.
func asciiLower(s string) string {
	first := 0
	for first < len(s) && !('A' <= s[first] && s[first] <= 'Z') {
		first++
	}
	if first == len(s) {
		return s // most Chinese texts: no copy
	}
	b := []byte(s)
	for i := first; i < len(b); i++ {
		b[i] = lowerByte(b[i])
	}
	return string(b)
}

type span struct{ start, end int } // byte offsets

// hasCJK reports whether text may hold a Han character: a UTF-8 lead byte
// of U+3000 or above (CJK punctuation, Han, fullwidth forms, planes 2–3).
func hasCJK(text string) bool {
	for i := 0; i < len(text); i++ {
		if text[i] >= 0xE3 {
			return true
		}
	}
	return false
}

const highBits = 0x8080808080808080

// load64 reads the first eight bytes of s (the compiler makes it one load).
func load64(s string) uint64 {
	_ = s[7]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// wordBytes holds the bytes of the English analyser's words here: ASCII
// letters of either case and digits.
var wordBytes = func() (t [256]bool) {
	for c := range 256 {
		t[c] = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
	}
	return t
}()

func lowerByte(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

func (m *marker) spans(text string) []span {
	var out []span
	exact := m.exact
	if len(exact) > 0 && !hasCJK(text) {
		exact = nil // an English text: the Chinese words are not in it
	}
	lower := text
	if len(exact) > 0 && m.exactLatin {
		lower = asciiLower(text)
	}
	if len(exact) > 0 {
		// A word's next match starts after its last one, as successive
		// scans for it would find them.
		var nextBuf [16]int
		next := nextBuf[:]
		if len(exact) > len(next) {
			next = make([]int, len(exact))
		}
		for i := 0; i+1 < len(lower); i++ {
			if !m.exactStarts.has(lower[i], lower[i+1]) {
				continue
			}
			for _, w := range m.byStart[uint16(lower[i])<<8|uint16(lower[i+1])] {
				if e := exact[w]; i >= next[w] && strings.HasPrefix(lower[i:], e) {
					out = append(out, span{i, i + len(e)})
					next[w] = i + len(e)
				}
			}
		}
	}
	if len(m.stems) > 0 {
		// Runs of ASCII letters and digits are the English analyser's words
		// here; stemming just those is far cheaper than analysing the text.
		// Words are lowercased one by one, into word: a copy of the whole
		// text was a tenth of a search.
		// A word is copied only when its first two letters start a stem.
		var word []byte
		for i := 0; i < len(text); {
			if !wordBytes[text[i]] {
				i++
				// Chinese text is bytes of 0x80 and above, none of them a
				// word's: eight at a time.
				for i+8 <= len(text) && load64(text[i:])&highBits == highBits {
					i += 8
				}
				continue
			}
			j := i + 1
			for j < len(text) && wordBytes[text[j]] {
				j++
			}
			if m.short || j-i >= 2 && m.starts.has(lowerByte(text[i]), lowerByte(text[i+1])) {
				word = word[:0]
				for _, c := range []byte(text[i:j]) {
					word = append(word, lowerByte(c))
				}
				if m.matches(word) {
					out = append(out, span{i, j})
				}
			}
			i = j
		}
	}
	slices.SortFunc(out, func(a, b span) int { return a.start - b.start })
	var merged []span
	for _, s := range out {
		// Touching or overlapping matches show as one: 城商 + 商行 → 城商行.
		if n := len(merged); n > 0 && s.start <= merged[n-1].end {
			merged[n-1].end = max(merged[n-1].end, s.end)
			continue
		}
		merged = append(merged, s)
	}
	return merged
}

// htmlEscaper escapes as html.EscapeString does, writing into the fragment
// instead of allocating a string for each piece.
var htmlEscaper = strings.NewReplacer(`&`, "&amp;", `'`, "&#39;", `<`, "&lt;", `>`, "&gt;", `"`, "&#34;")

// fragment is text escaped for HTML with the spans in <mark>: all of it when
// short, else the window of fragmentWidth holding the most matches.
func fragment(text string, spans []span) string {
	start, end := 0, len(text)
	if wider(text, fragmentWidth) {
		best := -1
		// Windows move forward with their anchors, and so do their ends and
		// the first and the last span inside them: counting is one pass.
		lo, hi := 0, 0
		ws, e, w := 0, 0, 0 // the last window [ws, e) and its width
		for _, anchor := range spans {
			// Open a little before the match, on a rune boundary.
			s := anchor.start
			for back := 0; back < 12 && s > 0; back++ {
				_, size := utf8.DecodeLastRuneInString(text[:s])
				s -= size
			}
			if e <= s {
				ws, e, w = s, s, 0
			}
			for ws < s {
				r, size := utf8.DecodeRuneInString(text[ws:])
				ws += size
				w -= runeWidth(r)
			}
			// The narrowest window from s as wide as a fragment ends no
			// sooner than the last one did.
			for w < fragmentWidth && e < len(text) {
				r, size := utf8.DecodeRuneInString(text[e:])
				e += size
				w += runeWidth(r)
			}
			for lo < len(spans) && spans[lo].start < s {
				lo++
			}
			hi = max(hi, lo)
			for hi < len(spans) && spans[hi].end <= e {
				hi++
			}
			if count := hi - lo; count > best {
				best, start, end = count, s, e
			}
		}
	}
	// A match the window cuts is shown whole.
	for _, sp := range spans {
		if sp.start < end && sp.end > end {
			end = sp.end
		}
	}
	var b strings.Builder
	if start > 0 {
		b.WriteString("…")
	}
	at := start
	for _, sp := range spans {
		if sp.start < start || sp.end > end {
			continue
		}
		htmlEscaper.WriteString(&b, text[at:sp.start])
		b.WriteString("<mark>")
		htmlEscaper.WriteString(&b, text[sp.start:sp.end])
		b.WriteString("</mark>")
		at = sp.end
	}
	htmlEscaper.WriteString(&b, text[at:end])
	if end < len(text) {
		b.WriteString("…")
	}
	return b.String()
}

// evidence returns a hit's marked fragments by field, one per field that has
// a match, under the names hits report them.
// prepare readies the stems for matching with an's stemming.
func (m *marker) prepare(an Analyzer) {
	m.match = an.MatchStems(m.stems)
	m.byStart = map[uint16][]int{}
	for i, e := range m.exact {
		m.exactLatin = m.exactLatin || strings.ContainsFunc(e, func(r rune) bool { return 'a' <= r && r <= 'z' })
		// An exact word holds a Han character: 3 bytes or more.
		m.exactStarts.add(e[0], e[1])
		k := uint16(e[0])<<8 | uint16(e[1])
		m.byStart[k] = append(m.byStart[k], i)
	}
	for stem := range m.stems {
		if len(stem) >= 2 {
			m.starts.add(stem[0], stem[1])
		} else {
			m.short = true
		}
	}
}

// pairSet is a set of two-byte pairs, a bit each.
type pairSet [1 << 10]uint64

func (p *pairSet) add(a, b byte) {
	k := int(a)<<8 | int(b)
	p[k>>6] |= 1 << (k & 63)
}

func (p *pairSet) has(a, b byte) bool {
	k := int(a)<<8 | int(b)
	return p[k>>6]&(1<<(k&63)) != 0
}

// matches reports whether a lowercase word stems to a stem.
func (m *marker) matches(word []byte) bool {
	if ok, seen := m.matched[string(word)]; seen { // no copy to look up
		return ok
	}
	w := string(word)
	ok := m.match(w)
	if m.matched == nil {
		m.matched = map[string]bool{}
	}
	if len(m.matched) < 4096 {
		m.matched[w] = ok
	}
	return ok
}

func (m *marker) evidence(fields map[string]string) map[string][]string {
	out := map[string][]string{}
	for name, text := range fields {
		if text == "" {
			continue
		}
		if spans := m.spans(clipBytes(text, maxEvidenceBytes)); len(spans) > 0 {
			out[name] = []string{fragment(text, spans)}
		}
	}
	return out
}

func caseFields(c *corpus.Case) map[string]string {
	names := slices.Concat(c.Products, c.Partners, c.Technologies)
	return map[string]string{"title.zh": c.Title.ZH, "title.en": c.Title.EN, "summary.zh": c.Summary.ZH,
		"summary.en": c.Summary.EN, "body": c.Body, "outcome": c.Outcome, "products": strings.Join(names, "；"),
		"body_en": c.BodyEN, "outcome_en": c.OutcomeEN, "products_en": strings.Join(slices.Concat(c.ProductsEN, c.PartnersEN, c.TechnologiesEN), "; ")}
}

func policyFields(p *corpus.Policy) map[string]string {
	return map[string]string{"title.zh": p.Name, "title.en": p.NameEN, "summary.zh": p.Points.ZH,
		"summary.en": p.Points.EN, "products": p.Issuer}
}
