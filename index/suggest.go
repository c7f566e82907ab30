package index

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"casebank/corpus"
)

// Suggestion is one completion of what the user is typing.
type Suggestion struct {
	Text  string      `json:"text"`
	Kind  string      `json:"kind"` // bank, bank_type, region, theme, dimension, city, term, product
	Code  string      `json:"code,omitempty"`
	Label corpus.Text `json:"label"`
	Count int         `json:"count,omitempty"` // cases naming a product
}

// completion is a vocabulary entry in the sorted list autocomplete reads.
type completion struct {
	key string // lowercase
	Suggestion
}

// MaxSuggestPrefix bounds what autocomplete looks at, and maxSuggestScan the
// product names it reads for one prefix.
const (
	MaxSuggestPrefix = 100
	maxSuggestScan   = 10000
)

// Suggest completes a prefix from bank names, taxonomy labels and aliases,
// glossary terms (zh and en) and the products and technologies the cases name.
func (ix *Index) Suggest(ctx context.Context, prefix string, n int) ([]Suggestion, error) {
	prefix = strings.TrimSpace(prefix)
	if len([]rune(prefix)) > MaxSuggestPrefix {
		return nil, corpus.Errorf(corpus.EINVALID, "prefix is longer than %d characters", MaxSuggestPrefix)
	}
	out := []Suggestion{}
	if prefix == "" {
		return out, nil
	}
	v, err := ix.vocabulary(ctx)
	if err != nil {
		return nil, err
	}
	key := strings.ToLower(prefix)
	seen := map[string]bool{}
	i := sort.Search(len(v.completions), func(i int) bool { return v.completions[i].key >= key })
	for ; i < len(v.completions) && strings.HasPrefix(v.completions[i].key, key) && len(out) < n; i++ {
		c := v.completions[i]
		// One suggestion per bank or taxonomy value, whichever alias matched first.
		id := c.Text
		if c.Code != "" {
			id = c.Kind + ":" + c.Code
		}
		if !seen[id] {
			seen[id] = true
			out = append(out, c.Suggestion)
		}
	}
	if len(out) >= n {
		return out, nil
	}
	// A one-letter prefix may match most of the names of a large corpus;
	// the most named among the first maxSuggestScan are enough.
	names, err := ix.engine.Complete(ctx, key, maxSuggestScan)
	if err != nil {
		return nil, fmt.Errorf("index: suggest: %w", err)
	}
	products := make([]Suggestion, len(names))
	for i, c := range names {
		products[i] = Suggestion{Text: c.Name, Kind: "product", Label: corpus.Text{ZH: c.Name, EN: c.Name}, Count: c.Count}
	}
	sort.SliceStable(products, func(i, j int) bool { return products[i].Count > products[j].Count })
	for _, p := range products {
		if len(out) >= n {
			break
		}
		if !seen[p.Text] {
			seen[p.Text] = true
			out = append(out, p)
		}
	}
	return out, nil
}

// buildCompletions lists every bank name, label, alias and glossary term,
// sorted by lowercase key for prefix search.
func buildCompletions(tax *corpus.Taxonomy, banks []*corpus.Bank, gloss *corpus.Glossary) []completion {
	var out []completion
	add := func(text, kind, code string, label corpus.Text) {
		if text = strings.TrimSpace(text); text != "" {
			out = append(out, completion{strings.ToLower(text), Suggestion{Text: text, Kind: kind, Code: code, Label: label}})
		}
	}
	for _, b := range banks {
		label := corpus.Text{ZH: b.Name, EN: b.NameEN}
		for _, n := range append([]string{b.Name, b.NameEN}, b.Aliases...) {
			add(n, "bank", b.ID, label)
		}
	}
	for _, kind := range corpus.TaxonomyLists {
		for _, val := range tax.Values(kind) {
			label := corpus.Text{ZH: val.ZH, EN: val.EN}
			for _, n := range append(append([]string{val.ZH, val.EN}, val.AliasesZH...), val.AliasesEN...) {
				add(n, kind, val.Code, label)
			}
		}
	}
	// Cities where some bank of the registry is: the others would find no
	// case of their own.
	bankCities := map[string]bool{}
	for _, b := range banks {
		bankCities[b.City] = true
	}
	for _, c := range corpus.Cities() {
		if bankCities[c.ZH] {
			label := corpus.Text{ZH: c.ZH, EN: c.EN}
			for _, n := range append([]string{c.ZH, c.EN}, c.AliasesZH...) {
				add(n, corpus.FacetCity, c.ZH, label)
			}
		}
	}
	for _, e := range gloss.Entries {
		label := corpus.Text{}
		if len(e.ZH) > 0 {
			label.ZH = e.ZH[0]
		}
		if len(e.EN) > 0 {
			label.EN = e.EN[0]
		}
		for _, t := range append(append([]string{}, e.ZH...), e.EN...) {
			add(t, "term", "", label)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].key < out[j].key })
	return out
}
