package corpus

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"
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
	Model      ModelInfo       `json:"model"`
}

// TagModel learns which words go with which tags from the tagged corpus:
// for every tag, in how many of its cases each feature (a Chinese bigram or
// an English word) occurs, against the cases without the tag. Features are
// numbered and counted in arrays: at 100,000 cases maps of maps took
// gigabytes.
type TagModel struct {
	tax   *Taxonomy
	gloss map[string][]string // English word → Chinese terms
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

// NewTagModel trains a model on cases, keeping what leave-one-out needs.
func NewTagModel(cases []*Case, tax *Taxonomy, gloss *Glossary) *TagModel {
	m := newTagModel(tax, gloss)
	m.cases = map[string]*docFeatures{}
	for _, c := range cases {
		m.add(c)
	}
	return m
}

func newTagModel(tax *Taxonomy, gloss *Glossary) *TagModel {
	m := &TagModel{tax: tax, gloss: map[string][]string{}, ids: map[string]uint32{}, idsEN: map[string]uint32{}, tagOf: map[string]int{}}
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
func (m *TagModel) add(c *Case) {
	tags := make([]string, 0, len(c.Dimensions)+len(c.Themes)+1)
	for _, t := range c.Dimensions {
		tags = append(tags, FacetDimension+":"+t)
	}
	for _, t := range c.Themes {
		tags = append(tags, FacetTheme+":"+t)
	}
	tags = append(tags, FacetBankType+":"+c.Bank.Type)
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

func caseText(c *Case) string {
	return strings.Join([]string{c.Title.ZH, c.Title.EN, c.Summary.ZH, c.Summary.EN, c.Body, c.Outcome,
		strings.Join(c.Products, " "), strings.Join(c.Technologies, " "), strings.Join(c.Partners, " ")}, "\n")
}

// eachFeature calls fn with the Chinese bigrams and the lowercase English
// words of a text, repeats included; English words are also read as their
// Chinese glossary terms, so that an English draft meets the Chinese
// corpus. Bigrams are substrings of the text: training reads 100,000 cases
// without making a string per bigram.
func (m *TagModel) eachFeature(text string, fn func(f string, english bool)) {
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
func (m *TagModel) features(text string) map[string]bool {
	fs := map[string]bool{}
	m.eachFeature(text, func(f string, english bool) {
		if english {
			f = "en:" + f
		}
		fs[f] = true
	})
	return fs
}

// Suggest scores every dimension, theme and bank type for a draft. exclude
// names a case to leave out of the statistics (leave-one-out evaluation).
func (m *TagModel) Suggest(d TagDraft, bank *Bank, exclude string) *Suggestions {
	feats := m.features(d.Text)
	ex := m.cases[exclude]
	out := &Suggestions{}
	lower := strings.ToLower(d.Text)
	for _, kind := range []string{FacetDimension, FacetTheme, FacetBankType} {
		var list []TagSuggestion
		for _, v := range m.tax.Values(kind) {
			s := m.score(kind+":"+v.Code, feats, ex)
			s.Kind, s.Code, s.Label = kind, v.Code, Text{ZH: v.ZH, EN: v.EN}
			s.Source = "corpus"
			// The codebook's own words are strong evidence on their own.
			for _, name := range append(append([]string{v.ZH, v.EN}, v.AliasesZH...), v.AliasesEN...) {
				if len(s.Matched) < maxMatched && len([]rune(name)) >= 2 && strings.Contains(lower, strings.ToLower(name)) && !contains(s.Matched, name) {
					s.Matched = append(s.Matched, name)
				}
			}
			if len(s.Matched) > 0 && kind != FacetDimension {
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
		case FacetDimension:
			out.Dimensions = list[:min(3, len(list))]
		case FacetTheme:
			for _, s := range list {
				if s.Score >= ThemeThreshold {
					out.Themes = append(out.Themes, s)
				}
			}
			if out.Themes == nil {
				out.Themes = []TagSuggestion{}
			}
		case FacetBankType:
			if bank != nil && bank.Type != "" {
				v, _ := m.tax.Lookup(FacetBankType, bank.Type)
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
	s := TagSuggestion{Evidence: []string{}, Matched: []string{}}
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

// sentenceWith returns the first sentence of text holding one of the words,
// cut to maxSentence characters.
func sentenceWith(text string, words []string) string {
	for _, sent := range strings.FieldsFunc(text, func(r rune) bool { return r == '。' || r == '\n' || r == '；' || r == '!' || r == '?' }) {
		ls := strings.ToLower(sent)
		for _, w := range words {
			if w != "" && strings.Contains(ls, strings.ToLower(w)) {
				sent = strings.TrimSpace(sent)
				if rs := []rune(sent); len(rs) > maxSentence {
					sent = string(rs[:maxSentence-1]) + "…"
				}
				return sent
			}
		}
	}
	return ""
}

// SuggestTags suggests tags for a draft from the model of the store's cases.
func (s *Store) SuggestTags(ctx context.Context, d TagDraft) (*Suggestions, error) {
	if strings.TrimSpace(d.Text) == "" {
		return nil, &Error{Code: EINVALID, Message: "give the draft's text", Fields: []FieldError{{Field: "text", Message: "empty"}}}
	}
	if n := utf8.RuneCountInString(d.Text); n > MaxDraftRunes {
		return nil, &Error{Code: EINVALID, Message: fmt.Sprintf("the draft's text has %d characters; at most %d", n, MaxDraftRunes),
			Fields: []FieldError{{Field: "text", Message: fmt.Sprintf("at most %d characters", MaxDraftRunes)}}}
	}
	if n := utf8.RuneCountInString(d.Bank); n > 200 {
		return nil, &Error{Code: EINVALID, Message: "the bank's name is longer than 200 characters",
			Fields: []FieldError{{Field: "bank", Message: "at most 200 characters"}}}
	}
	m, err := s.models.current(ctx, s)
	if err != nil {
		return nil, err
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
	sg := m.Suggest(d, bank, "")
	sg.Model = ModelInfo{Cases: m.docs, Seq: m.Seq}
	return sg, nil
}

// ModelInfo says what a suggestion was learned from.
type ModelInfo struct {
	Cases int    `json:"cases"`
	Seq   uint64 `json:"seq"` // the store's change-log sequence at training
}

// tagModels keeps the model of the store's current cases. A write makes it
// stale: the stale one keeps answering while one new one is trained in the
// background, no more often than rebuildSpacing times the last training's
// duration, so that a stream of writes cannot keep the cores busy.
type tagModels struct {
	mu       sync.Mutex
	stop     context.CancelFunc // ends a training when the store closes
	ctx      context.Context
	model    *TagModel
	building chan struct{} // closed when the running training ends
	err      error         // of the last training
	next     time.Time     // no training before
	builds   int
}

const rebuildSpacing = 4

// current returns the model, training the first one (and waiting for it) or
// starting a new one when the store has changed since.
func (ms *tagModels) current(ctx context.Context, s *Store) (*TagModel, error) {
	seq, err := s.LastSeq()
	if err != nil {
		return nil, err
	}
	for {
		ms.mu.Lock()
		m := ms.model
		if m != nil && m.Seq == seq {
			ms.mu.Unlock()
			return m, nil
		}
		if ms.building == nil && (m == nil || !time.Now().Before(ms.next)) {
			if ms.ctx == nil {
				ms.ctx, ms.stop = context.WithCancel(context.Background())
			}
			ms.building = make(chan struct{})
			go ms.train(ms.ctx, s)
		}
		building, lastErr := ms.building, ms.err
		ms.mu.Unlock()
		if m != nil {
			return m, nil // stale by a few writes: good enough while the next one trains
		}
		if building == nil {
			return nil, lastErr
		}
		select {
		case <-building:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		ms.mu.Lock()
		m, lastErr = ms.model, ms.err
		ms.mu.Unlock()
		if m == nil {
			return nil, lastErr
		}
		if m.Seq >= seq {
			return m, nil
		}
	}
}

// train builds a model from one read of the store.
func (ms *tagModels) train(ctx context.Context, s *Store) {
	start := time.Now()
	m, err := s.trainTagModel(ctx)
	ms.mu.Lock()
	defer ms.mu.Unlock()
	if err == nil {
		ms.model = m
		ms.builds++
	}
	ms.err = err
	ms.next = time.Now().Add(rebuildSpacing * time.Since(start))
	close(ms.building)
	ms.building = nil
}

func (s *Store) trainTagModel(ctx context.Context) (*TagModel, error) {
	tax, err := s.Taxonomy()
	if err != nil {
		return nil, err
	}
	gloss, err := s.Glossary()
	if err != nil {
		return nil, err
	}
	m := newTagModel(tax, gloss)
	// The taxonomy and glossary read above may be a write older than the
	// sequence: then the model's Seq is behind and the next request trains again.
	seq, err := s.EachRecord(ctx, func(*Policy) error { return nil }, func(c *Case) error { m.add(c); return nil })
	if err != nil {
		return nil, err
	}
	m.Seq = seq
	return m, nil
}

// close ends a running training, so that closing the store need not wait
// for it.
func (ms *tagModels) close() {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	if ms.stop != nil {
		ms.stop()
	}
}

// WarmTagModel trains the suggester's model now, so that the first
// suggestion does not wait for it; a server calls it once at start.
func (s *Store) WarmTagModel(ctx context.Context) error {
	_, err := s.models.current(ctx, s)
	return err
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
