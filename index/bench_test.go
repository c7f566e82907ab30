package index_test

import (
	"context"
	"testing"

	"casebank/corpus/boltdb/bolttest"
	"casebank/index"
	"casebank/index/bleveengine"
)

var benchQueries = []string{
	"DeepSeek deployments at city commercial banks",
	"城商行 DeepSeek",
	"tech finance at rural commercial banks",
	"四川 农商行",
	"客户标签 precision marketing 理财",
}

// BenchmarkUnderstand measures query understanding alone: parsing, the
// vocabulary lookups and the plan, without running the search (the engine
// turns the plan into its own queries in Run).
func BenchmarkUnderstand(b *testing.B) {
	store := bolttest.MustOpenStore(b, true)
	ix, err := index.Open(context.Background(), bleveengine.New(b.TempDir()), store, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, _, err := index.Understand(ix, benchQueries[i%len(benchQueries)], index.DefaultSize); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBuildVocabulary builds the query vocabulary of the embedded
// corpus's banks, the taxonomy and the glossary.
func BenchmarkBuildVocabulary(b *testing.B) {
	store := bolttest.MustOpenStore(b, true)
	tax, err := store.Taxonomy()
	if err != nil {
		b.Fatal(err)
	}
	banks, err := store.FindBanks(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	gloss, err := store.Glossary()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		index.BuildVocabulary(tax, banks, gloss)
	}
}

// BenchmarkSearch runs whole searches (understanding, bleve, facets,
// highlights, reading hits from the store) on the default corpus.
func BenchmarkSearch(b *testing.B) {
	store := bolttest.MustOpenStore(b, true)
	ix, err := index.Open(context.Background(), bleveengine.New(b.TempDir()), store, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	b.Run("cached", func(b *testing.B) {
		for b.Loop() {
			if _, err := ix.Search(context.Background(), index.Request{Text: "城商行 DeepSeek"}); err != nil {
				b.Fatal(err)
			}
		}
	})
	ix.DisableCache()
	for _, q := range append(benchQueries, "DeepSeek") {
		b.Run(q, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := ix.Search(context.Background(), index.Request{Text: q}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
