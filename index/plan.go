package index

import (
	"slices"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/search/query"

	"casebank/corpus"
)

// searchPlan is a query turned into required and optional clauses.
type searchPlan struct {
	filter   corpus.Filter // explicit filters: OR within a field
	inferred []Inferred    // each one required (AND)
	units    []query.Query // required text clauses (strict) or alternatives (relaxed)
	soft     []query.Query // optional clauses that only rank
	special  []Term        // phrases, field: terms, exclusions, as typed
	expanded []Expansion
	text     string
	required int // clauses a strict search requires
}

// plan reads the plain terms through the vocabulary: filters it recognises
// become inferred filters (unless turned off or given explicitly), glossary
// terms are searched with their translations and synonyms, and the rest is
// searched as typed. Chinese words need all their bigrams in one field, so
// that 农商行 does not match 城商行 through their shared 商行.
func plan(v *vocabulary, terms []Term, f corpus.Filter, req Request) *searchPlan {
	p := &searchPlan{filter: f, inferred: []Inferred{}, expanded: []Expansion{}}
	var plain []Term
	for _, t := range terms {
		if t.Phrase || t.Field != "" || t.Negate {
			p.special = append(p.special, t)
		} else {
			plain = append(plain, t)
		}
	}
	explicit := f
	var text []string
	units := v.understand(plain).units
	// A Chinese run cut into several pieces ("个体深信贷" → 个体 + 深 + 信贷) is
	// also matched whole, as a bonus, so that a name the vocabulary splits
	// still ranks its own case first.
	var runText string
	pieces := 0
	flushRun := func() {
		if pieces > 1 {
			p.soft = append(p.soft, phraseAnywhere(runText, 2))
		}
		runText, pieces = "", 0
	}
	for i, u := range units {
		if i > 0 && units[i-1].run != u.run {
			flushRun()
		}
		if u.han && (u.meaning == nil || u.meaning.field == "" && !u.meaning.stop) {
			runText += u.words
			pieces++
		}
		m := u.meaning
		switch {
		case m != nil && m.stop:
			continue
		case m != nil && m.field != "":
			switch {
			case req.NoInfer || slices.Contains(req.NoInferFields, m.field):
				// The user turned inference off: the words are plain text again.
				p.units = append(p.units, wordsQuery(u))
				p.expanded = append(p.expanded, Expansion{Words: u.words, Terms: []string{u.words}})
				text = append(text, u.words)
			case len(explicit[m.field]) > 0:
				// An explicit filter on the field wins; the words only rank.
				p.soft = append(p.soft, wordsQuery(u))
				p.expanded = append(p.expanded, Expansion{Words: u.words, Terms: []string{u.words}, Soft: true})
				text = append(text, u.words)
			default:
				in := Inferred{Field: m.field, Code: m.code, Label: m.label, Words: u.words, Applied: true}
				if members := corpus.RegionMembers(m.code); m.field == corpus.FacetRegion && members != nil {
					in.Covers = append([]string{m.code}, members...)
				}
				p.addInferred(in)
				if m.field == corpus.FacetTheme || m.field == corpus.FacetDimension {
					// The words still rank: a case that says 信创 beats one only tagged so.
					// Bigrams without positions: ranking needs no phrase, and a
					// theme's words are in thousands of records.
					p.soft = append(p.soft, looseQuery(u))
				}
			}
		case m != nil:
			q, searched := glossaryQuery(u, m)
			p.expanded = append(p.expanded, Expansion{Words: u.words, Terms: searched, Soft: m.soft})
			text = append(text, u.words)
			if m.soft {
				p.soft = append(p.soft, q)
			} else {
				p.units = append(p.units, q)
			}
		default:
			p.expanded = append(p.expanded, Expansion{Words: u.words, Terms: []string{u.words}})
			text = append(text, u.words)
			if u.han && len([]rune(u.words)) == 1 {
				continue // a lone character matches nothing in a bigram index; the whole run still may
			}
			p.units = append(p.units, wordsQuery(u))
		}
	}
	flushRun()
	for _, t := range p.special {
		if !t.Negate {
			p.required++
		}
		text = append(text, (&Parsed{Terms: []Term{t}}).String())
	}
	p.required += len(p.units)
	p.text = strings.Join(text, " ")
	return p
}

func (p *searchPlan) addInferred(in Inferred) {
	for _, have := range p.inferred {
		if have.Field == in.Field && have.Code == in.Code {
			return
		}
	}
	p.inferred = append(p.inferred, in)
}

// dropInferred stops applying the inferred filters; their words still rank.
func (p *searchPlan) dropInferred() {
	for i := range p.inferred {
		p.inferred[i].Applied = false
	}
}

// allFilters merges explicit and applied inferred filters, for marking facets selected.
func (p *searchPlan) allFilters() corpus.Filter {
	f := p.filter.Clone()
	for _, in := range p.inferred {
		if in.Applied {
			f.Add(in.Field, in.Code)
		}
	}
	return f
}

