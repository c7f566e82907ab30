package corpus_test

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"casebank/corpus"
)

// The report parser never panics and every item it returns names a bank
// and a place in the report.
func FuzzParseReport(f *testing.F) {
	if data, err := os.ReadFile("testdata/mini-report.txt"); err == nil {
		f.Add(string(data))
	}
	f.Add("2025\n表 5-3 x\n先进模式\t代表性银行\t具体举措\n\t\t\n")
	f.Add("2025\n2.4.1 某银行数字金融发展案例分析\n技术，维度得分。正文\n")
	f.Add("专题\n三 城商行科技金融发展的典型案例\n(一) 银行:标题\n")
	f.Fuzz(func(t *testing.T, text string) {
		rep, err := corpus.ParseReport(strings.NewReader(text))
		if err != nil {
			if corpus.ErrorCode(err) != corpus.EINVALID {
				t.Fatalf("unexpected error kind: %v", err)
			}
			return
		}
		for _, it := range rep.Items {
			if it.Bank == "" || it.Where() == "" || it.Year == 0 {
				t.Fatalf("item without bank or place: %+v", it)
			}
		}
	})
}

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
