package corpus_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"casebank/corpus"
)

// Decoding a case from JSON and validating it never panics, and a case that
// validates survives a JSON round trip.
func FuzzDecodeCase(f *testing.F) {
	f.Add(`{"id":"a","kind":"case","year":2025,"bank":{"id":"jiangsu-bank"},"title":{"zh":"标题"},"body":"正文","dimensions":["technology"],"themes":["ai"]}`)
	f.Add(`{"id":"../x","year":"2025"}`)
	f.Add(`{"figures":[{"label":"a","value":"b"}],"products":["","x"],"themes":null}`)
	tax := corpus.DefaultTaxonomy()
	f.Fuzz(func(t *testing.T, data string) {
		cases, err := corpus.DecodeJSONL[corpus.Case](strings.NewReader(data))
		if err != nil {
			return
		}
		for _, c := range cases {
			c.Normalize()
			if c.Validate(tax) != nil {
				continue
			}
			if !utf8.ValidString(c.Body) || !corpus.ValidID(c.Bank.ID) {
				t.Fatalf("a valid case with bad fields: %+v", c)
			}
			b, err := json.Marshal(c)
			if err != nil {
				t.Fatal(err)
			}
			again, err := corpus.DecodeJSONL[corpus.Case](bytes.NewReader(b))
			if err != nil || len(again) != 1 || again[0].Body != c.Body || again[0].Title != c.Title {
				t.Fatalf("round trip: %v", err)
			}
		}
	})
}
