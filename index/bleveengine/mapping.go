package bleveengine

import (
	"strings"

	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/mapping"

	"casebank/corpus"
	"casebank/index"
)

// MappingVersion is recorded in the index; an index of another version is
// rebuilt on open. It is the documents' version: a change to the mapping
// alone appends to it ("+b1").
var MappingVersion = index.DocumentVersion

// Fields of the bleve documents besides the text fields and the facets.
const (
	// fieldFacets holds every facet value of a record as "field\x1fcode",
	// in doc values: one field to visit per hit instead of seven.
	fieldFacets = "facets"
	// fieldNameKeys holds "lowercase\x00Original" per name, for autocomplete.
	fieldNameKeys = "name_keys"
	// idField is the pseudo-field under which fieldFacets carries the id.
	idField = "_id"
	// facetSep joins a facet field and a code in fieldFacets.
	facetSep = "\x1f"
)

// analyzerOf names the bleve analyzer of a language.
func analyzerOf(lang index.Lang) string {
	if lang == index.English {
		return en.AnalyzerName
	}
	return cjkAnalyzerName
}

// textFields are index.TextFields by name.
var textFields = func() map[string]index.TextField {
	m := map[string]index.TextField{}
	for _, f := range index.TextFields {
		m[f.Name] = f
	}
	return m
}()

func buildMapping() mapping.IndexMapping {
	doc := mapping.NewDocumentStaticMapping()
	for _, f := range index.TextFields {
		fm := mapping.NewTextFieldMapping()
		fm.Analyzer = analyzerOf(f.Lang)
		fm.IncludeInAll = false
		fm.DocValues = false
		// Positions only where typed phrases are searched; nothing is stored:
		// evidence is marked in the records themselves.
		fm.Store, fm.IncludeTermVectors = false, f.Positions
		doc.AddFieldMappingsAt(f.Name, fm)
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
	im.DefaultAnalyzer = cjkAnalyzerName
	im.StoreDynamic, im.IndexDynamic, im.DocValuesDynamic = false, false, false
	return im
}

// bleveDocument is a document in the mapping's fields: its text, each
// facet's values in its keyword field for filtering, and all of them in
// fieldFacets for counting.
func bleveDocument(d *index.Document) map[string]any {
	doc := make(map[string]any, len(d.Text)+len(d.Facets)+2)
	for name, text := range d.Text {
		doc[name] = text
	}
	terms := []string{idField + facetSep + d.ID}
	for _, facet := range corpus.Facets {
		vals := d.Facets[facet.Name]
		if len(vals) == 0 {
			continue
		}
		doc[facet.Name] = vals
		for _, v := range vals {
			if v != "" {
				terms = append(terms, facet.Name+facetSep+v)
			}
		}
	}
	doc[fieldFacets] = terms
	if len(d.Completions) > 0 {
		keys := make([]string, len(d.Completions))
		for i, s := range d.Completions {
			keys[i] = strings.ToLower(s) + "\x00" + s
		}
		doc[fieldNameKeys] = keys
	}
	return doc
}
