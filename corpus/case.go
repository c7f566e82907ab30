package corpus

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The report the default corpus comes from: its title and publisher.
const (
	ReportTitle     = "中小银行数字金融发展研究报告（2025）"
	ReportTitleEN   = "Research Report on Digital Finance Development of Small and Medium Banks (2025)"
	ReportPublisher = "中小银行互联网金融（深圳）联盟"
)

// Text is a string in Chinese and English.
type Text struct {
	ZH string `json:"zh"`
	EN string `json:"en"`
}

// Bank is a bank (or alliance or other organisation) that cases belong to.
// An anonymised bank has a descriptive name, a type and a region.
type Bank struct {
	// Kind is "bank" on the lines of a JSONL export, empty elsewhere.
	Kind      string   `json:"kind,omitempty"`
	ID        string   `json:"id"`
	Name      string   `json:"name,omitempty"`
	Aliases   []string `json:"aliases,omitempty"`
	NameEN    string   `json:"name_en,omitempty"`
	Type      string   `json:"type,omitempty"`
	Region    string   `json:"region,omitempty"`
	City      string   `json:"city,omitempty"`
	Anonymous bool     `json:"anonymous,omitempty"`
}

// Figure is one number the report gives for a case, with its unit in Value.
type Figure struct {
	Label string `json:"label"`
	Value string `json:"value"`
	// The English label and value; empty where nobody wrote them yet.
	LabelEN string `json:"label_en,omitempty"`
	ValueEN string `json:"value_en,omitempty"`
}

// Source says where in which report a case comes from.
type Source struct {
	Report  string `json:"report"`
	Year    int    `json:"year"`
	Section string `json:"section"`
	Table   string `json:"table,omitempty"`
	Heading string `json:"heading,omitempty"`
	// Part tells apart several cases of one bank from one table or section
	// (the dimensions of section 2.4.1, say).
	Part string `json:"part,omitempty"`
	// Excerpt is the report's original text, attached only when imported
	// from a report file the user supplied.
	Excerpt string `json:"excerpt,omitempty"`
}

// SourceKey identifies where in which report a case of a bank comes from:
// year/table-or-section/bank[/part]. An import merges into the case with the
// same key, so re-importing a report changes nothing.
func SourceKey(year int, tableOrSection, bankID, part string) string {
	k := fmt.Sprintf("%d/%s/%s", year, tableOrSection, bankID)
	if part != "" {
		k += "/" + part
	}
	return k
}

// SourceKey returns the case's source key.
func (c *Case) SourceKey() string {
	where := c.Source.Table
	if where == "" {
		where = c.Source.Section
	}
	return SourceKey(c.Source.Year, where, c.Bank.ID, c.Source.Part)
}

// Stamp records who did something and when.
type Stamp struct {
	At time.Time `json:"at"`
	By string    `json:"by"`
}

// Case is one bank's practice as a structured record.
type Case struct {
	ID           string   `json:"id"`
	Kind         string   `json:"kind"`
	Year         int      `json:"year"`
	Version      int      `json:"version"`
	Bank         Bank     `json:"bank"`
	Title        Text     `json:"title"`
	Summary      Text     `json:"summary"`
	Body         string   `json:"body"`
	Outcome      string   `json:"outcome,omitempty"`
	Products     []string `json:"products,omitempty"`
	Figures      []Figure `json:"figures,omitempty"`
	Partners     []string `json:"partners,omitempty"`
	Technologies []string `json:"technologies,omitempty"`
	// English text of the Chinese body and outcome, and English names in
	// the same order as the Chinese lists (empty, or one per entry).
	BodyEN         string   `json:"body_en,omitempty"`
	OutcomeEN      string   `json:"outcome_en,omitempty"`
	ProductsEN     []string `json:"products_en,omitempty"`
	PartnersEN     []string `json:"partners_en,omitempty"`
	TechnologiesEN []string `json:"technologies_en,omitempty"`
	Pattern        string   `json:"pattern,omitempty"`
	Dimensions     []string `json:"dimensions"`
	Themes         []string `json:"themes"`
	Source         Source   `json:"source"`
	Created        *Stamp   `json:"created,omitempty"`
	Updated        *Stamp   `json:"updated,omitempty"`
}

// Record kinds of the JSONL export.
const (
	KindCase = "case"
	KindBank = "bank"
)

// Filter selects records by facet: keys are facet names (Facets), values
// are stored values (codes, bank ids, years as decimal text); values OR
// within a facet, facets AND across. Its JSON writes year values as numbers.
type Filter map[string][]string

// IsEmpty reports whether the filter selects everything.
func (f Filter) IsEmpty() bool {
	for _, vals := range f {
		if len(vals) > 0 {
			return false
		}
	}
	return true
}

// Matches reports whether c passes the filter.
func (f Filter) Matches(c *Case) bool {
	for _, facet := range Facets {
		want := f[facet.Name]
		if len(want) > 0 && !slices.ContainsFunc(facet.OfCase(c), func(v string) bool { return slices.Contains(want, v) }) {
			return false
		}
	}
	return true
}

// Clone copies the filter, so that adding to the copy leaves f as it was.
func (f Filter) Clone() Filter {
	out := make(Filter, len(f))
	for k, v := range f {
		out[k] = slices.Clone(v)
	}
	return out
}

// Add adds a value to a facet unless it is there already.
func (f Filter) Add(facet, value string) {
	if !slices.Contains(f[facet], value) {
		f[facet] = append(f[facet], value)
	}
}

// MarshalJSON writes the facets in table order, year values as numbers.
func (f Filter) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for _, facet := range Facets {
		vals := f[facet.Name]
		if len(vals) == 0 {
			continue
		}
		if b.Len() > 1 {
			b.WriteByte(',')
		}
		key, _ := json.Marshal(facet.Name)
		b.Write(key)
		b.WriteByte(':')
		var v []byte
		var err error
		if facet.Values == YearValues {
			years := make([]json.Number, len(vals))
			for i, y := range vals {
				years[i] = json.Number(y)
			}
			v, err = json.Marshal(years)
		} else {
			v, err = json.Marshal(vals)
		}
		if err != nil {
			return nil, err
		}
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// UnmarshalJSON reads facets by name or alias; a year may be a number or
// text. An unknown facet is an error, as an unknown field is elsewhere.
func (f *Filter) UnmarshalJSON(data []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	out := Filter{}
	for name, msg := range raw {
		facet, ok := FacetByName(name)
		if !ok {
			return fmt.Errorf("unknown filter %q; filters are %s", name, strings.Join(FacetNames(), ", "))
		}
		if facet.Values == YearValues {
			var years []json.Number
			if err := json.Unmarshal(msg, &years); err != nil {
				return fmt.Errorf("filter %s: %w", name, err)
			}
			for _, y := range years {
				if _, err := strconv.Atoi(string(y)); err != nil {
					return fmt.Errorf("filter %s: %q is not a year", name, y)
				}
				out.Add(facet.Name, string(y))
			}
			continue
		}
		var vals []string
		if err := json.Unmarshal(msg, &vals); err != nil {
			return fmt.Errorf("filter %s: %w", name, err)
		}
		for _, v := range vals {
			out.Add(facet.Name, v)
		}
	}
	*f = out
	return nil
}
