// Package bleveengine is casebank's index.Engine over a bleve index on disk:
// the mapping (Chinese bigrams, English stems), plans turned into bleve
// queries (query.go), one pass per tier that filters and counts every facet
// from columns kept in memory per scorch segment (exec.go, columns.go),
// similar cases, counts and completion, and the index's life: build, catch-up
// in batches that carry their change-log sequence, and detection of damaged
// segments by their CRC with a rebuild beside the damaged index (health.go).
//
//	ix, err := index.Open(ctx, bleveengine.New(dir), store, logger)
package bleveengine
