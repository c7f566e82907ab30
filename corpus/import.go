package corpus

import "bytes"

// What an import does with one record: a planned report item's action and
// a record's outcome in an ImportResult.
const (
	ImportSame   = "same"   // stored already as imported: nothing is written
	ImportMerge  = "merge"  // an existing record takes the imported content
	ImportCreate = "create" // a new record
)

// ImportStep is one planned write of a report import (see package report):
// what the report's item at Line becomes.
type ImportStep struct {
	Line    int    // where the item starts in the report
	Where   string // its table or section, for the result's counts
	NewBank *Bank  // a bank the registry lacks, created first
	Action  string // ImportSame, ImportMerge or ImportCreate
	Case    *Case  // the case as it will be written
}

// ImportOptions configure an import.
type ImportOptions struct {
	By string // recorded as the author of every change
	// Progress, if set, is called with 0 when the writing starts (so that
	// a rate is measured from then, not from the first record), then
	// after each record or batch.
	Progress func(done, total int)
	// MaxErrors is how many bad fields the refusal of an invalid import
	// names, each with its line; 0 means a few, enough for a message.
	MaxErrors int
}

// ImportResult counts what an import did, per table or section.
type ImportResult struct {
	Sources  []SourceCount `json:"sources"`
	Merged   int           `json:"merged"`    // existing records that took the report's excerpt or the line's content
	Created  int           `json:"created"`   // new records
	Same     int           `json:"unchanged"` // records already as imported
	NewBanks []Bank        `json:"new_banks"` // banks not in the registry, created with guessed type and region
}

// SourceCount is one table's or section's line of an import report; lines
// keep the order in which the report presents them.
type SourceCount struct {
	Where   string `json:"where"`
	Found   int    `json:"found"`
	Merged  int    `json:"merged"`
	Created int    `json:"created"`
	Same    int    `json:"unchanged"`
}

// Changed reports whether the import wrote anything.
func (r *ImportResult) Changed() bool { return r.Merged+r.Created > 0 || len(r.NewBanks) > 0 }

// Add counts one record found at where with its outcome (ImportSame,
// ImportMerge or ImportCreate), in where's line and in the totals.
func (r *ImportResult) Add(where, outcome string) {
	sc := r.source(where)
	sc.Found++
	switch outcome {
	case ImportSame:
		sc.Same++
		r.Same++
	case ImportMerge:
		sc.Merged++
		r.Merged++
	case ImportCreate:
		sc.Created++
		r.Created++
	}
}

// Merge adds the counts of b, a part of the same import, to r.
func (r *ImportResult) Merge(b *ImportResult) {
	r.Merged += b.Merged
	r.Created += b.Created
	r.Same += b.Same
	r.NewBanks = append(r.NewBanks, b.NewBanks...)
	for _, sc := range b.Sources {
		x := r.source(sc.Where)
		x.Found += sc.Found
		x.Merged += sc.Merged
		x.Created += sc.Created
		x.Same += sc.Same
	}
}

// source returns where's line, adding it after the others if it is new.
func (r *ImportResult) source(where string) *SourceCount {
	for i := range r.Sources {
		if r.Sources[i].Where == where {
			return &r.Sources[i]
		}
	}
	r.Sources = append(r.Sources, SourceCount{Where: where})
	return &r.Sources[len(r.Sources)-1]
}

// IsJSONL reports whether data looks like JSON Lines rather than report text.
func IsJSONL(data []byte) bool {
	return bytes.HasPrefix(bytes.TrimLeft(data, " \t\r\n\ufeff"), []byte("{"))
}
