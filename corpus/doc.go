// Package corpus is casebank's domain: cases, banks, policies and their
// sources, the facet table (Facets) and filters over it, the taxonomy,
// validation and limits, the error type, tag and codebook changes, history
// and change-log records, tokens and sessions, and the embedded default
// corpus. It imports only the standard library.
//
// The adapters live in packages under it, named after what they wrap or
// do: boltdb (the bbolt store, the source of truth), report (the report
// parser, one layout per edition), tagger (tag suggestions) and export
// (CSV, JSON Lines, citations); app is the application service over the
// store and the search index (package index), which is derived from the
// store.
//
// Caveats: validation is in two steps. CheckLimits needs no taxonomy and
// runs before a write takes the store's lock; Validate checks codes
// against the taxonomy inside the write.
package corpus
