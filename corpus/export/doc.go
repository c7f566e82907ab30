// Package export writes cases out: CSV for spreadsheets, JSON Lines that a
// store imports back byte for byte, and citations (BibTeX, RIS, CSL JSON).
//
// Basics: CSV and JSONL stream a whole store through Source (*boltdb.Store
// is one) without holding it in memory; IDsCSV and IDsJSONL stream a
// search's matches; CasesCSV and CasesJSONL write cases already in hand.
//
// Caveats: CSV cells that a spreadsheet would run as a formula get a
// leading ' and every line break becomes "\n"; citations put each value on
// one line. A write error mid-stream leaves w holding part of the output.
package export
