package corpus

import (
	"fmt"
	"time"
)

// The report the default corpus comes from: its title and publisher.
const (
	ReportTitle     = "中小银行数字金融发展研究报告（2025）"
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
	Pattern      string   `json:"pattern,omitempty"`
	Dimensions   []string `json:"dimensions"`
	Themes       []string `json:"themes"`
	Source       Source   `json:"source"`
	Created      *Stamp   `json:"created,omitempty"`
	Updated      *Stamp   `json:"updated,omitempty"`
}

// Record kinds of the JSONL export.
const (
	KindCase = "case"
	KindBank = "bank"
)

// Filter selects cases: values OR within a field, fields AND across.
type Filter struct {
	Kinds      []string `json:"kind,omitempty"`
	Dimensions []string `json:"dimension,omitempty"`
	BankTypes  []string `json:"bank_type,omitempty"`
	Themes     []string `json:"theme,omitempty"`
	Regions    []string `json:"region,omitempty"`
	Years      []int    `json:"year,omitempty"`
	Banks      []string `json:"bank,omitempty"`
}

// IsEmpty reports whether the filter selects everything.
func (f Filter) IsEmpty() bool {
	return len(f.Kinds)+len(f.Dimensions)+len(f.BankTypes)+len(f.Themes)+len(f.Regions)+len(f.Years)+len(f.Banks) == 0
}

// Matches reports whether c passes the filter.
func (f Filter) Matches(c *Case) bool {
	anyOf := func(want []string, have ...string) bool {
		if len(want) == 0 {
			return true
		}
		for _, w := range want {
			for _, h := range have {
				if w == h {
					return true
				}
			}
		}
		return false
	}
	yearOK := len(f.Years) == 0
	for _, y := range f.Years {
		yearOK = yearOK || y == c.Year
	}
	return yearOK && anyOf(f.Kinds, c.Kind) && anyOf(f.Dimensions, c.Dimensions...) && anyOf(f.Themes, c.Themes...) &&
		anyOf(f.BankTypes, c.Bank.Type) && anyOf(f.Regions, c.Bank.Region) && anyOf(f.Banks, c.Bank.ID)
}
