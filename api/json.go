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
}

// SearchJSON is the API's search response.
type SearchJSON struct {
	Query  index.QueryInfo `json:"query"`
	Total  uint64          `json:"total"`
	Page   int             `json:"page"`
	Size   int             `json:"size"`
	Hits   []HitJSON       `json:"hits"`
	Facets []index.Facet   `json:"facets"`
	TookMS float64         `json:"took_ms"`
}

// SearchResponse converts an index result into the API's shape.
func SearchResponse(r *index.Result) SearchJSON {
	out := SearchJSON{Query: r.Query, Total: r.Total, Page: r.Page, Size: r.Size, Facets: r.Facets,
		Hits: make([]HitJSON, len(r.Hits)), TookMS: float64(r.Took.Microseconds()) / 1000}
	for i, h := range r.Hits {
		if h.Policy != nil {
			out.Hits[i] = policyHitJSON(h.Policy)
		} else {
			out.Hits[i] = hitJSON(h.Case)
		}
		out.Hits[i].Score = h.Score
		out.Hits[i].Highlights = h.Highlights
	}
	return out
}

func hitJSON(c *corpus.Case) HitJSON {
	return HitJSON{
		ID: c.ID, Kind: c.Kind, Title: c.Title, Summary: c.Summary,
		Bank:       &HitBank{ID: c.Bank.ID, Name: c.Bank.Name, NameEN: c.Bank.NameEN, Type: c.Bank.Type, Region: c.Bank.Region},
		Dimensions: c.Dimensions, Themes: c.Themes, Year: c.Year,
		Source:     HitSource{Report: c.Source.Report, Year: c.Source.Year, Section: c.Source.Section, Table: c.Source.Table},
		Highlights: map[string][]string{},
	}
}

func policyHitJSON(p *corpus.Policy) HitJSON {
	return HitJSON{
		ID: p.ID, Kind: p.Kind, Title: corpus.Text{ZH: p.Name, EN: p.NameEN}, Summary: p.Points,
		Issuer: p.Issuer, Date: p.Date, Region: p.Region,
		Dimensions: []string{}, Themes: p.Themes, Year: p.Year(),
		Source:     HitSource{Report: p.Source.Report, Year: p.Source.Year, Section: p.Source.Section, Table: p.Source.Table},
		Highlights: map[string][]string{},
	}
}
