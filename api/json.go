package api

import (
	"casebank/corpus"
	"casebank/index"
)

// HitBank is the part of a bank a search hit carries.
type HitBank struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	NameEN string `json:"name_en,omitempty"`
	Type   string `json:"type"`
	Region string `json:"region"`
}

// HitSource is the part of a source a search hit carries.
type HitSource struct {
	Report  string `json:"report"`
	Year    int    `json:"year"`
	Section string `json:"section"`
	Table   string `json:"table,omitempty"`
}

// HitJSON is one search hit in the API.
type HitJSON struct {
	ID         string              `json:"id"`
	Kind       string              `json:"kind"`
	Title      corpus.Text         `json:"title"`
	Summary    corpus.Text         `json:"summary"`
	Bank       *HitBank            `json:"bank,omitempty"`   // cases only
	Issuer     string              `json:"issuer,omitempty"` // policies only
	Date       string              `json:"date,omitempty"`   // policies only
	Region     string              `json:"region,omitempty"` // policies only
	Dimensions []string            `json:"dimensions"`
	Themes     []string            `json:"themes"`
	Year       int                 `json:"year"`
	Source     HitSource           `json:"source"`
	Score      float64             `json:"score"`
	Highlights map[string][]string `json:"highlights"`
	// The filters read from the query that the hit meets, and those it
	// does not: hits meeting every one come first.
	MatchedFilters []index.FilterRef `json:"matched_filters"`
	OutsideFilters []index.FilterRef `json:"outside_filters"`
}

// SearchJSON is the API's search response.
type SearchJSON struct {
	Query index.QueryInfo `json:"query"`
	Total uint64          `json:"total"`
	// Inside counts the hits meeting every inferred filter (the first ones).
	Inside uint64        `json:"inside"`
	Page   int           `json:"page"`
	Size   int           `json:"size"`
	Hits   []HitJSON     `json:"hits"`
	Facets []index.Facet `json:"facets"`
	// Policies a search for cases also matches, apart from its hits.
	Policies      []HitJSON `json:"policies"`
	PoliciesTotal uint64    `json:"policies_total"`
	TookMS        float64   `json:"took_ms"`
}

// SearchResponse converts an index result into the API's shape.
func SearchResponse(r *index.Result) SearchJSON {
	return SearchJSON{Query: r.Query, Total: r.Total, Inside: r.Inside, Page: r.Page, Size: r.Size, Facets: r.Facets,
		Hits: hitsJSON(r.Hits), Policies: hitsJSON(r.Policies), PoliciesTotal: r.PoliciesTotal,
		TookMS: float64(r.Took.Microseconds()) / 1000}
}

func hitsJSON(hits []index.Hit) []HitJSON {
	out := make([]HitJSON, len(hits))
	for i, h := range hits {
		if h.Policy != nil {
			out[i] = policyHitJSON(h.Policy)
		} else {
			out[i] = hitJSON(h.Case)
		}
		out[i].Score = h.Score
		out[i].Highlights = h.Highlights
		if h.Matched != nil {
			out[i].MatchedFilters, out[i].OutsideFilters = h.Matched, h.Outside
		}
	}
	return out
}

func hitJSON(c *corpus.Case) HitJSON {
	return HitJSON{
		ID: c.ID, Kind: c.Kind, Title: c.Title, Summary: c.Summary,
		Bank:       &HitBank{ID: c.Bank.ID, Name: c.Bank.Name, NameEN: c.Bank.NameEN, Type: c.Bank.Type, Region: c.Bank.Region},
		Dimensions: c.Dimensions, Themes: c.Themes, Year: c.Year,
		Source:     HitSource{Report: c.Source.Report, Year: c.Source.Year, Section: c.Source.Section, Table: c.Source.Table},
		Highlights: map[string][]string{}, MatchedFilters: []index.FilterRef{}, OutsideFilters: []index.FilterRef{},
	}
}

func policyHitJSON(p *corpus.Policy) HitJSON {
	return HitJSON{
		ID: p.ID, Kind: p.Kind, Title: corpus.Text{ZH: p.Name, EN: p.NameEN}, Summary: p.Points,
		Issuer: p.Issuer, Date: p.Date, Region: p.Region,
		Dimensions: []string{}, Themes: p.Themes, Year: p.Year(),
		Source:     HitSource{Report: p.Source.Report, Year: p.Source.Year, Section: p.Source.Section, Table: p.Source.Table},
		Highlights: map[string][]string{}, MatchedFilters: []index.FilterRef{}, OutsideFilters: []index.FilterRef{},
	}
}
