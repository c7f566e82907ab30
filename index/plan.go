package index

import (
	"slices"
	"strings"

	"casebank/corpus"
)

// A Plan is a search as understanding reads it, in terms any engine can
// run: concepts to match, filters to pass, and the tiers to try. Fields are
// TextFields' names, filters corpus.Facets' names.
type Plan struct {
	// Required concepts: a tier requires every one of them, or any one.
	Required []Concept
	// Optional concepts only rank: a Chinese run matched whole, words an
	// explicit filter made redundant, soft glossary words, the words of an
	// inferred theme.
	Optional []Concept
	// Excluded concepts leave out every record that matches one.
	Excluded []Concept
	// Filters are ANDed; the inferred ones rank instead (see Filter).
	Filters []Filter
	// Tiers are tried in order; the first that finds Enough records answers.
	Tiers []Tier
	// Aside, when set, lists apart the best records that fail only one
	// explicit filter: policies beside a search for cases.
	Aside *Aside
}

// Aside names the filter (an index into Plan.Filters) whose failures are
// listed apart, and how many of them to return.
type Aside struct {
	Filter int
	Size   int
}

// Concept is one thing a query asks for: any one of its alternatives
// matches it (the words as typed, their glossary equivalents).
type Concept struct {
	Words        string // as typed
	Alternatives []Alternative
}

// Alternative is a text matched in any one of its fields, each with its
// weight.
type Alternative struct {
	Text   string
	Match  Match
	Fields []FieldWeight
}

// FieldWeight is a field an alternative is looked for in, and what a match
// there weighs.
type FieldWeight struct {
	Field  string
	Weight float64
}

// Match says how an alternative's text matches a field.
type Match int

const (
	// AllWords: every term of the text (Chinese: every bigram) in the field.
	AllWords Match = iota
	// Phrase: word for word where the field keeps positions (at most
	// MaxPhraseTokens words), elsewhere as AllWords.
	Phrase
	// AnyWord: any term of the text in the field.
	AnyWord
)

// Filter passes a record with any one of Values of Facet.
type Filter struct {
	Facet  string
	Values []string
	// Inferred filters were read from the words: they rank rather than
	// filter. Every concept a record covers (a required concept it matches,
	// an inferred filter it meets) counts one; records covering more come
	// first, the field-weighted score orders the rest.
	Inferred bool
	// Text, for an inferred filter, is its words as a concept: a record that
	// says them meets the filter for ranking even if untagged (a case about
	// 人工智能 without the ai theme), though it is not counted as inside.
	Text *Concept
	// Implied filters follow from a named thing rather than from words that
	// name the value (a model names its theme: DeepSeek → ai). They rank
	// like the others, but a record that misses one is not outside: a
	// search for DeepSeek is about every DeepSeek case.
	Implied bool
}

// Require says which of a plan's required concepts a tier requires.
type Require int

const (
	RequireAll Require = iota
	// RequireAny requires one; records matching more of them rank first.
	RequireAny
	// RequireNone requires no concept but an inferred filter met: when the
	// words found nothing, the records the inferred filters describe are
	// what is left to show.
	RequireNone
)

// Tier is one way of running a plan.
type Tier struct {
	Require Require
	// Enough is how many records make this tier the answer; with fewer,
	// the next tier is tried.
	Enough int
}

// understood is a request read against the vocabulary: the plan an engine
// runs, and what the user is shown of how it was read.
type understood struct {
	plan     *Plan
	filter   corpus.Filter // explicit filters
	inferred []Inferred
	// firstInferred is the index in plan.Filters of inferred[0]; the others follow.
	firstInferred int
	unmatched     []string // words of required concepts no record matched
	corrected     string   // the query searched instead of the one typed
	special       []Term   // phrases, field: terms, exclusions, as typed
	expanded      []Expansion
	text          string
	parsed        *Parsed
	voc           *vocabulary
}

