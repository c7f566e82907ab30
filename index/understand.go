package index

import (
	"slices"
	"strings"
	"unicode"

	"casebank/corpus"
)

// Inferred is a filter that query understanding read from the query's words.
type Inferred struct {
	Field string      `json:"field"` // bank_type, region, theme, bank, dimension or city
	Code  string      `json:"code"`
	Label corpus.Text `json:"label"`
	Words string      `json:"words"` // the words it came from, as typed
	// Covers lists the codes the filter matches: a broad region covers its provinces.
	Covers []string `json:"covers,omitempty"`
	// Applied reports whether some hit meets the filter. An inferred filter
	// ranks rather than filters: hits that meet it come first.
	Applied bool `json:"applied"`

	text    *Concept // a theme's words, which also meet it for ranking
	implied bool     // follows from a named thing (Filter.Implied)
}

// FilterRef names one facet value: an inferred filter a hit meets or not.
type FilterRef struct {
	Field string `json:"field"`
	Code  string `json:"code"`
}

// Expansion shows how one part of the query is searched: the words typed
// and the terms searched for them (glossary translations and synonyms).
type Expansion struct {
	Words string   `json:"words"`
	Terms []string `json:"terms"`
	Soft  bool     `json:"soft,omitempty"` // ranks but is not required
}

// meaning is what a vocabulary entry stands for: a filter, a glossary group,
// or a stop word.
type meaning struct {
	field, code string // a filter when field != ""
	label       corpus.Text
	zh, en      []string // glossary terms to search
	stop        bool
	soft        bool
	// A glossary concept's links: broader and related concepts, searched at
	// a lower weight, and the themes it belongs to, inferred as filters.
	broader, related []*meaning
	themes           []string
	// A city's stored spellings (深圳, 深圳市) and its province; an English
	// name can be two cities' (Taizhou: 台州, 泰州).
	cities, regions []string
}

// vocabulary is built from the taxonomy, the bank registry and the glossary.
type vocabulary struct {
	zh    map[string]*meaning
	en    map[string]*meaning // key: normalised English phrase
	maxZH int                 // longest Chinese term, in runes
	maxEN int                 // longest English phrase, in words

	completions []completion // sorted, for autocomplete
	// nameWords are the distinctive words of banks' English names
	// ("kincheng"), which spelling correction may offer.
	nameWords []string
	// sounds are the readings of the Chinese terms, for words typed by
	// their sound with another character.
	sounds map[string][][]string

	// The taxonomy and banks it was built from, for labels and lookups, so
	// that a search reads nothing else from the store.
	tax        *corpus.Taxonomy
	banks      []*corpus.Bank
	bankByID   map[string]*corpus.Bank
	bankByName map[string]*corpus.Bank
}

// Words too common to search on or to require.
var (
	enStop = set("a", "an", "the", "at", "in", "on", "of", "for", "with", "by", "to", "from", "and", "or", "about",
		"how", "what", "which", "who", "do", "does", "did", "is", "are", "was", "were", "be", "their", "its", "my", "our",
		"any", "all", "some", "case", "example", "bank", "banking", "china", "chinese", "small", "medium", "sized", "smb", "show", "me", "find",
		"serve", "serving", "support", "supporting", "help", "helping", "provide", "providing", "offer", "offering", "via", "using", "based", "new", "latest",
		// Question words: a long question keeps its concepts ("it" stays: IT).
		"have", "has", "had", "why", "where", "when", "can", "could", "should", "would", "there", "they", "them", "these", "those",
		"that", "this", "we", "you", "want", "looking", "know", "tell", "list", "give", "examples", "cases", "please", "such", "been", "being", "so")
	zhStop = set("的", "和", "与", "及", "在", "中", "之", "有哪些", "哪些", "如何", "怎么", "怎样", "案例", "做法", "银行", "中小银行", "情况", "相关",
		"什么", "哪家", "哪几家", "有没有", "是否", "请问", "为什么", "用来", "做了", "都有")
	// Words of many banks' names, which tell none apart.
	genericNameWords = set("commercial", "rural", "united", "credit", "union", "china", "international", "cooperative", "village", "private")
	// Verbs and nouns that describe any practice: they rank, they do not filter.
	softWords = set("service", "services", "solution", "solutions", "approach", "method", "effort", "scheme", "deployment", "deploy", "use", "usage", "application", "adoption", "implementation", "practice",
		"initiative", "project", "solution", "experience", "launch", "build", "development", "develop", "improve",
		"部署", "应用", "实践", "探索", "推进", "建设", "打造", "搭建", "推出", "上线", "落地", "提升", "运用")
)

