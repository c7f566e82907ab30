package report

import (
	"io"

	"casebank/corpus"
)

// Item is one case-shaped piece of a report: a table row naming a bank, a
// part of a bank's case study, or a bank's section of the special topic.
type Item struct {
	Year    int
	Section string // most specific section number, or 专题-三 for the topic
	Table   string // 表5-3, or "" outside tables
	Heading string // table caption or section heading
	Part    string // dimension code for the parts of sections 2.4.x
	Bank    string // bank name as the report writes it
	Pattern string // 先进模式 of chapter-5 rows
	Text    string // the report's own words: the excerpt
	Line    int    // line number where the item starts
	// What a generic reading found the caption or heading to name.
	Dimension string
	Theme     string
	Hint      string // why: "caption names 战略层面"
}

// Where returns the table, or the section when the item is not in a table.
func (it Item) Where() string {
	if it.Table != "" {
		return it.Table
	}
	return it.Section
}

// Report is what a layout found in a report's text.
type Report struct {
	Title string
	Year  int
	Items []Item
	// Layout read the report; it drafts the cases of new items.
	Layout Layout
	// Generic is set when no layout knew the edition and it was read by
	// the shape of its parts; Unplaced are the rows it could not place.
	Generic  bool
	Unplaced []Unplaced
}

// A Layout reads one edition of the report: where its tables, case studies
// and special topic are, the words of their headers, and which tags the
// cases it finds get. A new edition is a new Layout, not more branches in
// an old one.
type Layout interface {
	// Parse finds the items of a report in this layout. A text that holds
	// none is refused with an invalid error.
	Parse(r io.Reader) (*Report, error)
	// Draft makes the case for an item that no stored case covers, citing
	// the report titled report.
	Draft(it Item, bank *corpus.Bank, report string) *corpus.Case
}

// Parse reads a report in the layout of its edition. There is one so far,
// Layout2025; a second edition's layout is chosen here.
func Parse(r io.Reader) (*Report, error) { return Layout2025.Parse(r) }

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
