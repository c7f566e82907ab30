// Package report reads the alliance's annual report (the text of its PDF)
// and plans the import of the cases it describes.
//
// Basics: Parse finds the report's case-shaped items (table rows naming a
// bank, the parts of a case study, a bank's section of the special topic);
// Plan maps each item to the stored case with its source key, or to a new
// case its layout drafts; Import does both and has the store check and
// write the plan in one transaction.
//
// Each edition is a Layout: the 2025 edition's table numbers, column
// headers and topic headings live in layout2025.go with its testdata under
// testdata/2025. A new edition is a new layout, not more branches there.
package report
