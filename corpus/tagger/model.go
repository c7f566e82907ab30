package tagger

import (
	"math"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"casebank/corpus"
)

// Suggestion is one suggested tag with its score and the evidence.
type Suggestion struct {
	Kind     string      `json:"kind"` // dimension, theme, bank_type
	Code     string      `json:"code"`
	Label    corpus.Text `json:"label"`
	Score    float64     `json:"score"`           // 0..1
	Evidence []string    `json:"evidence"`        // words that triggered it, most telling first
	Matched  []string    `json:"matched"`         // codebook entries (labels, aliases) found in the text
	Terms    []string    `json:"terms,omitempty"` // named technologies and products found in the text that imply the theme
	Sentence string      `json:"sentence,omitempty"`
	Source   string      `json:"source"`    // corpus (learned), codebook, terms, subject (the text's subject), registry (the draft's bank)
	Reason   string      `json:"reason"`    // why, in a line: "subject names 城商行", "names 联邦学习"
	ReasonZH string      `json:"reason_zh"` // the same in Chinese: "主体点名城商行", "点名联邦学习"
}

// Draft is what the suggester reads.
type Draft struct {
	Text string `json:"text"`
	Bank string `json:"bank,omitempty"` // id or name, if known
}

// Suggestions are the suggester's answer.
type Suggestions struct {
	Dimensions []Suggestion `json:"dimensions"`
	Themes     []Suggestion `json:"themes"`
	BankType   []Suggestion `json:"bank_type"`
	Model      ModelInfo    `json:"model"`
}

// Model learns which words go with which tags from the tagged corpus:
// for every tag, in how many of its cases each feature (a Chinese bigram or
// an English word) occurs, against the cases without the tag. Features are
// numbered and counted in arrays: at 100,000 cases maps of maps took
// gigabytes.
type Model struct {
	tax   *corpus.Taxonomy
	gloss map[string][]string // English word → Chinese terms
	// lex finds the codebook's words, the named technologies, bank-type
	// words and the registry's banks in a draft.
	lex   *lexicon
	docs  int
	ids   map[string]uint32 // Chinese bigram → feature number
	idsEN map[string]uint32 // English word → feature number
	feat  []int32           // feature → cases
	// lastDoc is the last case (by training order, from 1) that counted each
	// feature: a case counts a feature once.
	lastDoc []int32
	tagOf   map[string]int          // "theme:ai" → tag number
	tagN    []int                   // tag → cases with the tag
	df      [][]int32               // tag → feature → cases with both
	cases   map[string]*docFeatures // by case id, kept only for leave-one-out
	// Seq is the store's log sequence the model was trained at.
	Seq uint64
}

type docFeatures struct {
	tags  []string
	feats map[uint32]bool
}

// Calibration, chosen by the leave-one-out measurement in BENCHMARKS.md: a
// theme is suggested when its score reaches ThemeThreshold; the learned
// log-likelihood ratio is shifted by scoreShift before squashing; finding the
// codebook's own words in the text keeps only codebookDamp of the doubt.
const (
	ThemeThreshold = 0.5
	scoreShift     = 2.5
	codebookDamp   = 0.3
)

// Bounds on a suggestion request and its answer.
const (
	MaxDraftRunes = 20000 // the longest case body is about 1,100 characters
	maxEvidence   = 6
	maxMatched    = 8
	maxSentence   = 200 // runes
)

// NewModel trains a model on cases, keeping what leave-one-out needs;
// banks is the registry that names in a draft resolve through.
func NewModel(cases []*corpus.Case, tax *corpus.Taxonomy, gloss *corpus.Glossary, banks []*corpus.Bank) *Model {
	m := newModel(tax, gloss, banks)
	m.cases = map[string]*docFeatures{}
	for _, c := range cases {
		m.add(c)
	}
	return m
}

func newModel(tax *corpus.Taxonomy, gloss *corpus.Glossary, banks []*corpus.Bank) *Model {
	m := &Model{tax: tax, gloss: map[string][]string{}, ids: map[string]uint32{}, idsEN: map[string]uint32{}, tagOf: map[string]int{},
		lex: buildLexicon(tax, corpus.DefaultThemeTerms(), banks)}
	if gloss != nil {
		for _, e := range gloss.Entries {
			for _, en := range e.EN {
				if !strings.Contains(en, " ") {
					m.gloss[strings.ToLower(en)] = e.ZH
				}
			}
		}
	}
	return m
}

// add counts one case.
func (m *Model) add(c *corpus.Case) {
	tags := make([]string, 0, len(c.Dimensions)+len(c.Themes)+1)
	for _, t := range c.Dimensions {
		tags = append(tags, corpus.FacetDimension+":"+t)
	}
	for _, t := range c.Themes {
		tags = append(tags, corpus.FacetTheme+":"+t)
	}
	tags = append(tags, corpus.FacetBankType+":"+c.Bank.Type)
	m.docs++
	var nums []uint32
	m.eachFeature(caseText(c), func(f string, english bool) {
		ids := m.ids
		if english {
			ids = m.idsEN
		}
		id, ok := ids[f]
		if !ok {
			id = uint32(len(m.feat))
			ids[strings.Clone(f)] = id // f is part of the case's text
			m.feat = append(m.feat, 0)
			m.lastDoc = append(m.lastDoc, 0)
		}
		if m.lastDoc[id] == int32(m.docs) {
			return // counted for this case already
		}
		m.lastDoc[id] = int32(m.docs)
		m.feat[id]++
		nums = append(nums, id)
	})
	for _, t := range tags {
		ti, ok := m.tagOf[t]
		if !ok {
			ti = len(m.tagN)
			m.tagOf[t] = ti
			m.tagN = append(m.tagN, 0)
			m.df = append(m.df, nil)
		}
		m.tagN[ti]++
		row := m.df[ti]
		for _, id := range nums {
			if int(id) >= len(row) {
				row = append(row, make([]int32, len(m.feat)-len(row))...)
			}
			row[id]++
		}
		m.df[ti] = row
	}
	if m.cases != nil {
		d := &docFeatures{tags: tags, feats: make(map[uint32]bool, len(nums))}
		for _, id := range nums {
			d.feats[id] = true
		}
		m.cases[c.ID] = d
	}
}