// plan reads the plain terms through the vocabulary: filters it recognises
// become inferred filters (unless turned off or given explicitly), glossary
// terms are searched with their translations and synonyms, and the rest is
// searched as typed. Chinese words need all their bigrams in one field, so
// that 农商行 does not match 城商行 through their shared 商行. A search that
// finds fewer than fill records with every word is widened to any of them.
func plan(v *vocabulary, an Analyzer, terms []Term, f corpus.Filter, req Request, fill int) *understood {
	u := &understood{plan: &Plan{}, filter: f, inferred: []Inferred{}, expanded: []Expansion{}}
	p := u.plan
	var plain []Term
	for _, t := range terms {
		if t.Phrase || t.Field != "" || t.Negate {
			u.special = append(u.special, t)
		} else {
			plain = append(plain, t)
		}
	}
	explicit := f
	var text []string
	var required []Concept // after the special terms
	units := v.understand(plain)
	// A Chinese run cut into several pieces ("个体深信贷" → 个体 + 深 + 信贷) is
	// also matched whole, as a bonus, so that a name the vocabulary splits
	// still ranks its own case first.
	var runText string
	pieces := 0
	flushRun := func() {
		if pieces > 1 {
			p.Optional = append(p.Optional, concept(runText, phraseIn(TextFields, runText, 2)))
		}
		runText, pieces = "", 0
	}
	for i, un := range units {
		if i > 0 && units[i-1].run != un.run {
			flushRun()
		}
		if un.han && (un.meaning == nil || un.meaning.field == "" && !un.meaning.stop) {
			runText += un.words
			pieces++
		}
		m := un.meaning
		switch {
		case m != nil && m.stop:
			continue
		case m != nil && m.field != "":
			switch {
			case req.NoInfer || slices.Contains(req.NoInferFields, m.field):
				// The user turned inference off: the words are plain text again.
				required = append(required, wordsConcept(un))
				u.expanded = append(u.expanded, Expansion{Words: un.words, Terms: []string{un.words}})
				text = append(text, un.words)
			case len(explicit[m.field]) > 0:
				// An explicit filter on the field wins; the words only rank.
				p.Optional = append(p.Optional, wordsConcept(un))
				u.expanded = append(u.expanded, Expansion{Words: un.words, Terms: []string{un.words}, Soft: true})
				text = append(text, un.words)
			default:
				in := Inferred{Field: m.field, Code: m.code, Label: m.label, Words: un.words, Applied: true}
				if members := corpus.RegionMembers(m.code); m.field == corpus.FacetRegion && members != nil {
					in.Covers = append([]string{m.code}, members...)
				}
				if m.field == corpus.FacetCity {
					in.Covers = m.cities // 深圳 and 深圳市
				}
				if m.field == corpus.FacetTheme || m.field == corpus.FacetDimension || m.field == corpus.FacetCity {
					// A case that says 信创 (or 深圳) meets the filter for ranking
					// even untagged, and one that says it ranks above one only tagged so.
					c := labelConcept(v, un, m)
					in.text = &c
				}
				if m.field == corpus.FacetBankType {
					// A bank type is also a topic: a case about village banks'
					// reform, by another bank, covers "village banks" for
					// ranking (it still follows the cases at such banks).
					c := topicConcept(v, un, m)
					in.text = &c
				}
				u.addInferred(in)
				// A city's province ranks next: 深圳's banks, then Guangdong's.
				if len(m.regions) > 0 && !slices.Contains(req.NoInferFields, corpus.FacetRegion) && len(explicit[corpus.FacetRegion]) == 0 {
					var label corpus.Text
					for _, code := range m.regions {
						if val, ok := v.tax.Lookup(corpus.FacetRegion, code); ok {
							label.ZH = strings.TrimPrefix(label.ZH+"、"+val.ZH, "、")
							label.EN = strings.TrimPrefix(label.EN+", "+val.EN, ", ")
						}
					}
					u.addInferred(Inferred{Field: corpus.FacetRegion, Code: m.regions[0], Label: label,
						Words: un.words, Covers: m.regions, Applied: true, implied: true})
				}
			}
		case m != nil:
			c, searched := glossaryConcept(an, un, m)
			u.expanded = append(u.expanded, Expansion{Words: un.words, Terms: searched, Soft: m.soft})
			text = append(text, un.words)
			// A model or vendor names its category: the cases of the theme rank first.
			if !req.NoInfer && !slices.Contains(req.NoInferFields, corpus.FacetTheme) && len(explicit[corpus.FacetTheme]) == 0 {
				for _, code := range m.themes {
					if val, ok := v.tax.Lookup(corpus.FacetTheme, code); ok {
						tm := &meaning{field: corpus.FacetTheme, code: code, label: corpus.Text{ZH: val.ZH, EN: val.EN}}
						// Tagged cases meet it: its words are searched already.
						u.addInferred(Inferred{Field: corpus.FacetTheme, Code: code, Label: tm.label, Words: un.words, Applied: true, implied: true})
					}
				}
			}
			if m.soft {
				p.Optional = append(p.Optional, c)
			} else {
				required = append(required, c)
			}
		default:
			u.expanded = append(u.expanded, Expansion{Words: un.words, Terms: []string{un.words}})
			text = append(text, un.words)
			if un.han && len([]rune(un.words)) == 1 {
				continue // a lone character matches nothing in a bigram index; the whole run still may
			}
			// Words that describe any practice ("services") only rank: as
			// concepts they would count as much as the words that matter.
			if !un.han {
				var kept, soft []string
				for _, w := range strings.Fields(un.words) {
					if softWords[strings.ToLower(w)] {
						soft = append(soft, w)
					} else {
						kept = append(kept, w)
					}
				}
				if len(soft) > 0 {
					p.Optional = append(p.Optional, wordsConcept(unit{words: strings.Join(soft, " ")}))
					if len(kept) == 0 {
						continue
					}
					un.words = strings.Join(kept, " ")
				}
			}
			required = append(required, wordsConcept(un))
		}
	}
	flushRun()
	for _, t := range u.special {
		typed := (&Parsed{Terms: []Term{t}}).String()
		if t.Negate {
			p.Excluded = append(p.Excluded, termConcept(typed, t))
		} else {
			p.Required = append(p.Required, termConcept(typed, t))
		}
		text = append(text, typed)
	}
	p.Required = append(p.Required, required...)
	u.text = strings.Join(text, " ")
	p.Filters = u.filters()
	p.Tiers = tiers(len(p.Required), len(u.inferred) > 0, fill)
	return u
}

