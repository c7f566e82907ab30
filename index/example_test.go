package index_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"casebank/corpus/boltdb"
	"casebank/index"
	"casebank/index/bleveengine"
)

// A store with the embedded corpus, its bleve index beside it, and a search
// that reads a bank type from the words and searches the rest.
func Example() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "casebank-example-")
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
	ix, err := index.Open(ctx, bleveengine.New(dir), store, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer ix.Close()

	res, err := ix.Search(ctx, index.Request{Text: "城商行 DeepSeek"})
	if err != nil {
		log.Fatal(err)
	}
	for _, in := range res.Query.Inferred {
		fmt.Printf("inferred %s=%s from %q\n", in.Field, in.Code, in.Words)
	}
	fmt.Println("searched:", res.Query.Text)
	fmt.Println("first hit:", res.Hits[0].Case.ID)
	// Output:
	// inferred bank_type=city_commercial from "城商行"
	// inferred theme=ai from "DeepSeek"
	// searched: DeepSeek
	// first hit: r2025-t1-4-chongqing-bank
}
