package corpus

import (
	"context"
	"math"
	"sort"
	"strings"
	"unicode"
)

// TagSuggestion is one suggested tag with its score and the evidence.
type TagSuggestion struct {
	Kind     string   `json:"kind"` // dimension, theme, bank_type
	Code     string   `json:"code"`
	Label    Text     `json:"label"`
	Score    float64  `json:"score"`    // 0..1
	Evidence []string `json:"evidence"` // words that triggered it, most telling first
	Matched  []string `json:"matched"`  // codebook entries (labels, aliases) found in the text
	Sentence string   `json:"sentence,omitempty"`
	Source   string   `json:"source"` // corpus (learned), codebook, registry
}

// TagDraft is what the suggester reads.
type TagDraft struct {
	Text   string `json:"text"`
	Bank   string `json:"bank,omitempty"` // id or name, if known
	BankID string `json:"-"`
}

// Suggestions are the suggester's answer.
type Suggestions struct {
	Dimensions []TagSuggestion `json:"dimensions"`
	Themes     []TagSuggestion `json:"themes"`
	BankType   []TagSuggestion `json:"bank_type"`
}

// TagModel learns which words go with which tags from the tagged corpus:
// for every tag, in how many of its cases each feature (a Chinese bigram or
// an English word) occurs, against the cases without the tag.
type TagModel struct {
	tax   *Taxonomy
	gloss map[string][]string // English word → Chinese terms
	docs  int
	tagN  map[string]int            // "theme:ai" → cases with the tag
	df    map[string]map[string]int // tag → feature → cases with both
	feat  map[string]int            // feature → cases
	cases map[string]*docFeatures   // by case id, for leave-one-out
}