// query builds the bleve query for the text. Strict: every text unit and
// special term is required. Relaxed: any one of them is enough. Filters are
// not part of it: exec applies clauses() to each hit.
func (p *searchPlan) query(relaxed bool) query.Query {
	var must, should, mustNot []query.Query
	var required []query.Query
	for _, t := range p.special {
		if t.Negate {
			mustNot = append(mustNot, termQuery(t))
		} else {
			required = append(required, termQuery(t))
		}
	}
	required = append(required, p.units...)
	if relaxed {
		should = append(should, required...)
	} else {
		must = append(must, required...)
	}
	bq := bleve.NewBooleanQuery()
	if len(must) == 0 && (!relaxed || len(should) == 0) {
		must = append(must, bleve.NewMatchAllQuery())
	}
	bq.AddMust(must...)
	if relaxed && len(should) > 0 {
		// At least one of the text clauses; bleve's disjunction scores by
		// coordination, so cases matching more of them rank first.
		bq.AddMust(bleve.NewDisjunctionQuery(should...))
	}
	if len(p.soft) > 0 {
		bq.AddShould(p.soft...)
	}
	if len(mustNot) > 0 {
		bq.AddMustNot(mustNot...)
	}
	return bq
}

// clauses are the filters: explicit ones OR within a field, and each applied
// inferred filter on its own (a region covers its provinces).
func (p *searchPlan) clauses() []clause {
	var out []clause
	for _, facet := range corpus.Facets {
		if values := p.filter[facet.Name]; len(values) > 0 {
			out = append(out, clause{field: facet.Name, codes: values})
		}
	}
	for _, in := range p.inferred {
		if !in.Applied {
			continue
		}
		codes := in.Covers
		if codes == nil {
			codes = []string{in.Code}
		}
		out = append(out, clause{field: in.Field, codes: codes})
	}
	return out
}

// wordsQuery searches words as typed: Chinese as a phrase in the Chinese
// fields, other words with every word required in some field.
func wordsQuery(u unit) query.Query {
	if u.han {
		return phraseAnywhere(u.words, 1)
	}
	return termQuery(Term{Text: u.words})
}

// aboutFields say what a case is about: titles, names, tags, summaries.
// Words that only rank are looked for there alone: an inferred theme's words
// or a soft glossary word (deployments: 部署, 上线, 落地 …) are in thousands of
// bodies, and walking those cost more than the rest of such a search.
var aboutFields = slices.DeleteFunc(slices.Clone(textFields), func(f textField) bool { return f.boost < 2 })

// looseQuery ranks by an inferred theme's or dimension's words where a case
// says them; the tag fields are left out, since every case the filter keeps
// is tagged so.
func looseQuery(u unit) query.Query {
	fields := slices.DeleteFunc(slices.Clone(aboutFields), func(f textField) bool {
		return f.name == fieldTagsZH || f.name == fieldTagsEN || u.han != (f.analyzer == cjk.AnalyzerName)
	})
	return matchIn(fields, u.words, 1)
}

// phraseAnywhere matches Chinese words in any Chinese field: every bigram
// of the words in the same field. Positions are not checked: the bigrams
// that cross a word's characters (数据治理 → 据治) rarely occur anywhere else,
// so this is nearly always the phrase itself, at a fraction of the cost, and
// the index needs no term vectors for it.
func phraseAnywhere(text string, weight float64) query.Query {
	return phraseIn(textFields, text, weight)
}

func phraseIn(fields []textField, text string, weight float64) query.Query {
	var alts []query.Query
	for _, f := range fields {
		if f.analyzer != cjk.AnalyzerName {
			continue
		}
		alts = append(alts, allWords(f, text, f.boost*weight))
	}
	return bleve.NewDisjunctionQuery(alts...)
}

// allWords matches text in one field with every one of its words (Chinese:
// bigrams) required.
func allWords(f textField, text string, boost float64) query.Query {
	return distinctTerms(f, analyzer(f.analyzer).Analyze([]byte(text)), boost)
}

func matchIn(fields []textField, text string, weight float64) query.Query {
	var alts []query.Query
	for _, f := range fields {
		alts = append(alts, allWords(f, text, f.boost*weight))
	}
	return bleve.NewDisjunctionQuery(alts...)
}

// glossaryQuery matches a glossary term through all its equivalents: the
// words typed, the entry's Chinese terms and its English phrases.
func glossaryQuery(u unit, m *meaning) (query.Query, []string) {
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
			for _, tok := range analyzer(en.AnalyzerName).Analyze([]byte(term)) {
				a.tokens = append(a.tokens, string(tok.Term))
			}
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
	var qs []query.Query
	for i, b := range alts {
		covered := false
		for j := range alts {
			covered = covered || i > 0 && subsumes(j, i)
		}
		if covered {
			continue
		}
		fields := textFields
		if m.soft {
			fields = aboutFields
		}
		if b.han {
			qs = append(qs, phraseIn(fields, b.term, b.weight))
		} else {
			qs = append(qs, matchIn(fields, b.term, b.weight))
		}
	}
	return bleve.NewDisjunctionQuery(qs...), searched
}
