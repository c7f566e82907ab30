// Package index is casebank's search index: a bleve index derived from the
// corpus store, with Chinese and English analysis, query understanding, a
// one-pass search that filters and counts facets from in-memory columns
// (exec.go), and evidence marked in the hits' records (highlight.go).
//
// The index is never the source of truth. It records the last change-log
// sequence it applied (in the same bleve batch as the documents), catches up
// from the store's log on Open and after every write, and is rebuilt from the
// store when it is missing, unreadable or built with another mapping version.
package index
