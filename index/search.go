package index

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"casebank/corpus"
)

// Page size bounds.
const (
	DefaultSize = 10
	MaxSize     = 100
	maxWindow   = 10000 // deepest result a page may reach
	// sortPool is how many of the best matches a sort other than relevance
	// orders (or the page's depth, when deeper): reading every match's
	// record to sort 100,000 of them would cost more than a page is worth.
	sortPool = 500
)

// Sorts a Request may ask for; relevance is the default.
const (
	SortRelevance = "relevance"
	SortNewest    = "newest" // year, latest first, then relevance
	SortBank      = "bank"   // bank (or issuer) name, then relevance
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
	// Sort is SortRelevance ("" too), SortNewest or SortBank.
	Sort string
}

// PoliciesAside is how many policies a search for cases lists apart.
const PoliciesAside = 5

// KindAll, as a kind filter, asks for cases and policies in one list.
const KindAll = "all"

// Result is one page of hits with facet counts and how the query was read.
type Result struct {
	Query QueryInfo `json:"query"`
	Total uint64    `json:"total"`
	// Inside counts the hits that meet every inferred filter: they come
	// first, the other matches after them.
	Inside uint64        `json:"inside"`
	Page   int           `json:"page"`
	Size   int           `json:"size"`
	Hits   []Hit         `json:"hits"`
	Facets []Facet       `json:"facets"`
	Took   time.Duration `json:"-"`
	// Policies are the best policies a search for cases also matches,
	// listed apart, and how many it matches.
	Policies      []Hit  `json:"-"`
	PoliciesTotal uint64 `json:"policies_total"`
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
	// Unmatched lists the words no record matched ("no case mentions 元宇宙").
	Unmatched []string `json:"unmatched"`
	// Corrected is the query searched instead when some words matched
	// nothing and a known name is one typo away ("deepseak" → deepseek).
	Corrected string `json:"corrected,omitempty"`
}

// Hit is one matching case or policy with its score and highlighted evidence.
type Hit struct {
	Case       *corpus.Case        `json:"-"` // nil for a policy
	Policy     *corpus.Policy      `json:"-"` // nil for a case
	Score      float64             `json:"score"`
	Highlights map[string][]string `json:"highlights"`
	// The inferred filters the hit meets and those it does not.
	Matched []FilterRef `json:"matched_filters"`
	Outside []FilterRef `json:"outside_filters"`
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
	switch req.Sort {
	case "", SortRelevance:
		req.Sort = ""
	case SortNewest, SortBank:
	default:
		return nil, &corpus.Error{Code: corpus.EINVALID, Message: fmt.Sprintf("unknown sort %q", req.Sort),
			Fields: []corpus.FieldError{{Field: "sort", Message: "unknown sort", Allowed: corpus.AllowedCodes(SortRelevance, SortNewest, SortBank)}}}
	}
	// A vocabulary change (a bank, the taxonomy, the glossary) also changes
	// what a query means; it advances the index generation as well.
	key := cacheKey(ix.engine.Generation()+ix.vocabGen.Load()<<32, req, page, size)
	if cached, ok := ix.cache.get(key); ok && !ix.noCache && !req.Fresh {
		res := *cached
		res.Took = time.Since(start)
		return &res, nil
	}
	u, err := ix.understand(ctx, req, size)
	if err != nil {
		return nil, err
	}
	res := &Result{
		Query: QueryInfo{Raw: req.Text, Text: u.text, Terms: u.parsed.Terms, Filters: u.filter,
			Inferred: u.inferred, Expanded: u.expanded},
		Page: page, Size: size, Hits: []Hit{},
	}
	if res.Query.Terms == nil {
		res.Query.Terms = []Term{}
	}
	w := Window{From: (page - 1) * size, Size: size}
	run := w
	if req.Sort != "" {
		// The engine ranks by relevance; the pool it keeps is reordered here.
		run = Window{Size: max(sortPool, w.From+w.Size)}
	}
	ans, err := ix.engine.Run(ctx, u.plan, run)
	if err != nil {
		return nil, err
	}
	if words := u.doubtful(ans); len(words) > 0 {
		if u, ans, err = ix.corrected(ctx, req, size, u, ans, words, run); err != nil {
			return nil, err
		}
		res.Query = QueryInfo{Raw: req.Text, Text: u.text, Terms: u.parsed.Terms, Filters: u.filter,
			Inferred: u.inferred, Expanded: u.expanded, Corrected: u.corrected}
		if res.Query.Terms == nil {
			res.Query.Terms = []Term{}
		}
	}
	res.Query.Relaxed = u.answered(ans)
	res.Query.Unmatched = append([]string{}, u.unmatched...)
	if req.Sort != "" {
		if ans.Hits, err = ix.sorted(ctx, req.Sort, ans.Hits); err != nil {
			return nil, err
		}
		ans.Hits = ans.Hits[min(w.From, len(ans.Hits)):min(w.From+w.Size, len(ans.Hits))]
	}
	if err := ix.fill(ctx, u, res, ix.newMarker(u), ans); err != nil {
		return nil, err
	}
	res.Took = time.Since(start)
	if !ix.noCache {
		ix.cache.put(key, res)
	}
	return res, nil
}

