package index

import (
	"slices"
	"strings"

	"casebank/corpus"
)

// DocumentVersion changes whenever the documents' shape changes (their
// fields, what goes in them); an engine's index of another version is
// rebuilt on open. The facet table's names are part of it, so a new facet
// rebuilds the index by itself.
var DocumentVersion = "17/" + strings.Join(corpus.FacetNames(), ",")

// Lang is the language a text field is analysed in.
type Lang string

const (
	Chinese Lang = "zh" // CJK bigrams
	English Lang = "en" // stemmed words
)

// Document text field names.
const (
	fieldTitleZH   = "title_zh"
	fieldTitleEN   = "title_en"
	fieldSummaryZH = "summary_zh"
	fieldSummaryEN = "summary_en"
	fieldBody      = "body"
	fieldOutcome   = "outcome"
	fieldPattern   = "pattern"
	fieldNames     = "names" // products, systems, partners, technologies
	fieldBankZH    = "bank_zh"
	fieldBankEN    = "bank_en"
	fieldFigures   = "figures"
	fieldTagsZH    = "tags_zh" // labels and aliases of the case's codes
	fieldTagsEN    = "tags_en"
	// English body, outcome and figures in one field: each field is one
	// more term look-up per word of every query.
	fieldTextEN  = "text_en"
	fieldNamesEN = "names_en"
	fieldExcerpt = "excerpt" // the report's own wording, when imported
)

// TextField is a searched text field of the documents: its language, its
// weight, and whether positions are kept for typed phrases.
type TextField struct {
	Name      string
	Lang      Lang
	Weight    float64
	Positions bool
}

// TextFields are searched for every query word. Titles, names of products and
// banks outweigh the body, so a case about DeepSeek beats one that mentions it.
var TextFields = []TextField{
	{fieldTitleZH, Chinese, 4, true},
	{fieldTitleEN, English, 4, true},
	{fieldNames, Chinese, 3, true},
	{fieldBankZH, Chinese, 3, false},
	{fieldBankEN, English, 3, false},
	{fieldTagsZH, Chinese, 2, false},
	{fieldTagsEN, English, 2, false},
	{fieldSummaryZH, Chinese, 2, true},
	{fieldSummaryEN, English, 2, true},
	{fieldPattern, Chinese, 1.5, false},
	{fieldBody, Chinese, 1, false},
	{fieldOutcome, Chinese, 1, false},
	{fieldFigures, Chinese, 0.5, false},
	{fieldNamesEN, English, 3, true},
	{fieldTextEN, English, 1, false},
	// Low: it finds the report's wording where the curated text paraphrases
	// it, and ranks below what the curated text says.
	{fieldExcerpt, Chinese, 0.3, false},
}

// Document is a record as an engine indexes it.
type Document struct {
	ID   string
	Kind string // corpus.KindCase or corpus.KindPolicy
	// Text holds the text fields a record has (TextFields' names).
	Text map[string]string
	// Facets holds the record's values of every facet of corpus.Facets it
	// has any of, as the table reads them.
	Facets map[string][]string
	// Completions are the names autocomplete offers: products, technologies.
	Completions []string
}

// document flattens a case into the indexed fields.
func document(c *corpus.Case, tax *corpus.Taxonomy) *Document {
	names := slices.Concat(c.Products, c.Partners, c.Technologies)
	figures := make([]string, len(c.Figures))
	var figuresEN []string
	for i, f := range c.Figures {
		figures[i] = f.Label + " " + f.Value
		if f.LabelEN != "" || f.ValueEN != "" {
			figuresEN = append(figuresEN, f.LabelEN+" "+f.ValueEN)
		}
	}
	bankZH := append([]string{c.Bank.Name}, c.Bank.Aliases...)
	// Bank types and regions are indexed with their aliases, which are
	// synonyms (城市商业银行 = 城商行). Dimensions and themes get their labels
	// only: their aliases are narrower terms (数字人 under AI), and indexing
	// them would make every AI case match 数字人. The facet table says which.
	var tagsZH, tagsEN []string
	for _, facet := range corpus.Facets {
		if facet.Tags == corpus.NoTagText {
			continue
		}
		for _, code := range facet.OfCase(c) {
			if v, ok := tax.Lookup(facet.Name, code); ok {
				tagsZH, tagsEN = append(tagsZH, v.ZH), append(tagsEN, v.EN)
				if facet.Tags == corpus.AliasesTagText {
					tagsZH, tagsEN = append(tagsZH, v.AliasesZH...), append(tagsEN, v.AliasesEN...)
				}
			}
		}
	}
	return &Document{
		ID:   c.ID,
		Kind: corpus.KindCase,
		Text: map[string]string{
			// Fields with positions are clipped: a phrase search's cost grows
			// with the square of a field's repeats (budget.go).
			fieldTitleZH:   clip(c.Title.ZH, maxPositionalRunes),
			fieldTitleEN:   clip(c.Title.EN, maxPositionalRunes),
			fieldSummaryZH: clip(c.Summary.ZH, maxPositionalRunes),
			fieldSummaryEN: clip(c.Summary.EN, maxPositionalRunes),
			fieldBody:      c.Body,
			fieldOutcome:   c.Outcome,
			fieldPattern:   c.Pattern,
			fieldNames:     clipNames(names),
			fieldBankZH:    strings.Join(bankZH, "；"),
			fieldBankEN:    c.Bank.NameEN,
			fieldFigures:   strings.Join(figures, "；"),
			fieldTagsZH:    strings.Join(tagsZH, "；"),
			fieldTagsEN:    strings.Join(tagsEN, "; "),
			fieldTextEN:    strings.Join(slices.DeleteFunc([]string{c.BodyEN, c.OutcomeEN, strings.Join(figuresEN, "; ")}, func(s string) bool { return s == "" }), "\n"),
			fieldNamesEN:   clipNames(slices.Concat(c.ProductsEN, c.PartnersEN, c.TechnologiesEN)),
			fieldExcerpt:   c.Source.Excerpt,
		},
		Facets:      facetValues(c, nil),
		Completions: slices.Concat(c.Products, c.Technologies),
	}
}

// policyDocument flattens a policy into the same fields as a case: its name
// is the title, its points the summary, its issuer a name.
func policyDocument(p *corpus.Policy) *Document {
	return &Document{
		ID:   p.ID,
		Kind: corpus.KindPolicy,
		Text: map[string]string{
			fieldTitleZH:   p.Name,
			fieldTitleEN:   p.NameEN,
			fieldSummaryZH: p.Points.ZH,
			fieldSummaryEN: p.Points.EN,
			fieldNames:     p.Issuer,
		},
		Facets: facetValues(nil, p),
	}
}

// facetValues reads a record's values of every facet.
func facetValues(c *corpus.Case, p *corpus.Policy) map[string][]string {
	out := map[string][]string{}
	for _, facet := range corpus.Facets {
		if vals := facet.Of(c, p); len(vals) > 0 {
			out[facet.Name] = vals
		}
	}
	return out
}
