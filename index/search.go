package index

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"casebank/corpus"
)

// Page size bounds.
const (
	DefaultSize = 10
	MaxSize     = 100
	maxWindow   = 10000 // deepest result a page may reach
)

// Request is a search: text in query syntax plus explicit filters.
type Request struct {
	Text   string
	Filter corpus.Filter
	Page   int // 1-based; 0 means 1
	Size   int // 0 means DefaultSize
	// NoInfer turns query understanding's filters off; NoInferFields turns
	// them off for single fields (a chip the user removed).
	NoInfer       bool
	NoInferFields []string
	// Fresh skips the cached answer (Cache-Control: no-cache); the new one
	// replaces it.
	Fresh bool
}

// Result is one page of hits with facet counts and how the query was read.
type Result struct {
	Query  QueryInfo     `json:"query"`
	Total  uint64        `json:"total"`
	Page   int           `json:"page"`
	Size   int           `json:"size"`
	Hits   []Hit         `json:"hits"`
	Facets []Facet       `json:"facets"`
	Took   time.Duration `json:"-"`
}

// QueryInfo echoes what was searched: the text terms, the filters applied,
// and whether the strict query found nothing and a relaxed one was used.
type QueryInfo struct {
	Raw      string        `json:"raw"`
	Text     string        `json:"text"` // what is searched as text once filters are taken out
	Terms    []Term        `json:"terms"`
	Filters  corpus.Filter `json:"filters"`  // explicit: parameters and field:value
	Inferred []Inferred    `json:"inferred"` // read from the words; applied
	Expanded []Expansion   `json:"expanded"` // how each part of the text is searched
	Relaxed  bool          `json:"relaxed"`
}

// Hit is one matching case or policy with its score and highlighted evidence.
type Hit struct {
	Case       *corpus.Case        `json:"-"` // nil for a policy
	Policy     *corpus.Policy      `json:"-"` // nil for a case
	Score      float64             `json:"score"`
	Highlights map[string][]string `json:"highlights"`
}

// Facet is the counts of one facet field over the whole result set.
type Facet struct {
	Field  string       `json:"field"`
	Values []FacetValue `json:"values"`
}

// FacetValue is one code of a facet with its labels and count.
type FacetValue struct {
	Code     string      `json:"code"`
	Label    corpus.Text `json:"label"`
	Count    int         `json:"count"`
	Selected bool        `json:"selected"`
}

// facetSize bounds the values returned for a facet.
func facetSize(field string) int {
	facet, _ := corpus.FacetByName(field)
	return facet.Size
}

// Search runs req. Bad syntax, unknown filter codes and bad paging are
// EINVALID errors; nothing a user types turns into an internal error.
func (ix *Index) Search(ctx context.Context, req Request) (*Result, error) {
	start := time.Now()
	page, size := req.Page, req.Size
	if page == 0 {
		page = 1
	}
	if size == 0 {
		size = DefaultSize
	}
	if page < 1 || size < 1 || size > MaxSize {
		return nil, corpus.Errorf(corpus.EINVALID, "page must be ≥ 1 and size between 1 and %d", MaxSize)
	}
	// Divided, not multiplied: page×size overflows for a huge page.
	if page > maxWindow/size {
		return nil, corpus.Errorf(corpus.EINVALID, "page %d of size %d is beyond the first %d results; narrow the search", page, size, maxWindow)
	}
	// A vocabulary change (a bank, the taxonomy, the glossary) also changes
	// what a query means; it advances the index generation as well.
	key := cacheKey(ix.gen.Load()+ix.vocabGen.Load()<<32, req, page, size)
	if cached, ok := ix.cache.get(key); ok && !ix.noCache && !req.Fresh {
		res := *cached
		res.Took = time.Since(start)
		return &res, nil
	}
	parsed, err := Parse(req.Text)
	if err != nil {
		return nil, err
	}
	voc, err := ix.vocabulary(ctx)
	if err != nil {
		return nil, err
	}
	filter, err := resolveFilter(voc, req.Filter, parsed.Filters)
	if err != nil {
		return nil, err
	}
	p := plan(voc, parsed.Terms, filter, req)
	res := &Result{
		Query: QueryInfo{Raw: req.Text, Text: p.text, Terms: parsed.Terms, Filters: filter,
			Inferred: p.inferred, Expanded: p.expanded},
		Page: page, Size: size, Hits: []Hit{},
	}
	if res.Query.Terms == nil {
		res.Query.Terms = []Term{}
	}
	er, relaxed, err := ix.run(ctx, p, (page-1)*size, size, size)
	if err != nil {
		return nil, err
	}
	res.Query.Relaxed = relaxed
	if err := ix.fill(ctx, voc, res, newMarker(p), er, p.allFilters()); err != nil {
		return nil, err
	}
	res.Took = time.Since(start)
	if !ix.noCache {
		ix.cache.put(key, res)
	}
	return res, nil
}