// sorted orders a pool of hits by year or bank name, relevance breaking
// ties. The hits that meet every inferred filter stay ahead of the other
// matches, so the "other matches" line still divides the list once.
func (ix *Index) sorted(ctx context.Context, by string, hits []Scored) ([]Scored, error) {
	type key struct {
		year int
		bank string
	}
	keys := make(map[string]key, len(hits))
	var caseIDs []string
	for _, s := range hits {
		if s.Kind == corpus.KindPolicy {
			p, err := ix.store.FindPolicyByID(ctx, s.ID)
			if corpus.ErrorCode(err) == corpus.ENOTFOUND {
				continue // deleted since: fill leaves it out
			} else if err != nil {
				return nil, err
			}
			keys[s.ID] = key{p.Year(), p.Issuer}
		} else {
			caseIDs = append(caseIDs, s.ID)
		}
	}
	cases, err := ix.listed(ctx, caseIDs)
	if err != nil {
		return nil, err
	}
	for _, c := range cases {
		keys[c.ID] = key{c.Year, c.Bank.Name}
	}
	out := slices.Clone(hits)
	slices.SortStableFunc(out, func(a, b Scored) int {
		if ao, bo := len(a.Unmet) > 0, len(b.Unmet) > 0; ao != bo {
			if ao {
				return 1
			}
			return -1
		}
		ka, kb := keys[a.ID], keys[b.ID]
		if by == SortNewest {
			return kb.year - ka.year
		}
		return strings.Compare(ka.bank, kb.bank)
	})
	return out, nil
}

// doubtful are the words a correction may respell: those that matched
// nothing, and, when the answer is weak (its words were relaxed, or no hit
// meets what the query named), a Chinese word the vocabulary lacks that
// sounds like a term it has: 新创 of 新创核心系统 matches a bigram of 创新创业
// in one case, where 信创 was meant.
func (u *understood) doubtful(ans *Answer) []string {
	var words []string
	for _, i := range ans.Unmatched {
		words = append(words, u.plan.Required[i].Words)
	}
	if len(words) > 0 {
		return words
	}
	relaxed := u.plan.Tiers[ans.Tier].Require != RequireAll
	if !relaxed && !(len(u.inferred) > 0 && ans.Inside == 0) {
		return nil
	}
	for _, c := range u.plan.Required {
		if hasHan(c.Words) && u.voc.zh[c.Words] == nil && u.voc.soundsLike(c.Words) != "" {
			words = append(words, c.Words)
		}
	}
	return words
}

// corrected runs the query again with its doubtful words spelt as the
// closest known names, and returns that answer when it matches more words,
// or as many in a stricter tier, or more of what the query names.
func (ix *Index) corrected(ctx context.Context, req Request, size int, u *understood, ans *Answer, words []string, w Window) (*understood, *Answer, error) {
	text, ok := ix.correct(ctx, u.voc, req.Text, words)
	if !ok {
		return u, ans, nil
	}
	fixed := req
	fixed.Text = text
	u2, err := ix.understand(ctx, fixed, size)
	if err != nil {
		return u, ans, nil // the correction broke the syntax: keep the query as typed
	}
	ans2, err := ix.engine.Run(ctx, u2.plan, w)
	if err != nil {
		return nil, nil, err
	}
	better := len(ans2.Unmatched) < len(ans.Unmatched) ||
		len(ans2.Unmatched) == len(ans.Unmatched) && (ans2.Tier < ans.Tier || ans2.Tier == ans.Tier && ans2.Inside > ans.Inside)
	if ans2.Total == 0 || !better {
		return u, ans, nil
	}
	u2.corrected = text
	return u2, ans2, nil
}

