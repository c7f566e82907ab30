package index

import (
	"strings"
	"testing"
	"unicode/utf8"

	"casebank/corpus"
)

// Parsing and understanding any query never panics; a query that parses
// yields a plan; errors are always invalid-input errors.
func FuzzQuery(f *testing.F) {
	for _, q := range append(benchQueries, `"unterminated`, `(a OR b)`, `theme:`, `/[/`, `-`, `title:"x y"`, "城商行\u3000DeepSeek", `bank:江苏银行 -数字人`) {
		f.Add(q)
	}
	tax := corpus.DefaultTaxonomy()
	banks := []*corpus.Bank{{ID: "jiangsu-bank", Name: "江苏银行", NameEN: "Bank of Jiangsu", Type: "city_commercial", Region: "jiangsu"}}
	voc := buildVocabulary(tax, banks, corpus.DefaultGlossary())
	f.Fuzz(func(t *testing.T, q string) {
		p, err := Parse(q)
		if err != nil {
			if corpus.ErrorCode(err) != corpus.EINVALID {
				t.Fatalf("%q: error %v is not invalid input", q, err)
			}
			return
		}
		if !utf8.ValidString(q) || len([]rune(q)) > MaxQueryLength {
			t.Fatalf("%q parsed", q)
		}
		sp := plan(voc, p.Terms, corpus.Filter{}, Request{})
		if sp.query(false) == nil || sp.query(true) == nil {
			t.Fatal("no query")
		}
		for _, in := range sp.inferred {
			if in.Words == "" || !strings.Contains(strings.ToLower(q), strings.ToLower(string([]rune(in.Words)[:1]))) {
				t.Fatalf("%q: inferred %+v from words not in the query", q, in)
			}
		}
	})
}
