package tagger

import (
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"casebank/corpus"
)

// Shortest registry names looked for in a draft: 工行 is also in 员工行为.
const (
	minBankNameHan   = 3 // runes
	minBankNameASCII = 4 // bytes
)

// buildLexicon files the names a draft is read for: every label and alias
// of the taxonomy, the table's named technologies under the theme they
// resolve to, the bank-type words and registered banks a subject can be,
// and self-references (我行).
func buildLexicon(tax *corpus.Taxonomy, terms *corpus.ThemeTerms, banks []*corpus.Bank) *lexicon {
	l := newLexicon()
	for _, kind := range []string{corpus.FacetDimension, corpus.FacetTheme, corpus.FacetBankType} {
		for _, v := range tax.Values(kind) {
			for _, name := range valueNames(v) {
				l.add(name, lexEntry{kind: entryCodebook, facet: kind, code: v.Code})
				if kind == corpus.FacetBankType {
					l.add(name, lexEntry{kind: entryInstitution, code: v.Code})
				}
			}
		}
	}
	if terms != nil {
		for _, row := range terms.Terms {
			// A row whose theme the taxonomy lacks (yet) still hides the
			// shorter names inside its own.
			e := lexEntry{kind: entryBlocker}
			if code, ok := tax.Resolve(corpus.FacetTheme, row.Theme); ok {
				e = lexEntry{kind: entryTerm, facet: corpus.FacetTheme, code: code}
			}
			for _, t := range append(append([]string{}, row.ZH...), row.EN...) {
				l.add(t, e)
			}
		}
	}
	for _, b := range banks {
		if b.Anonymous || !tax.Has(corpus.FacetBankType, b.Type) {
			continue // an anonymised bank's name is a description: its type word is read instead
		}
		for _, n := range append([]string{b.Name, b.NameEN}, b.Aliases...) {
			if n = strings.TrimSpace(n); n == "" || (isASCII(n) && len(n) < minBankNameASCII) || (!isASCII(n) && utf8.RuneCountInString(n) < minBankNameHan) {
				continue
			}
			l.add(n, lexEntry{kind: entryInstitution, code: b.Type, bank: b.Name})
		}
	}
	for _, n := range selfNames {
		l.add(n, lexEntry{kind: entrySelf})
	}
	return l
}

func valueNames(v corpus.Value) []string {
	return append(append([]string{v.ZH, v.EN}, v.AliasesZH...), v.AliasesEN...)
}

// named is what a draft names of one tag.
type named struct {
	matched []string // codebook labels and aliases
	terms   []string // named technologies and products
}

// Suggest scores every dimension, theme and bank type for a draft. exclude
// names a case to leave out of the statistics (leave-one-out evaluation).
// A bank type named as the text's subject decides the bank type; a named
// technology or codebook word implies its theme.
func (m *Model) Suggest(d Draft, bank *corpus.Bank, exclude string) *Suggestions {
	return m.suggest(d, bank, exclude, false)
}

func (m *Model) suggest(d Draft, bank *corpus.Bank, exclude string, noRegistry bool) *Suggestions {
	feats := m.features(d.Text)
	ex := m.cases[exclude]
	norm := normalize(d.Text)
	found := m.lex.find(norm)
	names := map[string]*named{}
	for _, f := range m.lex.outermost(found) {
		for _, e := range m.lex.names[f.name].entries {
			if e.kind != entryCodebook && e.kind != entryTerm {
				continue
			}
			key := e.facet + ":" + e.code
			n := names[key]
			if n == nil {
				n = &named{}
				names[key] = n
			}
			if e.kind == entryCodebook && len(n.matched) < maxMatched && !contains(n.matched, e.written) {
				n.matched = append(n.matched, e.written)
			}
			if e.kind == entryTerm && len(n.terms) < maxMatched && !contains(n.terms, e.written) {
				n.terms = append(n.terms, e.written)
			}
		}
	}
	sents := splitSentences(d.Text)
	out := &Suggestions{}
	for _, kind := range []string{corpus.FacetDimension, corpus.FacetTheme, corpus.FacetBankType} {
		var list []Suggestion
		for _, v := range m.tax.Values(kind) {
			s := m.score(kind+":"+v.Code, feats, ex)
			s.Kind, s.Code, s.Label = kind, v.Code, corpus.Text{ZH: v.ZH, EN: v.EN}
			s.Source = "corpus"
			if n := names[kind+":"+v.Code]; n != nil {
				s.Matched = append(s.Matched, n.matched...)
				s.Terms = n.terms
			}
			// The codebook's own words and named technologies are strong
			// evidence on their own.
			if len(s.Matched)+len(s.Terms) > 0 && kind != corpus.FacetDimension {
				s.Score = 1 - (1-s.Score)*codebookDamp
				if len(s.Evidence) == 0 {
					s.Source = "codebook"
					if len(s.Matched) == 0 {
						s.Source = "terms"
					}
				}
			}
			s.Reason, s.ReasonZH = reasonOf(s)
			s.Sentence = sents.with(s.Terms, s.Matched, s.Evidence)
			list = append(list, s)
		}
		sort.SliceStable(list, func(i, j int) bool { return list[i].Score > list[j].Score })
		switch kind {
		case corpus.FacetDimension:
			out.Dimensions = list[:min(3, len(list))]
		case corpus.FacetTheme:
			for _, s := range list {
				if s.Score >= ThemeThreshold {
					out.Themes = append(out.Themes, s)
				}
			}
			if out.Themes == nil {
				out.Themes = []Suggestion{}
			}
		case corpus.FacetBankType:
			out.BankType = m.bankType(d, bank, norm, found, list, sents, noRegistry)
		}
	}
	return out
}