// run executes a plan for hits from..from+size. When the strict query
// finds fewer than fill records, it is widened: cases matching only some of
// the words follow those matching all of them.
func (ix *Index) run(ctx context.Context, p *searchPlan, from, size, fill int) (*execResult, bool, error) {
	q := p.query(false)
	er, err := ix.exec(ctx, q, p.clauses(), from, size)
	if err != nil {
		return nil, false, err
	}
	relaxed := false
	if er.total < uint64(fill) && p.required > 1 {
		q = p.query(true)
		if er, err = ix.exec(ctx, q, p.clauses(), from, size); err != nil {
			return nil, false, err
		}
		relaxed = true
	}
	// An inferred filter that leaves nothing was probably a misreading.
	if er.total == 0 && len(p.inferred) > 0 {
		p.dropInferred()
		if er, err = ix.exec(ctx, q, p.clauses(), from, size); err != nil {
			return nil, false, err
		}
	}
	return er, relaxed, nil
}

// MatchIDs returns the ids of the first limit cases a search matches, best
// first, and how many it matches in all: what a bulk change, a citation or
// an export of a search acts on, beyond the 10,000 results a page may reach.
// Words are widened as for a page of MaxSize.
func (ix *Index) MatchIDs(ctx context.Context, req Request, limit int) ([]string, uint64, error) {
	parsed, err := Parse(req.Text)
	if err != nil {
		return nil, 0, err
	}
	voc, err := ix.vocabulary(ctx)
	if err != nil {
		return nil, 0, err
	}
	req.Filter = req.Filter.Clone()
	req.Filter[corpus.FacetKind] = []string{corpus.KindCase}
	filter, err := resolveFilter(voc, req.Filter, parsed.Filters)
	if err != nil {
		return nil, 0, err
	}
	p := plan(voc, parsed.Terms, filter, req)
	er, _, err := ix.run(ctx, p, 0, limit, MaxSize)
	if err != nil {
		return nil, 0, err
	}
	ids := make([]string, len(er.top))
	for i, s := range er.top {
		ids[i] = s.id
	}
	return ids, er.total, nil
}

// termQuery matches one term in any of its fields, each with its weight.
// Every token of the term must occur in the same field (operator AND), so
// that "DeepSeek-R1" does not match a field that only says R1.
func termQuery(t Term) query.Query {
	scope := textScopes[t.Field]
	var alts []query.Query
	for _, f := range textFields {
		if t.Field != "" && !slices.Contains(scope, f.name) {
			continue
		}
		// A typed phrase is exact where positions are kept (titles,
		// summaries, names); elsewhere all its words must be in the field.
		if t.Phrase && f.phrases {
			alts = append(alts, phraseQuery(f, t.Text, f.boost))
			continue
		}
		alts = append(alts, allWords(f, t.Text, f.boost))
	}
	return bleve.NewDisjunctionQuery(alts...)
}

// resolveFilter merges the request's filters with field:value terms typed in
// the query, turning labels and bank names into stored values and refusing
// unknowns, facet by facet as the table says.
func resolveFilter(v *vocabulary, f corpus.Filter, typed map[string][]string) (corpus.Filter, error) {
	out := corpus.Filter{}
	for name := range f {
		if _, ok := corpus.FacetByName(name); !ok {
			return out, &corpus.Error{Code: corpus.EINVALID, Message: fmt.Sprintf("unknown filter %q", name),
				Fields: []corpus.FieldError{{Field: name, Message: "unknown filter", Allowed: corpus.FacetNames()}}}
		}
	}
	for _, facet := range corpus.Facets {
		for _, given := range append(slices.Clone(f[facet.Name]), typed[facet.Name]...) {
			value, err := v.resolve(facet, given)
			if err != nil {
				return out, err
			}
			out.Add(facet.Name, value)
		}
	}
	return out, nil
}

