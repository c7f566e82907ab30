package index

import (
	"strings"

	"casebank/corpus"

	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/mapping"
)

// MappingVersion changes whenever the mapping or the document shape changes;
// an index built with another version is rebuilt on open. The facet table's
// names are part of it, so a new facet rebuilds the index by itself.
var MappingVersion = "15/" + strings.Join(corpus.FacetNames(), ",")

// Document field names.
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
	fieldNameKeys  = "name_keys" // "lowercase\x00Original" per product and technology, for autocomplete
	// fieldFacets holds every facet value of a record as "field\x1fcode",
	// in doc values: one field to visit per hit instead of seven.
	fieldFacets = "facets"
)

// textField describes a searched text field: its analyzer and its weight.
type textField struct {
	name     string
	analyzer string
	boost    float64
	phrases  bool // "typed phrases" are searched here; needs term vectors
}

// textFields are searched for every query word. Titles, names of products and
// banks outweigh the body, so a case about DeepSeek beats one that mentions it.
var textFields = []textField{
	{fieldTitleZH, cjk.AnalyzerName, 4, true},
	{fieldTitleEN, en.AnalyzerName, 4, true},
	{fieldNames, cjk.AnalyzerName, 3, true},
	{fieldBankZH, cjk.AnalyzerName, 3, false},
	{fieldBankEN, en.AnalyzerName, 3, false},
	{fieldTagsZH, cjk.AnalyzerName, 2, false},
	{fieldTagsEN, en.AnalyzerName, 2, false},
	{fieldSummaryZH, cjk.AnalyzerName, 2, true},
	{fieldSummaryEN, en.AnalyzerName, 2, true},
	{fieldPattern, cjk.AnalyzerName, 1.5, false},
	{fieldBody, cjk.AnalyzerName, 1, false},
	{fieldOutcome, cjk.AnalyzerName, 1, false},
	{fieldFigures, cjk.AnalyzerName, 0.5, false},
}

func buildMapping() mapping.IndexMapping {
	doc := mapping.NewDocumentStaticMapping()
	for _, f := range textFields {
		fm := mapping.NewTextFieldMapping()
		fm.Analyzer = f.analyzer
		fm.IncludeInAll = false
		fm.DocValues = false
		// Positions only where typed phrases are searched; nothing is stored:
		// evidence is marked in the records themselves.
		fm.Store, fm.IncludeTermVectors = false, f.phrases
		doc.AddFieldMappingsAt(f.name, fm)
	}
	for _, facet := range corpus.Facets {
		name := facet.Name
		fm := mapping.NewKeywordFieldMapping()
		fm.Analyzer = keyword.Name
		// Only the kind is stored: hits need it to know where to read the record.
		// Counting reads fieldFacets; these fields only filter.
		fm.Store, fm.IncludeTermVectors, fm.IncludeInAll = name == corpus.FacetKind, false, false
		fm.DocValues = false
		doc.AddFieldMappingsAt(name, fm)
	}
	ff := mapping.NewKeywordFieldMapping()
	ff.Store, ff.IncludeTermVectors, ff.IncludeInAll, ff.DocValues = false, false, false, true
	doc.AddFieldMappingsAt(fieldFacets, ff)
	nk := mapping.NewKeywordFieldMapping()
	nk.Store, nk.IncludeTermVectors, nk.IncludeInAll, nk.DocValues = false, false, false, false
	doc.AddFieldMappingsAt(fieldNameKeys, nk)
	im := mapping.NewIndexMapping()
	im.DefaultMapping = doc
	im.DefaultAnalyzer = cjk.AnalyzerName
	im.StoreDynamic, im.IndexDynamic, im.DocValuesDynamic = false, false, false
	return im
}