func caseText(c *corpus.Case) string {
	return strings.Join([]string{c.Title.ZH, c.Title.EN, c.Summary.ZH, c.Summary.EN, c.Body, c.Outcome,
		strings.Join(c.Products, " "), strings.Join(c.Technologies, " "), strings.Join(c.Partners, " ")}, "\n")
}

// eachFeature calls fn with the Chinese bigrams and the lowercase English
// words of a text, repeats included; English words are also read as their
// Chinese glossary terms, so that an English draft meets the Chinese
// corpus. Bigrams are substrings of the text: training reads 100,000 cases
// without making a string per bigram.
func (m *Model) eachFeature(text string, fn func(f string, english bool)) {
	// Glossary terms give the bigrams of all their characters (AI大模型:
	// AI, I大, 大模, 模型), texts those of their runs of Han characters.
	bigrams := func(s string, hanOnly bool) {
		prev := -1 // byte offset of the previous rune of the run
		for i, r := range s {
			if hanOnly && !unicode.Is(unicode.Han, r) {
				prev = -1
				continue
			}
			if prev >= 0 {
				fn(s[prev:i+utf8.RuneLen(r)], false)
			}
			prev = i
		}
	}
	bigrams(text, true)
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if !isWordRune(r) {
			i += size
			continue
		}
		j := i
		for j < len(text) {
			r, size := utf8.DecodeRuneInString(text[j:])
			if !isWordRune(r) {
				break
			}
			j += size
		}
		if w := text[i:j]; utf8.RuneCountInString(w) > 1 {
			w = strings.TrimSuffix(strings.ToLower(w), "s")
			fn(w, true)
			for _, zh := range m.gloss[w] {
				bigrams(zh, false)
			}
			for _, zh := range m.gloss[w+"s"] {
				bigrams(zh, false)
			}
		}
		i = j
	}
}

// isWordRune is a letter or digit of an English word: Han characters make
// bigrams instead.
func isWordRune(r rune) bool {
	return (unicode.IsLetter(r) || unicode.IsDigit(r)) && !unicode.Is(unicode.Han, r)
}

// features is the set of a text's features, "en:" marking English words.
func (m *Model) features(text string) map[string]bool {
	fs := map[string]bool{}
	m.eachFeature(text, func(f string, english bool) {
		if english {
			f = "en:" + f
		}
		fs[f] = true
	})
	return fs
}

// score is a naive-Bayes log-likelihood ratio over the features present,
// squashed to 0..1, with the features that push hardest as evidence.
func (m *Model) score(tag string, feats map[string]bool, ex *docFeatures) Suggestion {
	s := Suggestion{Evidence: []string{}, Matched: []string{}}
	ti, ok := m.tagOf[tag]
	if !ok {
		return s
	}
	n := m.docs
	nt := m.tagN[ti]
	if ex != nil {
		n--
		if contains(ex.tags, tag) {
			nt--
		}
	}
	if nt <= 0 || nt >= n {
		return s
	}
	type contrib struct {
		f string
		w float64
	}
	var cs []contrib
	llr := 0.0
	used := 0
	row := m.df[ti]
	for f := range feats {
		id, ok := m.ids[f]
		if en, english := strings.CutPrefix(f, "en:"); english {
			id, ok = m.idsEN[en]
		}
		if !ok {
			continue // a word no case has says nothing
		}
		inTag := 0
		if int(id) < len(row) {
			inTag = int(row[id])
		}
		all := int(m.feat[id])
		if ex != nil && ex.feats[id] {
			all--
			if contains(ex.tags, tag) {
				inTag--
			}
		}
		if all <= 0 {
			continue
		}
		// Words in most cases say nothing about any tag.
		if float64(all) > 0.5*float64(n) {
			continue
		}
		// Smoothed toward the feature's rate in the whole corpus, so that a
		// word a small tag has never seen does not count for it.
		bg := float64(all) / float64(n)
		pIn := (float64(inTag) + 2*bg) / (float64(nt) + 2)
		pOut := (float64(all-inTag) + 2*bg) / (float64(n-nt) + 2)
		w := math.Log(pIn / pOut)
		used++
		llr += w
		if w > 0 {
			cs = append(cs, contrib{f, w})
		}
	}
	sort.Slice(cs, func(i, j int) bool {
		if cs[i].w != cs[j].w {
			return cs[i].w > cs[j].w
		}
		return cs[i].f < cs[j].f
	})
	for _, c := range cs[:min(maxEvidence, len(cs))] {
		s.Evidence = append(s.Evidence, strings.TrimPrefix(c.f, "en:"))
	}
	// Naive Bayes adds up correlated bigrams, so long texts would score
	// everything high: the sum is scaled by the square root of its length.
	if used > 0 {
		llr /= math.Sqrt(float64(used))
	}
	s.Score = 1 / (1 + math.Exp(-(llr - scoreShift)))
	return s
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