// resolve turns a value as a user gives it into the stored one.
func (v *vocabulary) resolve(facet corpus.Facet, given string) (string, error) {
	switch facet.Values {
	case corpus.CodedValues:
		if code, ok := lookupCode(v.tax, facet.Name, given); ok {
			return code, nil
		}
		return "", &corpus.Error{Code: corpus.EINVALID,
			Message: fmt.Sprintf("unknown %s %q", facet.Name, given),
			Fields:  []corpus.FieldError{{Field: facet.Name, Message: "unknown value " + strconv.Quote(given), Allowed: v.tax.Codes(facet.Name)}}}
	case corpus.BankValues:
		if b, ok := v.bankByID[given]; ok {
			return b.ID, nil
		} else if b, ok := v.bankByName[corpus.NormalizeBankName(given)]; ok {
			return b.ID, nil
		} else if b, ok := v.bankByName[strings.ToLower(given)]; ok {
			return b.ID, nil
		}
		return "", &corpus.Error{Code: corpus.EINVALID, Message: fmt.Sprintf("unknown bank %q; see /api/v1/banks", given),
			Fields: []corpus.FieldError{{Field: facet.Name, Message: "unknown bank " + strconv.Quote(given)}}}
	case corpus.YearValues:
		y, err := strconv.Atoi(given)
		if err != nil || y < corpus.MinYear || y > corpus.MaxYear {
			return "", corpus.Errorf(corpus.EINVALID, "year %q must be a year between %d and %d", given, corpus.MinYear, corpus.MaxYear)
		}
		return strconv.Itoa(y), nil
	case corpus.RecordKinds:
		if given != corpus.KindCase && given != corpus.KindPolicy {
			return "", &corpus.Error{Code: corpus.EINVALID, Message: fmt.Sprintf("unknown kind %q", given),
				Fields: []corpus.FieldError{{Field: facet.Name, Message: "unknown kind " + strconv.Quote(given), Allowed: []string{corpus.KindCase, corpus.KindPolicy}}}}
		}
	}
	return given, nil
}

// lookupCode accepts a code, a label or an alias, in either language.
func lookupCode(t *corpus.Taxonomy, kind, v string) (string, bool) {
	for _, val := range t.Values(kind) {
		if val.Code == v {
			return val.Code, true
		}
	}
	for _, val := range t.Values(kind) {
		names := append(append([]string{val.ZH, val.EN}, val.AliasesZH...), val.AliasesEN...)
		for _, n := range names {
			if strings.EqualFold(n, v) {
				return val.Code, true
			}
		}
	}
	return "", false
}

// fill turns a pass's page into hits with their records and evidence, and
// its counts into labelled facets.
func (ix *Index) fill(ctx context.Context, voc *vocabulary, res *Result, marks *marker, er *execResult, f corpus.Filter) error {
	res.Total = er.total
	var caseIDs []string
	for _, s := range er.top {
		if s.kind != corpus.KindPolicy {
			caseIDs = append(caseIDs, s.id)
		}
	}
	cases, err := ix.listed(ctx, caseIDs)
	if err != nil {
		return err
	}
	byID := make(map[string]*corpus.Case, len(cases))
	for _, c := range cases {
		byID[c.ID] = c
	}
	for _, s := range er.top {
		hit := Hit{Score: s.score}
		if s.kind == corpus.KindPolicy {
			p, err := ix.store.FindPolicyByID(ctx, s.id)
			if corpus.ErrorCode(err) == corpus.ENOTFOUND {
				continue // deleted between search and read
			} else if err != nil {
				return err
			}
			hit.Policy = p
			hit.Highlights = marks.evidence(policyFields(p))
		} else if hit.Case = byID[s.id]; hit.Case != nil {
			hit.Highlights = marks.evidence(caseFields(hit.Case))
		} else {
			continue
		}
		res.Hits = append(res.Hits, hit)
	}
	for _, facet := range corpus.Facets {
		field := facet.Name
		counts := er.facet[field]
		// A field with a selected value is counted without its own filters,
		// so that choosing 城商行 still shows 农商行 with what it would add.
		if drill, ok := er.drill[field]; ok {
			counts = drill
		}
		counted := Facet{Field: field, Values: []FacetValue{}}
		for _, c := range counts {
			counted.Values = append(counted.Values, FacetValue{
				Code: c.code, Count: c.count, Label: facetLabel(voc, facet, c.code),
				Selected: slices.Contains(f[field], c.code),
			})
		}
		res.Facets = append(res.Facets, counted)
	}
	return nil
}

func facetLabel(v *vocabulary, facet corpus.Facet, code string) corpus.Text {
	switch facet.Values {
	case corpus.BankValues:
		if b, ok := v.bankByID[code]; ok {
			return corpus.Text{ZH: b.Name, EN: b.NameEN}
		}
	case corpus.YearValues:
		return corpus.Text{ZH: code + "年", EN: code}
	case corpus.RecordKinds:
		if code == corpus.KindPolicy {
			return corpus.Text{ZH: "政策", EN: "policy"}
		}
		return corpus.Text{ZH: "案例", EN: "case"}
	case corpus.CodedValues:
		if v, ok := v.tax.Lookup(facet.Name, code); ok {
			return corpus.Text{ZH: v.ZH, EN: v.EN}
		}
	}
	return corpus.Text{ZH: code, EN: code}
}