// tiers: every required concept; when that finds fewer than fill records,
// any one of them, those covering more first; when the words find nothing
// and filters were inferred, the records those describe.
func tiers(required int, inferred bool, fill int) []Tier {
	out := []Tier{{Require: RequireAll}}
	if required > 1 {
		out[0].Enough = fill
		out = append(out, Tier{Require: RequireAny})
	}
	if inferred && required > 0 {
		out[len(out)-1].Enough = 1
		out = append(out, Tier{Require: RequireNone})
	}
	return out
}

func (u *understood) addInferred(in Inferred) {
	for _, have := range u.inferred {
		if have.Field == in.Field && have.Code == in.Code {
			return
		}
	}
	u.inferred = append(u.inferred, in)
}

// filters are the explicit ones, OR within a facet, and each inferred one on
// its own (a region covers its provinces), in the order of u.inferred.
func (u *understood) filters() []Filter {
	var out []Filter
	for _, facet := range corpus.Facets {
		if values := u.filter[facet.Name]; len(values) > 0 {
			out = append(out, Filter{Facet: facet.Name, Values: values})
		}
	}
	u.firstInferred = len(out)
	for _, in := range u.inferred {
		values := in.Covers
		if values == nil {
			values = []string{in.Code}
		}
		out = append(out, Filter{Facet: in.Field, Values: values, Inferred: true, Text: in.text, Implied: in.implied})
	}
	return out
}

// answered records what the answer says of the query in what the user is
// shown: whether the words were relaxed, which inferred filters some hit
// meets, which words found nothing.
func (u *understood) answered(ans *Answer) (relaxed bool) {
	for i := range u.inferred {
		at := u.firstInferred + i
		u.inferred[i].Applied = at < len(ans.Met) && ans.Met[at] > 0
	}
	for _, i := range ans.Unmatched {
		u.unmatched = append(u.unmatched, u.plan.Required[i].Words)
	}
	t := u.plan.Tiers[ans.Tier]
	return t.Require != RequireAll
}

