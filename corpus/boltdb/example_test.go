package boltdb_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"casebank/corpus/boltdb"
)

// A store is a file: open it, seed it, read a case, update it; the change
// log says what changed, for the index to catch up.
func Example() {
	dir, err := os.MkdirTemp("", "casebank-example-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	s, err := boltdb.Open(filepath.Join(dir, boltdb.StoreFile), boltdb.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	if err := s.SeedDefault(ctx); err != nil {
		log.Fatal(err)
	}
	seq, _ := s.LastSeq()

	c, err := s.FindCaseByID(ctx, "r2025-t1-4-jiangsu-bank")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(c.Bank.Name, "version", c.Version)
	c.Outcome = "an editor's note on the outcome"
	// The version read guards against another editor's change meanwhile.
	if c, err = s.UpdateCase(ctx, c, c.Version, "editor"); err != nil {
		log.Fatal(err)
	}
	fmt.Println("now version", c.Version)
	changes, _ := s.ChangesSince(seq, 10)
	for _, ch := range changes {
		fmt.Println(ch.Op, ch.ID, ch.By)
	}
	// Output:
	// 江苏银行 version 1
	// now version 2
	// case.put r2025-t1-4-jiangsu-bank editor
}