// MatchIDs returns the ids of the first limit cases a search matches, best
// first, and how many it matches in all: what a bulk change, a citation or
// an export of a search acts on, beyond the 10,000 results a page may reach.
// Words are widened as for a page of MaxSize.
func (ix *Index) MatchIDs(ctx context.Context, req Request, limit int) ([]string, uint64, error) {
	req.Filter = req.Filter.Clone()
	req.Filter[corpus.FacetKind] = []string{corpus.KindCase}
	u, err := ix.understand(ctx, req, MaxSize)
	if err != nil {
		return nil, 0, err
	}
	// What a bulk change or an export acts on is what the page shows first:
	// the hits inside every inferred filter, in the page's order.
	u.plan.Tiers = slices.DeleteFunc(u.plan.Tiers, func(t Tier) bool { return t.Require == RequireNone })
	ans, err := ix.engine.Run(ctx, u.plan, Window{Size: limit})
	if err != nil {
		return nil, 0, err
	}
	ans.Hits = slices.DeleteFunc(ans.Hits, func(s Scored) bool { return len(s.Unmet) > 0 })
	ans.Total = ans.Inside
	ids := make([]string, len(ans.Hits))
	for i, s := range ans.Hits {
		ids[i] = s.ID
	}
	return ids, ans.Total, nil
}

// resolveFilter merges the request's filters with field:value terms typed in
// the query, turning labels and bank names into stored values and refusing
// unknowns, facet by facet as the table says.
func resolveFilter(v *vocabulary, f corpus.Filter, typed map[string][]string) (corpus.Filter, error) {
	out := corpus.Filter{}
	for name := range f {
		if _, ok := corpus.FacetByName(name); !ok {
			return out, &corpus.Error{Code: corpus.EINVALID, Message: fmt.Sprintf("unknown filter %q", name),
				Fields: []corpus.FieldError{{Field: name, Message: "unknown filter", Allowed: corpus.AllowedCodes(corpus.FacetNames()...)}}}
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
		if code, ok := v.tax.Resolve(facet.Name, given); ok {
			return code, nil
		}
		f := v.tax.UnknownValue(facet.Name, facet.Name, given)
		return "", &corpus.Error{Code: corpus.EINVALID, Message: f.Message, Fields: []corpus.FieldError{f}}
	case corpus.BankValues:
		if b, ok := v.findBank(given); ok {
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
		if given != corpus.KindCase && given != corpus.KindPolicy && given != KindAll {
			return "", &corpus.Error{Code: corpus.EINVALID, Message: fmt.Sprintf("unknown kind %q", given),
				Fields: []corpus.FieldError{{Field: facet.Name, Message: "unknown kind " + strconv.Quote(given), Allowed: corpus.AllowedCodes(corpus.KindCase, corpus.KindPolicy, KindAll)}}}
		}
	}
	return given, nil
}

// fill turns an answer's window into hits with their records and evidence,
// and its counts into labelled facets.
func (ix *Index) fill(ctx context.Context, u *understood, res *Result, marks *marker, ans *Answer) error {
	voc, f := u.voc, u.allFilters()
	res.Total, res.Inside, res.PoliciesTotal = ans.Total, ans.Inside, ans.AsideTotal
	var err error
	if res.Hits, err = ix.hits(ctx, u, marks, ans.Hits); err != nil {
		return err
	}
	if res.Policies, err = ix.hits(ctx, u, marks, ans.Aside); err != nil {
		return err
	}
	for _, facet := range corpus.Facets {
		field := facet.Name
		counted := Facet{Field: field, Values: []FacetValue{}}
		for _, c := range ans.Facets[field] {
			counted.Values = append(counted.Values, FacetValue{
				Code: c.Value, Count: c.Count, Label: facetLabel(voc, facet, c.Value),
				Selected: slices.Contains(f[field], c.Value),
			})
		}
		res.Facets = append(res.Facets, counted)
	}
	return nil
}

// hits reads the records of scored hits and marks their evidence.
func (ix *Index) hits(ctx context.Context, u *understood, marks *marker, scored []Scored) ([]Hit, error) {
	out := []Hit{}
	var caseIDs []string
	for _, s := range scored {
		if s.Kind != corpus.KindPolicy {
			caseIDs = append(caseIDs, s.ID)
		}
	}
	cases, err := ix.listed(ctx, caseIDs)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]*corpus.Case, len(cases))
	for _, c := range cases {
		byID[c.ID] = c
	}
	for _, s := range scored {
		hit := Hit{Score: s.Score, Matched: u.met(slices.Concat(s.Unmet, s.Missed)), Outside: u.filterRefs(s.Unmet)}
		if s.Kind == corpus.KindPolicy {
			p, err := ix.store.FindPolicyByID(ctx, s.ID)
			if corpus.ErrorCode(err) == corpus.ENOTFOUND {
				continue // deleted between search and read
			} else if err != nil {
				return nil, err
			}
			hit.Policy = p
			hit.Highlights = marks.evidence(policyFields(p))
		} else if hit.Case = byID[s.ID]; hit.Case != nil {
			hit.Highlights = marks.evidence(caseFields(hit.Case))
		} else {
			continue
		}
		out = append(out, hit)
	}
	return out, nil
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
