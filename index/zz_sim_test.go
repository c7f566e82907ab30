package index_test

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"casebank/corpus"
	"casebank/index/indextest"
)

func TestDumpSimilar(t *testing.T) {
	out := os.Getenv("SIM_OUT")
	if out == "" {
		t.Skip()
	}
	store, ix := indextest.MustOpen(t)
	cases, _ := store.FindCases(ctx, corpus.Filter{})
	var b strings.Builder
	for _, c := range cases {
		sims, err := ix.SimilarCases(ctx, c.ID, 6)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, s := range sims {
			ids = append(ids, s.Case.ID)
		}
		fmt.Fprintf(&b, "%s %s\n", c.ID, strings.Join(ids, ","))
	}
	os.WriteFile(out, []byte(b.String()), 0o644)
}
