package corpus

import (
	"slices"
	"strconv"
)

// Facet names: the fields that searches filter and count on. The coded ones
// (dimension, bank type, theme, region) name the taxonomy's lists too.
const (
	FacetKind      = "kind"
	FacetDimension = "dimension"
	FacetBankType  = "bank_type"
	FacetTheme     = "theme"
	FacetRegion    = "region"
	FacetYear      = "year"
	FacetBank      = "bank"
	FacetCity      = "city"
)

// FacetValues says where a facet's values come from and so how a value a user
// gives is turned into the stored one.
type FacetValues int

const (
	// CodedValues are taxonomy codes; a label or alias in either language
	// names the same code.
	CodedValues FacetValues = iota
	// BankValues are registry ids; a bank's name or alias names the same id.
	BankValues
	// YearValues are years between MinYear and MaxYear.
	YearValues
	// RecordKinds are KindCase and KindPolicy.
	RecordKinds
	// FreeValues are taken as written (a city).
	FreeValues
)

// TagText says which words of a coded facet's values the index adds to a
// record's searchable tag text.
type TagText int

const (
	NoTagText      TagText = iota
	LabelTagText           // the zh and en labels
	AliasesTagText         // the labels and every alias
)

// Facet is one row of the facet table: everything the index, the query
// syntax, the API and the pages need to know about a facet. Adding a row is
// all it takes to make a field filterable, countable and typable as field:value.
type Facet struct {
	Name  string
	Label Text
	// Aliases are further names a query may use before ':' (type:城商行).
	Aliases []string
	Values  FacetValues
	// Vocabulary is the taxonomy list of a coded facet, and List its name
	// in the taxonomy's JSON.
	Vocabulary func(*Taxonomy) *[]Value
	List       string
	// Size bounds the values a search returns for the facet.
	Size int
	// Infer lets query understanding read the facet's values from plain
	// words (城商行 → bank_type:city_commercial).
	Infer bool
	Tags  TagText
	// OfCase and OfPolicy read a record's values; a nil OfPolicy means
	// policies have none.
	OfCase   func(*Case) []string
	OfPolicy func(*Policy) []string
}

// Facets is the facet table, in display order.
var Facets = []Facet{
	{Name: FacetKind, Label: Text{ZH: "类型", EN: "Kind"}, Values: RecordKinds, Size: 5,
		OfCase: func(c *Case) []string { return []string{c.Kind} }, OfPolicy: func(p *Policy) []string { return []string{p.Kind} }},
	{Name: FacetDimension, Label: Text{ZH: "维度", EN: "Dimension"}, Aliases: []string{"dim"}, Values: CodedValues, Size: 10,
		Vocabulary: func(t *Taxonomy) *[]Value { return &t.Dimensions }, List: "dimensions",
		Infer: true, Tags: LabelTagText, OfCase: func(c *Case) []string { return c.Dimensions }},
	{Name: FacetBankType, Label: Text{ZH: "银行类型", EN: "Bank type"}, Aliases: []string{"type"}, Values: CodedValues, Size: 20,
		Vocabulary: func(t *Taxonomy) *[]Value { return &t.BankTypes }, List: "bank_types",
		Infer: true, Tags: AliasesTagText, OfCase: func(c *Case) []string { return one(c.Bank.Type) }},
	{Name: FacetTheme, Label: Text{ZH: "主题", EN: "Theme"}, Values: CodedValues, Size: 50,
		Vocabulary: func(t *Taxonomy) *[]Value { return &t.Themes }, List: "themes",
		Infer: true, Tags: LabelTagText, OfCase: func(c *Case) []string { return c.Themes }, OfPolicy: func(p *Policy) []string { return p.Themes }},
	{Name: FacetRegion, Label: Text{ZH: "地区", EN: "Region"}, Values: CodedValues, Size: 50,
		Vocabulary: func(t *Taxonomy) *[]Value { return &t.Regions }, List: "regions",
		Infer: true, Tags: AliasesTagText, OfCase: func(c *Case) []string { return one(c.Bank.Region) }, OfPolicy: func(p *Policy) []string { return one(p.Region) }},
	{Name: FacetYear, Label: Text{ZH: "年份", EN: "Year"}, Values: YearValues, Size: 30,
		OfCase: func(c *Case) []string { return year(c.Year) }, OfPolicy: func(p *Policy) []string { return year(p.Year()) }},
	{Name: FacetBank, Label: Text{ZH: "银行", EN: "Bank"}, Values: BankValues, Size: 200,
		Infer: true, OfCase: func(c *Case) []string { return one(c.Bank.ID) }},
	{Name: FacetCity, Label: Text{ZH: "城市", EN: "City"}, Values: FreeValues, Size: 50,
		OfCase: func(c *Case) []string { return one(c.Bank.City) }},
}

func one(v string) []string {
	if v == "" {
		return nil
	}
	return []string{v}
}

func year(y int) []string {
	if y == 0 {
		return nil
	}
	return []string{strconv.Itoa(y)}
}

// FacetByName finds a facet by its name or one of its aliases.
func FacetByName(name string) (Facet, bool) {
	for _, f := range Facets {
		if f.Name == name || slices.Contains(f.Aliases, name) {
			return f, true
		}
	}
	return Facet{}, false
}

// FacetNames lists the facets' names in display order.
func FacetNames() []string {
	names := make([]string, len(Facets))
	for i, f := range Facets {
		names[i] = f.Name
	}
	return names
}

// CodedFacets lists the facets whose values are taxonomy codes: the
// taxonomy's lists, in display order.
func CodedFacets() []Facet {
	var out []Facet
	for _, f := range Facets {
		if f.Values == CodedValues {
			out = append(out, f)
		}
	}
	return out
}

// Of returns a case's or a policy's values of the facet.
func (f Facet) Of(c *Case, p *Policy) []string {
	switch {
	case c != nil:
		return f.OfCase(c)
	case p != nil && f.OfPolicy != nil:
		return f.OfPolicy(p)
	}
	return nil
}
