package app_test

import (
	"context"
	"fmt"
	"log"
	"log/slog"
	"os"
	"path/filepath"

	"casebank/corpus"
	"casebank/corpus/app"
	"casebank/corpus/boltdb"
	"casebank/index"
	"casebank/index/bleveengine"
)

// A write through the service is stored, then searchable at once; its
// Searchable says so.
func ExampleService() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "casebank-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	store, err := boltdb.Open(filepath.Join(dir, boltdb.StoreFile), boltdb.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()
	if err := store.SeedDefault(ctx); err != nil {
		log.Fatal(err)
	}
	logger := slog.New(slog.DiscardHandler)
	ix, err := index.Open(ctx, bleveengine.New(dir), store, logger)
	if err != nil {
		log.Fatal(err)
	}
	defer ix.Close()
	svc := app.New(store, ix, logger)

	c := &corpus.Case{
		ID: "example-kg", Kind: corpus.KindCase, Year: 2025, Bank: corpus.Bank{ID: "jiangsu-bank"},
		Title:      corpus.Text{ZH: "江苏银行用知识图谱识别团伙欺诈", EN: "Bank of Jiangsu finds fraud rings with a knowledge graph"},
		Summary:    corpus.Text{ZH: "知识图谱反欺诈。", EN: "Knowledge-graph anti-fraud."},
		Dimensions: []string{"technology"}, Themes: []string{"risk"},
		Source: corpus.Source{Report: corpus.ReportTitle, Year: 2025, Section: "9.9"},
	}
	created, w, err := svc.CreateCase(ctx, c, nil, "editor")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(created.ID, "version", created.Version, "searchable later:", w.Later())

	req, err := app.ParseSearch(map[string][]string{"q": {"知识图谱 团伙欺诈"}, "bank": {"jiangsu-bank"}})
	if err != nil {
		log.Fatal(err)
	}
	res, err := svc.Search(ctx, req)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("first hit:", res.Hits[0].Case.ID)
	// Output:
	// example-kg version 1 searchable later: false
	// first hit: example-kg
}
