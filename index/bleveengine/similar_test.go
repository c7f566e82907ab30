package bleveengine

import (
	"bytes"
	"encoding/json"
	"slices"
	"testing"

	"casebank/corpus"
	"casebank/corpus/boltdb/bolttest"
)

// Similar cases read only the records that can reach the best; the lists
// are those of a pass over every record, for every case of a corpus whose
// tags repeat as a large one's do.
func TestSimilarPruningKeepsTheLists(t *testing.T) {
	store := bolttest.MustOpenStore(t, true)
	base, err := corpus.DefaultCorpus()
	if err != nil {
		t.Fatal(err)
	}
	var jsonl bytes.Buffer
	enc := json.NewEncoder(&jsonl)
	for _, c := range corpus.Generate(base, 1500, 7) {
		if err := enc.Encode(c); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := store.ImportJSONL(ctx, &jsonl, corpus.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	ix, _ := openAt(t, t.TempDir(), store)
	defer ix.Close()
	cases, err := store.FindCases(ctx, corpus.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { similarPruning = true }()
	differ, compared := 0, 0
	for i, c := range cases {
		if i%7 != 0 { // a seventh of them keeps the test short
			continue
		}
		var lists [2][]string
		for j, prune := range []bool{false, true} {
			similarPruning = prune
			sims, err := ix.SimilarCases(ctx, c.ID, 6)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range sims {
				lists[j] = append(lists[j], s.Case.ID)
			}
		}
		compared++
		if !slices.Equal(lists[0], lists[1]) {
			differ++
			t.Errorf("%s: every record %v, pruned %v", c.ID, lists[0], lists[1])
		}
	}
	if compared < 200 {
		t.Fatalf("compared %d cases", compared)
	}
}
