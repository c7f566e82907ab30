package boltdb_test

import (
	"casebank/corpus/boltdb"
	"casebank/corpus/export"
	"casebank/corpus/report"
	"casebank/corpus/tagger"
	"casebank/index"
)

// The store is what the packages that read or write through it expect.
var (
	_ tagger.Source = (*boltdb.Store)(nil)
	_ export.Source = (*boltdb.Store)(nil)
	_ report.Store  = (*boltdb.Store)(nil)
	_ index.Store   = (*boltdb.Store)(nil)
)