// filterRefs names the inferred filters at plan indices.
func (u *understood) filterRefs(at []int) []FilterRef {
	out := []FilterRef{}
	for _, i := range at {
		if j := i - u.firstInferred; j >= 0 && j < len(u.inferred) {
			out = append(out, FilterRef{Field: u.inferred[j].Field, Code: u.inferred[j].Code})
		}
	}
	return out
}

// met names the inferred filters not at unmet.
func (u *understood) met(unmet []int) []FilterRef {
	out := []FilterRef{}
	for j, in := range u.inferred {
		if !slices.Contains(unmet, u.firstInferred+j) {
			out = append(out, FilterRef{Field: in.Field, Code: in.Code})
		}
	}
	return out
}

// allFilters merges explicit and applied inferred filters, for marking facets selected.
func (u *understood) allFilters() corpus.Filter {
	f := u.filter.Clone()
	for _, in := range u.inferred {
		if in.Applied {
			f.Add(in.Field, in.Code)
		}
	}
	return f
}

func concept(words string, alts ...Alternative) Concept {
	return Concept{Words: words, Alternatives: alts}
}

// wordsConcept searches words as typed: Chinese as a phrase in the Chinese
// fields, other words with every word required in some field.
func wordsConcept(u unit) Concept {
	if u.han {
		return concept(u.words, phraseIn(TextFields, u.words, 1))
	}
	return termConcept(u.words, Term{Text: u.words})
}

// termConcept matches one term in any of its fields, each with its weight.
// Every token of the term must occur in the same field, so that
// "DeepSeek-R1" does not match a field that only says R1; a typed phrase is
// exact where positions are kept (titles, summaries, names).
func termConcept(words string, t Term) Concept {
	scope := textScopes[t.Field]
	alt := matchIn(TextFields, t.Text, 1, func(f TextField) bool { return t.Field == "" || slices.Contains(scope, f.Name) })
	if t.Phrase {
		alt.Match = Phrase
	}
	return concept(words, alt)
}

// aboutFields say what a case is about: titles, names, tags, summaries.
// Words that only rank are looked for there alone: an inferred theme's words
// or a soft glossary word (deployments: 部署, 上线, 落地 …) are in thousands of
// bodies, and walking those cost more than the rest of such a search.
var aboutFields = slices.DeleteFunc(slices.Clone(TextFields), func(f TextField) bool { return f.Weight < 2 })

func isTagField(f TextField) bool { return f.Name == fieldTagsZH || f.Name == fieldTagsEN }

// topicConcept matches a bank type's words and labels where a case says
// what it is about, but not in its bank's name or tags, which its type
// already says.
func topicConcept(v *vocabulary, u unit, m *meaning) Concept {
	c := labelConcept(v, u, m)
	for i := range c.Alternatives {
		c.Alternatives[i].Fields = slices.DeleteFunc(c.Alternatives[i].Fields, func(f FieldWeight) bool {
			return f.Field == fieldBankZH || f.Field == fieldBankEN
		})
	}
	return c
}

// labelConcept matches an inferred theme's or dimension's words as typed
// and its labels in both languages, where a case says what it is about.
// Tags are left out (a tagged case meets the filter already, and a theme's
// label is in the tags of tens of thousands of cases at 100,000), and so
// are bodies: a theme's words are in thousands of them.
func labelConcept(v *vocabulary, u unit, m *meaning) Concept {
	c := concept(u.words, matchIn(aboutFields, u.words, 1, func(f TextField) bool { return u.han == (f.Lang == Chinese) && !isTagField(f) }))
	labels := m.label // a city's; the taxonomy's labels for a coded value
	if val, ok := v.tax.Lookup(m.field, m.code); ok {
		labels = corpus.Text{ZH: val.ZH, EN: val.EN}
	}
	for _, label := range []string{labels.ZH, labels.EN} {
		if label != "" && !strings.EqualFold(label, u.words) {
			han := hasHan(label)
			c.Alternatives = append(c.Alternatives, matchIn(aboutFields, label, 0.8, func(f TextField) bool { return han == (f.Lang == Chinese) && !isTagField(f) }))
		}
	}
	return c
}

