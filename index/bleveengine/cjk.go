package bleveengine

import (
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	bleveunicode "github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/registry"
)

// cjkAnalyzerName is the analyzer of the Chinese fields: bleve's cjk
// analyzer's tokens, made with less work (cjkAnalyzer).
const cjkAnalyzerName = "casebank_cjk"

func init() {
	err := registry.RegisterAnalyzer(cjkAnalyzerName, func(map[string]any, *registry.Cache) (analysis.Analyzer, error) {
		return cjkAnalyzer{}, nil
	})
	if err != nil {
		panic(err)
	}
}

// cjkAnalyzer makes exactly the tokens of bleve's cjk analyzer (Unicode
// words, width folding, lower case, bigrams of adjacent ideographs) in one
// pass. Most of a Chinese text is common Han characters, and the word
// segmenter always makes each of them a word of its own unless a combining
// mark follows: runs of them are paired into bigrams straight from the
// input, without a token per character or a copy per bigram. Everything
// else goes through bleve's own tokenizer and filters, a span at a time; a
// span of punctuation alone makes no word and is skipped. Rebuilding the
// index spent a third of its time in analysis. TestCJKAnalyzerIsBleves
// holds the output to bleve's.
type cjkAnalyzer struct{}

var (
	cjkTokenizer   = bleveunicode.NewUnicodeTokenizer()
	cjkWidthFilter = cjk.NewCJKWidthFilter()
	cjkLowerFilter = lowercase.NewLowerCaseFilter()
)

// fastHan reports a Han character the segmenter's tables have always held.
func fastHan(r rune) bool { return r >= 0x4E00 && r <= 0x9FCC }

// Ranges where a character's class is looked up in punctOnly rather than
// guessed: ASCII, general punctuation, CJK symbols, fullwidth forms.
var punctRanges = [][2]rune{{0, 0x80}, {0x2000, 0x2070}, {0x3000, 0x3040}, {0xFF00, 0xFF66}}

// punctTables[i][r-lo] holds whether the character r of punctRanges[i]
// makes no word alone; a span of only such characters makes no word at all
// (word rules need a letter, a digit, a kana or a connector). It is bleve's
// tokenizer's own answer, asked once per character.
var punctTables = func() [][]bool {
	tables := make([][]bool, len(punctRanges))
	for i, rg := range punctRanges {
		tables[i] = make([]bool, rg[1]-rg[0])
		for r := rg[0]; r < rg[1]; r++ {
			tables[i][r-rg[0]] = len(cjkTokenizer.Tokenize([]byte(string(r)))) == 0
		}
	}
	return tables
}()

// punctOnly reports a character that makes no word alone.
func punctOnly(r rune) bool {
	for i, rg := range punctRanges {
		if r >= rg[0] && r < rg[1] {
			return punctTables[i][r-rg[0]]
		}
	}
	return false
}

// ends reports whether a Han character followed by r is a word of its own:
// r is no combining mark or format character, which would join it.
func ends(r rune) bool {
	if r < 0x80 || fastHan(r) {
		return true
	}
	for _, rg := range punctRanges[1:] {
		if r >= rg[0] && r < rg[1] {
			return !unicode.In(r, unicode.Mn, unicode.Mc, unicode.Me, unicode.Cf)
		}
	}
	return false
}

// bigrams is the cjk_bigram filter's state over a stream of characters.
type bigrams struct {
	input []byte
	out   analysis.TokenStream
	pos   int // the next token's position
	// held is the characters buffered: 0, 1, or 2 when the last one
	// already made a bigram with the one before.
	held               int
	prev               []byte
	prevStart, prevEnd int
	prevDirect         bool // prev is input[prevStart:prevEnd]
	arena              []analysis.Token
}

func (b *bigrams) token() *analysis.Token {
	if len(b.arena) == 0 {
		// A bigram per Han character, in chunks: a text of Latin words
		// makes its tokens elsewhere.
		b.arena = make([]analysis.Token, min(max(16, len(b.input)/3), 1024))
	}
	t := &b.arena[0]
	b.arena = b.arena[1:]
	return t
}

func (b *bigrams) emit(term []byte, start, end int, typ analysis.TokenType) {
	t := b.token()
	t.Term, t.Start, t.End, t.Position, t.Type = term, start, end, b.pos, typ
	b.out = append(b.out, t)
	b.pos++
}

// char takes one ideographic character; direct when term is input[start:end].
func (b *bigrams) char(term []byte, start, end int, direct bool) {
	if b.held > 0 && start != b.prevEnd {
		b.flush()
	}
	if b.held > 0 {
		var pair []byte
		if direct && b.prevDirect {
			pair = b.input[b.prevStart:end:end]
		} else {
			pair = make([]byte, 0, len(b.prev)+len(term))
			pair = append(append(pair, b.prev...), term...)
		}
		b.emit(pair, b.prevStart, end, analysis.Double)
		b.held = 2
	} else {
		b.held = 1
	}
	b.prev, b.prevStart, b.prevEnd, b.prevDirect = term, start, end, direct
}

// flush ends a run of ideographs; a lone one is a unigram.
func (b *bigrams) flush() {
	if b.held == 1 {
		b.emit(b.prev, b.prevStart, b.prevEnd, analysis.Single)
	}
	b.held = 0
}

// other takes a token that is not ideographic.
func (b *bigrams) other(t *analysis.Token) {
	b.flush()
	t.Position = b.pos
	b.out = append(b.out, t)
	b.pos++
}

// span runs input[from:to] through bleve's tokenizer and filters.
func (b *bigrams) span(from, to int) {
	ts := cjkTokenizer.Tokenize(b.input[from:to])
	cjkWidthFilter.Filter(ts)
	cjkLowerFilter.Filter(ts)
	for _, t := range ts {
		t.Start += from
		t.End += from
		if t.Type != analysis.Ideographic {
			b.other(t)
			continue
		}
		// The bigram filter pairs an ideographic word's runes one by one,
		// at offsets counted in the filtered term.
		for off := 0; off < len(t.Term); {
			_, w := utf8.DecodeRune(t.Term[off:])
			s := t.Start + off
			b.char(t.Term[off:off+w], s, s+w, false)
			off += w
		}
	}
}

func (cjkAnalyzer) Analyze(input []byte) analysis.TokenStream {
	if !utf8.Valid(input) {
		return analyzer(cjk.AnalyzerName).Analyze(input)
	}
	b := &bigrams{input: input, pos: 1, out: make(analysis.TokenStream, 0, len(input)/3+1)}
	spanStart, punct := -1, true
	for i := 0; i < len(input); {
		r, w := rune(input[i]), 1
		if r >= utf8.RuneSelf {
			r, w = utf8.DecodeRune(input[i:])
		}
		if fastHan(r) {
			next := rune(-1)
			if j := i + w; j < len(input) {
				next = rune(input[j])
				if next >= utf8.RuneSelf {
					next, _ = utf8.DecodeRune(input[j:])
				}
			}
			if next < 0 || ends(next) {
				if spanStart >= 0 && !punct {
					b.span(spanStart, i)
				}
				spanStart, punct = -1, true
				b.char(input[i:i+w], i, i+w, true)
				i += w
				continue
			}
		}
		if spanStart < 0 {
			spanStart = i
		}
		punct = punct && punctOnly(r)
		i += w
	}
	if spanStart >= 0 && !punct {
		b.span(spanStart, len(input))
	}
	if b.held == 1 {
		b.emit(b.prev, b.prevStart, b.prevEnd, analysis.Single)
	}
	return b.out
}
