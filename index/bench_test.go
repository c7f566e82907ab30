package index

import (
	"context"
	"testing"

	"casebank/corpus"
	"casebank/corpus/boltdb/bolttest"
)

var benchQueries = []string{
	"DeepSeek deployments at city commercial banks",
	"城商行 DeepSeek",
	"tech finance at rural commercial banks",
	"四川 农商行",
	"客户标签 precision marketing 理财",
}

// BenchmarkUnderstand measures query understanding alone: parsing, the
// vocabulary lookups and the plan, without running the search.
func BenchmarkUnderstand(b *testing.B) {
	store := bolttest.MustOpenStore(b, true)
	ix, err := Open(context.Background(), b.TempDir(), store, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	voc, err := ix.vocabulary(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		p, err := Parse(benchQueries[i%len(benchQueries)])
		if err != nil {
			b.Fatal(err)
		}
		plan(voc, p.Terms, corpus.Filter{}, Request{}).query(false)
	}
}

// BenchmarkSearch runs whole searches (understanding, bleve, facets,
// highlights, reading hits from the store) on the default corpus.
func BenchmarkSearch(b *testing.B) {
	store := bolttest.MustOpenStore(b, true)
	ix, err := Open(context.Background(), b.TempDir(), store, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	b.Run("cached", func(b *testing.B) {
		for b.Loop() {
			if _, err := ix.Search(context.Background(), Request{Text: "城商行 DeepSeek"}); err != nil {
				b.Fatal(err)
			}
		}
	})
	ix.DisableCache()
	for _, q := range append(benchQueries, "DeepSeek") {
		b.Run(q, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := ix.Search(context.Background(), Request{Text: q}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
