package corpus_test

import (
	"slices"
	"testing"

	"casebank/corpus"
)

// The default corpus must load into a store as it is, and table 1-4 must
// carry its seven banks with the facts the report gives.
func TestDefaultCorpus(t *testing.T) {
	banks, cases, err := corpus.DefaultCorpus()
	if err != nil {
		t.Fatal(err)
	}
	tax := corpus.DefaultTaxonomy()
	bankIDs := map[string]bool{}
	for _, b := range banks {
		if err := b.Validate(tax); err != nil {
			t.Errorf("bank %s: %v", b.ID, err)
		}
		bankIDs[b.ID] = true
	}
	ids := map[string]bool{}
	var table14 []string
	for _, c := range cases {
		c.Normalize()
		if err := c.Validate(tax); err != nil {
			t.Errorf("case %s: %v", c.ID, err)
		}
		if ids[c.ID] {
			t.Errorf("duplicate case id %s", c.ID)
		}
		ids[c.ID] = true
		if !bankIDs[c.Bank.ID] {
			t.Errorf("case %s: bank %s not in banks.jsonl", c.ID, c.Bank.ID)
		}
		if c.Source.Report != corpus.ReportTitle || c.Source.Year != 2025 || c.Source.Section == "" {
			t.Errorf("case %s: source %+v", c.ID, c.Source)
		}
		if c.Title.ZH == "" || c.Title.EN == "" || c.Summary.ZH == "" || c.Summary.EN == "" {
			t.Errorf("case %s: needs zh and en title and summary", c.ID)
		}
		if c.Source.Table == "表1-4" {
			table14 = append(table14, c.Bank.ID)
			if !slices.Contains(c.Themes, "ai") {
				t.Errorf("case %s: a table 1-4 case without the ai theme", c.ID)
			}
		}
	}
	slices.Sort(table14)
	want := []string{"beijing-bank", "chengdu-bank", "chongqing-bank", "jiangsu-bank", "qingdao-rcb", "sushang-bank", "zhongxin-baixin-bank"}
	if !slices.Equal(table14, want) {
		t.Fatalf("table 1-4 banks %v, want %v", table14, want)
	}
}

// 成都银行's row in table 1-4 names no model; the paragraph above it says the
// bank deployed DeepSeek, and the record must say so too.
func TestChengduCarriesDeepSeek(t *testing.T) {
	_, cases, err := corpus.DefaultCorpus()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		if c.ID == "r2025-t1-4-chengdu-bank" {
			if !slices.Contains(c.Technologies, "DeepSeek") {
				t.Fatalf("technologies %v lack DeepSeek", c.Technologies)
			}
			return
		}
	}
	t.Fatal("no 成都银行 case from table 1-4")
}