// phraseIn matches Chinese words in any Chinese field of fields: every
// bigram of the words in the same field. Positions are not checked: the
// bigrams that cross a word's characters (数据治理 → 据治) rarely occur
// anywhere else, so this is nearly always the phrase itself, at a fraction
// of the cost, and the index needs no term vectors for it.
func phraseIn(fields []TextField, text string, weight float64) Alternative {
	return matchIn(fields, text, weight, func(f TextField) bool { return f.Lang == Chinese })
}

// matchIn matches text with all its words in any one of the fields keep
// keeps (nil: all), each weighing its weight times weight.
func matchIn(fields []TextField, text string, weight float64, keep func(TextField) bool) Alternative {
	alt := Alternative{Text: text, Match: AllWords, Fields: make([]FieldWeight, 0, len(fields))}
	for _, f := range fields {
		if keep == nil || keep(f) {
			alt.Fields = append(alt.Fields, FieldWeight{f.Name, f.Weight * weight})
		}
	}
	return alt
}

// glossaryConcept matches a glossary term through all its equivalents: the
// words typed, the entry's Chinese terms and its English phrases.
// linkWeight weighs a broader concept's terms; a related one's weigh less.
const linkWeight = 0.25

func glossaryConcept(an Analyzer, u unit, m *meaning) (Concept, []string) {
	type alt struct {
		term   string
		han    bool
		weight float64
		tokens []string // English: the analysed words
	}
	var alts []alt
	var searched []string
	seen := map[string]bool{}
	add := func(term string, weight float64) {
		key := strings.ToLower(term)
		if seen[key] {
			return
		}
		seen[key] = true
		searched = append(searched, key)
		a := alt{term: term, han: strings.IndexFunc(term, isHan) >= 0, weight: weight}
		if !a.han {
			a.tokens = an.Terms(English, term)
		}
		alts = append(alts, a)
	}
	add(u.words, 1)
	// The most common equivalents only: each one is a dozen clauses.
	for _, zh := range m.zh[:min(8, len(m.zh))] {
		add(zh, 0.8)
	}
	for _, en := range m.en[:min(4, len(m.en))] {
		add(en, 0.8)
	}
	// Broader and related concepts find what the words' own terms miss
	// (通义千问 → 大模型), below what says the words themselves.
	for _, link := range []struct {
		to     []*meaning
		weight float64
	}{{m.broader, linkWeight}, {m.related, 0.8 * linkWeight}} {
		for _, o := range link.to[:min(4, len(link.to))] {
			for _, zh := range o.zh[:min(2, len(o.zh))] {
				add(zh, link.weight)
			}
			for _, en := range o.en[:min(1, len(o.en))] {
				add(en, link.weight)
			}
		}
	}
	// An equivalent that contains another (知识产权质押贷款 ⊃ 知识产权质押,
	// "ip pledge loan" ⊃ "ip pledge") finds nothing more; leaving it out
	// saves its clauses. The words typed are always searched.
	// Of two that find the same ("ip pledge", "ip-pledge"), the first stays.
	subsumes := func(j, i int) bool {
		a, b := alts[j], alts[i]
		if j == i || a.han != b.han {
			return false
		}
		if a.han {
			return strings.Contains(b.term, a.term) && (len(a.term) < len(b.term) || j < i)
		}
		subset := len(a.tokens) > 0 && !slices.ContainsFunc(a.tokens, func(t string) bool { return !slices.Contains(b.tokens, t) })
		same := subset && !slices.ContainsFunc(b.tokens, func(t string) bool { return !slices.Contains(a.tokens, t) })
		return subset && (!same || j < i)
	}
	c := Concept{Words: u.words}
	for i, b := range alts {
		covered := false
		for j := range alts {
			covered = covered || i > 0 && subsumes(j, i)
		}
		if covered {
			continue
		}
		fields := TextFields
		// A soft word, or a broader or related concept, is looked for
		// where a case says what it is about: in bodies it would match
		// thousands of passing mentions, and walking those is most of a
		// search at 100,000 cases.
		if m.soft || b.weight < linkWeight {
			fields = aboutFields
		}
		if b.han {
			c.Alternatives = append(c.Alternatives, phraseIn(fields, b.term, b.weight))
		} else {
			c.Alternatives = append(c.Alternatives, matchIn(fields, b.term, b.weight, nil))
		}
	}
	return c, searched
}