type docFeatures struct {
	tags  []string
	feats map[string]bool
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

// NewTagModel trains a model on cases.
func NewTagModel(cases []*Case, tax *Taxonomy, gloss *Glossary) *TagModel {
	m := &TagModel{tax: tax, gloss: map[string][]string{}, tagN: map[string]int{}, df: map[string]map[string]int{},
		feat: map[string]int{}, cases: map[string]*docFeatures{}}
	if gloss != nil {
		for _, e := range gloss.Entries {
			for _, en := range e.EN {
				if !strings.Contains(en, " ") {
					m.gloss[strings.ToLower(en)] = e.ZH
				}
			}
		}
	}
	for _, c := range cases {
		d := &docFeatures{feats: m.features(caseText(c))}
		for _, t := range c.Dimensions {
			d.tags = append(d.tags, KindDimension+":"+t)
		}
		for _, t := range c.Themes {
			d.tags = append(d.tags, KindTheme+":"+t)
		}
		d.tags = append(d.tags, KindBankType+":"+c.Bank.Type)
		m.cases[c.ID] = d
		m.docs++
		for f := range d.feats {
			m.feat[f]++
		}
		for _, t := range d.tags {
			m.tagN[t]++
			if m.df[t] == nil {
				m.df[t] = map[string]int{}
			}
			for f := range d.feats {
				m.df[t][f]++
			}
		}
	}
	return m
}

func caseText(c *Case) string {
	return strings.Join([]string{c.Title.ZH, c.Title.EN, c.Summary.ZH, c.Summary.EN, c.Body, c.Outcome,
		strings.Join(c.Products, " "), strings.Join(c.Technologies, " "), strings.Join(c.Partners, " ")}, "\n")
}

// features are the Chinese bigrams and the lowercase English words of a
// text; English words are also read as their Chinese glossary terms, so
// that an English draft meets the Chinese corpus.
func (m *TagModel) features(text string) map[string]bool {
	fs := map[string]bool{}
	addHan := func(s string) {
		rs := []rune(s)
		for i := 0; i+1 < len(rs); i++ {
			fs[string(rs[i:i+2])] = true
		}
	}
	var han []rune
	var word []rune
	flush := func() {
		if len(han) > 0 {
			addHan(string(han))
			han = han[:0]
		}
		if len(word) > 1 {
			w := strings.ToLower(string(word))
			w = strings.TrimSuffix(w, "s")
			fs["en:"+w] = true
			for _, zh := range m.gloss[w] {
				addHan(zh)
			}
			for _, zh := range m.gloss[w+"s"] {
				addHan(zh)
			}
		}
		word = word[:0]
	}
	for _, r := range text {
		switch {
		case unicode.Is(unicode.Han, r):
			if len(word) > 0 {
				flush()
			}
			han = append(han, r)
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if len(han) > 0 {
				flush()
			}
			word = append(word, r)
		default:
			flush()
		}
	}
	flush()
	return fs
}

// Suggest scores every dimension, theme and bank type for a draft. exclude
// names a case to leave out of the statistics (leave-one-out evaluation).
func (m *TagModel) Suggest(d TagDraft, bank *Bank, exclude string) *Suggestions {
	feats := m.features(d.Text)
	ex := m.cases[exclude]
	out := &Suggestions{}
	lower := strings.ToLower(d.Text)
	for _, kind := range []string{KindDimension, KindTheme, KindBankType} {
		var list []TagSuggestion
		for _, v := range m.tax.Values(kind) {
			s := m.score(kind+":"+v.Code, feats, ex)
			s.Kind, s.Code, s.Label = kind, v.Code, Text{ZH: v.ZH, EN: v.EN}
			s.Source = "corpus"
			// The codebook's own words are strong evidence on their own.
			for _, name := range append(append([]string{v.ZH, v.EN}, v.AliasesZH...), v.AliasesEN...) {
				if len([]rune(name)) >= 2 && strings.Contains(lower, strings.ToLower(name)) && !contains(s.Matched, name) {
					s.Matched = append(s.Matched, name)
				}
			}
			if len(s.Matched) > 0 && kind != KindDimension {
				s.Score = 1 - (1-s.Score)*codebookDamp
				if s.Source == "corpus" && len(s.Evidence) == 0 {
					s.Source = "codebook"
				}
			}
			s.Sentence = sentenceWith(d.Text, append(append([]string{}, s.Matched...), s.Evidence...))
			list = append(list, s)
		}
		sort.SliceStable(list, func(i, j int) bool { return list[i].Score > list[j].Score })
		switch kind {
		case KindDimension:
			out.Dimensions = list[:min(3, len(list))]
		case KindTheme:
			for _, s := range list {
				if s.Score >= ThemeThreshold {
					out.Themes = append(out.Themes, s)
				}
			}
			if out.Themes == nil {
				out.Themes = []TagSuggestion{}
			}
		case KindBankType:
			if bank != nil && bank.Type != "" {
				v, _ := m.tax.Lookup(KindBankType, bank.Type)
				out.BankType = []TagSuggestion{{Kind: kind, Code: bank.Type, Label: Text{ZH: v.ZH, EN: v.EN}, Score: 1,
					Evidence: []string{bank.Name}, Matched: []string{}, Source: "registry"}}
			} else {
				out.BankType = list[:1]
			}
		}
	}
	return out
}

// score is a naive-Bayes log-likelihood ratio over the features present,
// squashed to 0..1, with the features that push hardest as evidence.
func (m *TagModel) score(tag string, feats map[string]bool, ex *docFeatures) TagSuggestion {
	n := m.docs
	nt := m.tagN[tag]
	if ex != nil {
		n--
		if contains(ex.tags, tag) {
			nt--
		}
	}
	s := TagSuggestion{Evidence: []string{}, Matched: []string{}}
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
	for f := range feats {
		inTag := m.df[tag][f]
		all := m.feat[f]
		if ex != nil && ex.feats[f] {
			all--
			if contains(ex.tags, tag) {
				inTag--
			}
		}
		if all <= 0 {
			continue // a word no other case has says nothing
		}
		// Smoothed toward the feature's rate in the whole corpus, so that a
		// word a small tag has never seen does not count for it.
		bg := float64(all) / float64(n)
		pIn := (float64(inTag) + 2*bg) / (float64(nt) + 2)
		pOut := (float64(all-inTag) + 2*bg) / (float64(n-nt) + 2)
		w := math.Log(pIn / pOut)
		// Words in most cases say nothing about any tag.
		if float64(all) > 0.5*float64(n) {
			continue
		}
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
	for _, c := range cs[:min(6, len(cs))] {
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

// sentenceWith returns the first sentence of text holding one of the words.
func sentenceWith(text string, words []string) string {
	for _, sent := range strings.FieldsFunc(text, func(r rune) bool { return r == '。' || r == '\n' || r == '；' || r == '!' || r == '?' }) {
		ls := strings.ToLower(sent)
		for _, w := range words {
			if w != "" && strings.Contains(ls, strings.ToLower(w)) {
				return strings.TrimSpace(sent)
			}
		}
	}
	return ""
}

// SuggestTags trains on the store's cases and suggests tags for a draft.
func (s *Store) SuggestTags(ctx context.Context, d TagDraft) (*Suggestions, error) {
	cases, err := s.FindCases(ctx, Filter{})
	if err != nil {
		return nil, err
	}
	tax, err := s.Taxonomy()
	if err != nil {
		return nil, err
	}
	gloss, err := s.Glossary()
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(d.Text) == "" {
		return nil, &Error{Code: EINVALID, Message: "give the draft's text", Fields: []FieldError{{Field: "text", Message: "empty"}}}
	}
	var bank *Bank
	if d.Bank != "" {
		if bank, err = s.FindBankByID(ctx, d.Bank); ErrorCode(err) == ENOTFOUND {
			bank, err = s.FindBankByName(ctx, d.Bank)
		}
		if ErrorCode(err) == ENOTFOUND {
			g := guessBank(d.Bank, nil)
			bank, err = &g, nil
		}
		if err != nil {
			return nil, err
		}
	}
	return NewTagModel(cases, tax, gloss).Suggest(d, bank, ""), nil
}

// TagEval is the leave-one-out measurement of the suggester.
type TagEval struct {
	Cases           int     `json:"cases"`
	DimensionTop1   float64 `json:"dimension_top1"`  // top dimension is one of the case's
	DimensionMain   float64 `json:"dimension_main"`  // top dimension is the case's first
	ThemePrecision  float64 `json:"theme_precision"` // micro-averaged
	ThemeRecall     float64 `json:"theme_recall"`    // micro-averaged
	BankTypeFromTxt float64 `json:"bank_type_text"`  // bank unknown: type from text alone
	ThemeF1         float64 `json:"theme_f1"`
	EnglishDimTop1  float64 `json:"english_dimension_top1"` // drafts of the English title and summary only
	EnglishThemeP   float64 `json:"english_theme_precision"`
	EnglishThemeR   float64 `json:"english_theme_recall"`
}

// EvaluateTagModel hides each case's tags in turn, suggests from the other
// cases, and compares.
func EvaluateTagModel(cases []*Case, tax *Taxonomy, gloss *Glossary) TagEval {
	m := NewTagModel(cases, tax, gloss)
	var ev TagEval
	var tp, fp, fn, etp, efp, efn float64
	var dimTop, dimMain, bt, edim float64
	for _, c := range cases {
		for pass, text := range []string{caseText(c), c.Title.EN + "\n" + c.Summary.EN} {
			sg := m.Suggest(TagDraft{Text: text}, nil, c.ID)
			top := ""
			if len(sg.Dimensions) > 0 {
				top = sg.Dimensions[0].Code
			}
			got := map[string]bool{}
			for _, s := range sg.Themes {
				got[s.Code] = true
			}
			var p, f, n float64
			for t := range got {
				if contains(c.Themes, t) {
					p++
				} else {
					f++
				}
			}
			for _, t := range c.Themes {
				if !got[t] {
					n++
				}
			}
			if pass == 0 {
				if contains(c.Dimensions, top) {
					dimTop++
				}
				if len(c.Dimensions) > 0 && c.Dimensions[0] == top {
					dimMain++
				}
				if len(sg.BankType) > 0 && sg.BankType[0].Code == c.Bank.Type {
					bt++
				}
				tp, fp, fn = tp+p, fp+f, fn+n
			} else {
				if contains(c.Dimensions, top) {
					edim++
				}
				etp, efp, efn = etp+p, efp+f, efn+n
			}
		}
	}
	n := float64(len(cases))
	ev.Cases = len(cases)
	ev.DimensionTop1, ev.DimensionMain, ev.BankTypeFromTxt = dimTop/n, dimMain/n, bt/n
	ev.ThemePrecision, ev.ThemeRecall = tp/math.Max(tp+fp, 1), tp/math.Max(tp+fn, 1)
	ev.ThemeF1 = 2 * ev.ThemePrecision * ev.ThemeRecall / math.Max(ev.ThemePrecision+ev.ThemeRecall, 1e-9)
	ev.EnglishDimTop1 = edim / n
	ev.EnglishThemeP, ev.EnglishThemeR = etp/math.Max(etp+efp, 1), etp/math.Max(etp+efn, 1)
	return ev
}