// bankType is the draft's bank's type from the registry, else the type
// its subject names, else the learned guess (never an alliance when the
// subject is 我行, a bank).
func (m *Model) bankType(d Draft, bank *corpus.Bank, norm string, found []lexMatch, list []Suggestion, sents sentences, noRegistry bool) []Suggestion {
	kind := corpus.FacetBankType
	if bank != nil && bank.Type != "" {
		v, _ := m.tax.Lookup(kind, bank.Type)
		return []Suggestion{{Kind: kind, Code: bank.Type, Label: corpus.Text{ZH: v.ZH, EN: v.EN}, Score: 1,
			Evidence: []string{bank.Name}, Matched: []string{}, Source: "registry",
			Reason:   fmt.Sprintf("the draft's bank %s is %s in the bank registry", bank.Name, v.ZH),
			ReasonZH: fmt.Sprintf("银行名录中草稿的银行%s为%s", bank.Name, v.ZH)}}
	}
	sub := m.lex.findSubject(norm, found, noRegistry)
	if sub != nil && sub.typ != "" {
		if v, ok := m.tax.Lookup(kind, sub.typ); ok {
			s := Suggestion{Kind: kind, Code: v.Code, Label: corpus.Text{ZH: v.ZH, EN: v.EN}, Score: 0.95,
				Evidence: []string{sub.written}, Matched: []string{sub.written}, Source: "subject"}
			switch sub.how {
			case "apposition":
				s.Reason = fmt.Sprintf("subject %s is named %s", sub.via, sub.written)
				s.ReasonZH = fmt.Sprintf("主体%s被称为%s", sub.via, sub.written)
			case "provider":
				s.Reason = fmt.Sprintf("subject %s is named as the provider; the bank it serves names %s", sub.via, sub.written)
				s.ReasonZH = fmt.Sprintf("主体%s是服务提供方；其服务的银行点名%s", sub.via, sub.written)
			case "served":
				s.Score = 0.8
				s.Reason = fmt.Sprintf("no institution is the subject; the bank worked for names %s", sub.written)
				s.ReasonZH = fmt.Sprintf("没有机构作主体；所服务的银行点名%s", sub.written)
			default:
				s.Reason = "subject names " + sub.written
				s.ReasonZH = "主体点名" + sub.written
			}
			if sub.bank != "" {
				s.Matched = []string{sub.bank}
				s.Reason += fmt.Sprintf(" (%s in the bank registry)", v.ZH)
				s.ReasonZH += fmt.Sprintf("（银行名录中为%s）", v.ZH)
			}
			s.Sentence = sents.with(s.Evidence)
			return []Suggestion{s}
		}
	}
	if sub != nil { // a self-reference: a bank, of a type the text does not name
		var banks []Suggestion
		for _, s := range list {
			if s.Code != "org" {
				banks = append(banks, s)
			}
		}
		if len(banks) > 0 {
			top := banks[0]
			top.Reason = fmt.Sprintf("subject %s is a bank of a type the text does not name; %s", sub.written, top.Reason)
			top.ReasonZH = fmt.Sprintf("主体%s是银行，文中未点明其类型；%s", sub.written, top.ReasonZH)
			return []Suggestion{top}
		}
	}
	if len(list) == 0 {
		return []Suggestion{}
	}
	top := list[0]
	top.Reason = "no bank type is named as the subject; " + top.Reason
	top.ReasonZH = "主体未点明银行类型；" + top.ReasonZH
	return []Suggestion{top}
}

// reasonOf says in a line why a tag is suggested, in English and in
// Chinese.
func reasonOf(s Suggestion) (en, zh string) {
	var parts, partsZH []string
	if len(s.Terms) > 0 {
		parts = append(parts, "names "+strings.Join(s.Terms, "、"))
		partsZH = append(partsZH, "点名"+strings.Join(s.Terms, "、"))
	}
	if len(s.Matched) > 0 {
		parts = append(parts, "codebook: "+strings.Join(s.Matched, "、"))
		partsZH = append(partsZH, "编码表："+strings.Join(s.Matched, "、"))
	}
	if len(s.Evidence) > 0 {
		ev := strings.Join(s.Evidence[:min(3, len(s.Evidence))], "、")
		parts = append(parts, "words of its cases: "+ev)
		partsZH = append(partsZH, "其案例的用词："+ev)
	}
	if len(parts) == 0 {
		return "nothing in the text points to it", "文中没有指向它的内容"
	}
	return strings.Join(parts, "; "), strings.Join(partsZH, "；")
}

// sentences are a draft's sentences, cut to maxSentence characters, with
// their normalised forms.
type sentences []struct{ text, norm string }

func splitSentences(text string) sentences {
	var ss sentences
	for _, sent := range strings.FieldsFunc(text, func(r rune) bool { return r == '。' || r == '\n' || r == '；' || r == '!' || r == '?' }) {
		if sent = strings.TrimSpace(sent); sent != "" {
			cut := sent
			if utf8.RuneCountInString(sent) > maxSentence {
				cut = string([]rune(sent)[:maxSentence-1]) + "…"
			}
			ss = append(ss, struct{ text, norm string }{cut, normalize(sent)})
		}
	}
	return ss
}

// with returns the first sentence holding one of the words.
func (ss sentences) with(lists ...[]string) string {
	var words []string
	for _, l := range lists {
		for _, w := range l {
			if w = normalize(w); w != "" {
				words = append(words, w)
			}
		}
	}
	for _, s := range ss {
		for _, w := range words {
			if strings.Contains(s.norm, w) {
				return s.text
			}
		}
	}
	return ""
}