func set(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// buildVocabulary indexes every label, alias, bank name and glossary term.
// Filters are registered first, so a glossary entry never shadows one.
func buildVocabulary(tax *corpus.Taxonomy, banks []*corpus.Bank, gloss *corpus.Glossary) *vocabulary {
	v := &vocabulary{zh: map[string]*meaning{}, en: map[string]*meaning{}, tax: tax, banks: banks,
		bankByID: map[string]*corpus.Bank{}, bankByName: map[string]*corpus.Bank{}}
	for _, b := range banks {
		v.bankByID[b.ID] = b
		for _, n := range append([]string{b.Name}, b.Aliases...) {
			v.bankByName[corpus.NormalizeBankName(n)] = b
		}
		if b.NameEN != "" {
			v.bankByName[strings.ToLower(b.NameEN)] = b
		}
	}
	add := func(term string, m *meaning) {
		term = strings.TrimSpace(term)
		if term == "" {
			return
		}
		if hasHan(term) {
			if _, ok := v.zh[term]; !ok {
				v.zh[term] = m
				v.maxZH = max(v.maxZH, len([]rune(term)))
			}
			return
		}
		words := enWords(term)
		if len(words) == 0 {
			return
		}
		key := strings.Join(words, " ")
		if _, ok := v.en[key]; !ok {
			v.en[key] = m
			v.maxEN = max(v.maxEN, len(words))
		}
	}
	for _, b := range banks {
		if b.Anonymous {
			continue
		}
		m := &meaning{field: corpus.FacetBank, code: b.ID, label: corpus.Text{ZH: b.Name, EN: b.NameEN}}
		for _, n := range append([]string{b.Name, b.NameEN}, b.Aliases...) {
			add(n, m)
		}
		for _, n := range append([]string{b.Name}, b.Aliases...) {
			for _, r := range romanised(n) {
				add(r, m)
			}
		}
		// People say "Jiangsu Bank" for Bank of Jiangsu and the reverse.
		if x, ok := strings.CutPrefix(b.NameEN, "Bank of "); ok && !strings.Contains(x, " ") {
			add(x+" Bank", m)
		} else if x, ok := strings.CutSuffix(b.NameEN, " Bank"); ok && !strings.Contains(x, " ") {
			add("Bank of "+x, m)
		}
		for _, w := range enWords(b.NameEN) {
			if len(w) >= 5 && !genericNameWords[w] {
				v.nameWords = append(v.nameWords, w)
			}
		}
	}
	for _, facet := range corpus.CodedFacets() {
		if !facet.Infer {
			continue
		}
		kind := facet.Name
		for _, val := range tax.Values(kind) {
			m := &meaning{field: kind, code: val.Code, label: corpus.Text{ZH: val.ZH, EN: val.EN}}
			names := append(append([]string{}, val.AliasesZH...), val.AliasesEN...)
			if kind != corpus.FacetDimension { // bare 数据/技术 are too common to filter on
				names = append(names, val.ZH, val.EN)
			}
			for _, n := range names {
				add(n, m)
			}
		}
	}
	// A glossary term that begins with a theme's name, its modifier, belongs
	// to the theme: "AI CFO" is about AI, 跨境电商 about cross-border trade
	// (a head word says less: a green channel is no channel theme).
	var themeZH []string
	for term, m := range v.zh {
		if m.field == corpus.FacetTheme && len([]rune(term)) >= 2 {
			themeZH = append(themeZH, term)
		}
	}
	slices.Sort(themeZH)
	themesWithin := func(term string) []string {
		var codes []string
		if hasHan(term) {
			for _, name := range themeZH {
				if name != term && strings.HasPrefix(term, name) {
					codes = append(codes, v.zh[name].code)
				}
			}
			return codes
		}
		words := enWords(term)
		for j := 1; j < len(words); j++ {
			if m := v.en[strings.Join(words[:j], " ")]; m != nil && m.field == corpus.FacetTheme {
				codes = append(codes, m.code)
			}
		}
		return codes
	}
	entries := make([]*meaning, len(gloss.Entries))
	for i, e := range gloss.Entries {
		m := &meaning{zh: e.ZH, en: e.EN}
		for _, t := range append(append([]string{}, e.EN...), e.ZH...) {
			m.soft = m.soft || softWords[t] || softWords[singular(strings.ToLower(t))]
		}
		for _, code := range e.Themes {
			if _, ok := tax.Lookup(corpus.FacetTheme, code); ok {
				m.themes = append(m.themes, code)
			}
		}
		for _, t := range append(append([]string{}, e.EN...), e.ZH...) {
			add(t, m)
		}
		entries[i] = m
	}
	find := gloss.Finder()
	for i, e := range gloss.Entries {
		for _, link := range []struct {
			terms []string
			to    *[]*meaning
		}{{e.Broader, &entries[i].broader}, {e.Related, &entries[i].related}} {
			for _, t := range link.terms {
				if j := find(t); j >= 0 && j != i {
					*link.to = append(*link.to, entries[j])
				}
			}
		}
	}
	// Cities after everything else: a bank's name, a filter's or a
	// glossary term's words mean what those say.
	for _, c := range corpus.Cities() {
		if _, ok := tax.Lookup(corpus.FacetRegion, c.Region); !ok {
			continue
		}
		m := &meaning{field: corpus.FacetCity, code: c.ZH, label: corpus.Text{ZH: c.ZH, EN: c.EN},
			cities: append([]string{c.ZH}, c.AliasesZH...), regions: []string{c.Region}}
		for _, n := range append([]string{c.ZH}, c.AliasesZH...) {
			add(n, m)
		}
		for _, n := range append([]string{c.EN}, c.AliasesEN...) {
			key := strings.Join(enWords(n), " ")
			if have := v.en[key]; have != nil && have.field == corpus.FacetCity && have != m {
				have.cities = append(have.cities, m.cities...)
				have.label.ZH += "、" + c.ZH
				if !slices.Contains(have.regions, c.Region) {
					have.regions = append(have.regions, c.Region)
				}
				continue
			}
			add(n, m)
		}
	}
	// After the links, so that a term's own meaning keeps them.
	for i, e := range gloss.Entries {
		for _, t := range append(append([]string{}, e.EN...), e.ZH...) {
			m := entries[i]
			var extra []string
			for _, code := range themesWithin(t) {
				if !slices.Contains(m.themes, code) && !slices.Contains(extra, code) {
					extra = append(extra, code)
				}
			}
			if len(extra) == 0 {
				continue
			}
			// Only this term: 电商 is not cross-border, 跨境电商 is.
			own := *m
			own.themes = append(slices.Clone(m.themes), extra...)
			if hasHan(t) {
				if v.zh[t] == m {
					v.zh[t] = &own
				}
			} else if key := strings.Join(enWords(t), " "); v.en[key] == m {
				v.en[key] = &own
			}
		}
	}
	v.sounds = map[string][][]string{}
	for term := range v.zh {
		if n := len([]rune(term)); n >= 2 && n <= maxSoundRunes {
			if rs := readings(term); rs != nil {
				v.sounds[term] = rs
			}
		}
	}
	v.completions = buildCompletions(tax, banks, gloss)
	for w := range zhStop {
		add(w, &meaning{stop: true})
	}
	for w := range enStop {
		if _, ok := v.en[w]; !ok {
			v.en[w] = &meaning{stop: true}
		}
	}
	return v
}

// unit is a piece of the query after understanding.
type unit struct {
	words   string   // as typed
	han     bool     // Chinese text
	meaning *meaning // nil for words the vocabulary does not know
	run     int      // which run of the query it comes from
}

// understand splits plain terms into known terms, filters and leftover text.
// Longest match wins; English matching ignores case and plural endings.
func (v *vocabulary) understand(terms []Term) []unit {
	var out []unit
	// Joined, so that "city commercial banks" typed as three words matches.
	texts := make([]string, len(terms))
	for i, t := range terms {
		texts[i] = t.Text
	}
	for i, run := range scriptRuns(strings.Join(texts, " ")) {
		units := v.matchLatin(run.text)
		if run.han {
			units = v.segmentHan(run.text)
		}
		for _, un := range units {
			un.run = i
			out = append(out, un)
		}
	}
	return out
}

type run struct {
	text string
	han  bool
}

// scriptRuns splits s into runs of Chinese and of other characters.
func scriptRuns(s string) []run {
	var out []run
	for _, r := range s {
		h := unicode.Is(unicode.Han, r)
		if n := len(out); n > 0 && out[n-1].han == h {
			out[n-1].text += string(r)
		} else {
			out = append(out, run{string(r), h})
		}
	}
	return out
}

// segmentHan cuts a Chinese run into the longest known terms, leaving the
// unknown stretches between them as text.
func (v *vocabulary) segmentHan(s string) []unit {
	rs := []rune(s)
	var out []unit
	unknown := ""
	flush := func() {
		switch {
		case unknown == "":
		case zhStop[unknown]:
			out = append(out, unit{words: unknown, han: true, meaning: &meaning{stop: true}})
		default:
			out = append(out, unit{words: unknown, han: true})
		}
		unknown = ""
	}
	for i := 0; i < len(rs); {
		found := 0
		// Single characters are never terms: 之 in 徽之道 is part of a name.
		for n := min(v.maxZH, len(rs)-i); n >= 2; n-- {
			if _, ok := v.zh[string(rs[i:i+n])]; ok {
				found = n
				break
			}
		}
		if found == 0 {
			unknown += string(rs[i])
			i++
			continue
		}
		flush()
		out = append(out, unit{words: string(rs[i : i+found]), han: true, meaning: v.zh[string(rs[i:i+found])]})
		i += found
	}
	flush()
	return out
}

// matchLatin matches a non-Chinese run word by word, longest phrase first.
// Words of one token that the vocabulary does not know stay together
// ("DeepSeek-R1" is searched as typed).
func (v *vocabulary) matchLatin(s string) []unit {
	// Words with their original spelling.
	tokens := strings.FieldsFunc(s, func(r rune) bool { return !(unicode.IsLetter(r) || unicode.IsDigit(r)) })
	norm := make([]string, len(tokens))
	for i, t := range tokens {
		norm[i] = singular(strings.ToLower(t))
	}
	var out []unit
	var unknown []string
	flush := func() {
		if len(unknown) > 0 {
			out = append(out, unit{words: strings.Join(unknown, " ")})
			unknown = nil
		}
	}
	for i := 0; i < len(tokens); {
		found := 0
		for n := min(v.maxEN, len(tokens)-i); n >= 1; n-- {
			if _, ok := v.en[strings.Join(norm[i:i+n], " ")]; ok {
				found = n
				break
			}
		}
		if found == 0 {
			unknown = append(unknown, tokens[i])
			i++
			continue
		}
		flush()
		out = append(out, unit{words: strings.Join(tokens[i:i+found], " "), meaning: v.en[strings.Join(norm[i:i+found], " ")]})
		i += found
	}
	flush()
	return out
}

// enWords normalises an English phrase into lowercase singular words.
func enWords(s string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !(unicode.IsLetter(r) || unicode.IsDigit(r)) }) {
		out = append(out, singular(f))
	}
	return out
}

// singular strips common English plural endings.
func singular(w string) string {
	switch {
	case len(w) <= 3, w == "securities": // securities are not a security theme
		return w
	case strings.HasSuffix(w, "ies"):
		return w[:len(w)-3] + "y"
	case strings.HasSuffix(w, "sses"), strings.HasSuffix(w, "ches"), strings.HasSuffix(w, "shes"), strings.HasSuffix(w, "xes"):
		return w[:len(w)-2]
	case strings.HasSuffix(w, "ss"), strings.HasSuffix(w, "us"), strings.HasSuffix(w, "is"):
		return w
	case strings.HasSuffix(w, "s"):
		return w[:len(w)-1]
	}
	return w
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}
