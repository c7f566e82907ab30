// Package index is casebank's search: query understanding over a search
// engine it knows only as an interface. A query is parsed (query.go), read
// against a vocabulary of the taxonomy, the banks and the glossary
// (understand.go) and turned into an engine-neutral Plan (plan.go): concepts
// with their alternatives and weighted fields, filters explicit and
// inferred, and ranking tiers. An Engine (engine.go) runs the plan over the
// documents (fields.go); Index adds paging, cached answers, the records of
// the hits and the evidence marked in them (highlight.go).
//
//	ix, err := index.Open(ctx, bleveengine.New(dir), store, logger)
//	res, err := ix.Search(ctx, index.Request{Text: "城商行 DeepSeek"})
//
// The index is never the source of truth: the engine records the last
// change-log sequence it applied, catches up from the store's log on Open
// and after every write (Settle), and is rebuilt from the store when its
// index is missing, unreadable, damaged or of another version.
package index
