package index_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"casebank/corpus"
	"casebank/corpus/boltdb/bolttest"
	"casebank/index"
	"casebank/index/bleveengine"
)

// Parsing and understanding any query never panics; a query that parses
// yields a plan the engine runs; errors are always invalid-input errors.
func FuzzQuery(f *testing.F) {
	for _, q := range append(benchQueries, `"unterminated`, `(a OR b)`, `theme:`, `/[/`, `-`, `title:"x y"`, "城商行\u3000DeepSeek", `bank:江苏银行 -数字人`) {
		f.Add(q)
	}
	store := bolttest.MustOpenStore(f, true)
	ix, err := index.Open(context.Background(), bleveengine.New(f.TempDir()), store, nil)
	if err != nil {
		f.Fatal(err)
	}
	defer ix.Close()
	f.Fuzz(func(t *testing.T, q string) {
		_, err := index.Parse(q)
		if err != nil {
			if corpus.ErrorCode(err) != corpus.EINVALID {
				t.Fatalf("%q: error %v is not invalid input", q, err)
			}
			return
		}
		if !utf8.ValidString(q) || len([]rune(q)) > index.MaxQueryLength {
			t.Fatalf("%q parsed", q)
		}
		p, inferred, err := index.Understand(ix, q, index.DefaultSize)
		if corpus.ErrorCode(err) == corpus.EINVALID {
			return // a well-formed query may still name an unknown value (theme:0)
		}
		if err != nil {
			t.Fatalf("%q parsed but was not understood: %v", q, err)
		}
		if len(p.Tiers) == 0 {
			t.Fatalf("%q: a plan without tiers", q)
		}
		for _, c := range slices.Concat(p.Required, p.Optional, p.Excluded) {
			if len(c.Alternatives) == 0 || slices.ContainsFunc(c.Alternatives, func(a index.Alternative) bool { return len(a.Fields) == 0 }) {
				t.Fatalf("%q: concept %+v matches nothing", q, c)
			}
		}
		// The engine runs every plan; what it refuses is the user's to fix.
		if _, err := index.EngineOf(ix).Run(context.Background(), p, index.Window{Size: index.DefaultSize}); err != nil && corpus.ErrorCode(err) != corpus.EINVALID {
			t.Fatalf("%q: the plan did not run: %v", q, err)
		}
		for _, in := range inferred {
			if in.Words == "" || !strings.Contains(strings.ToLower(q), strings.ToLower(string([]rune(in.Words)[:1]))) {
				t.Fatalf("%q: inferred %+v from words not in the query", q, in)
			}
		}
	})
}
