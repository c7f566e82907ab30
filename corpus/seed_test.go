package corpus_test

import (
	"slices"
	"testing"

	"casebank/corpus"
)

func defaultCorpus(t *testing.T) *corpus.Corpus {
	t.Helper()
	c, err := corpus.DefaultCorpus()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Every curated record validates, names a known bank, cites the report, and
// has its own source key.
func TestDefaultCorpusIsValid(t *testing.T) {
	c := defaultCorpus(t)
	tax := corpus.DefaultTaxonomy()
	banks := map[string]*corpus.Bank{}
	names := map[string]string{}
	for _, b := range c.Banks {
		if err := b.Validate(tax); err != nil {
			t.Errorf("bank %s: %v", b.ID, err)
		}
		banks[b.ID] = b
		for _, n := range append([]string{b.Name}, b.Aliases...) {
			if other, ok := names[n]; ok && other != b.ID {
				t.Errorf("name %q belongs to %s and %s", n, other, b.ID)
			}
			names[n] = b.ID
		}
	}
	ids := map[string]bool{}
	keys := map[string]string{}
	for _, cs := range c.Cases {
		cs.Normalize()
		if err := cs.Validate(tax); err != nil {
			t.Errorf("case %s: %v", cs.ID, err)
		}
		if ids[cs.ID] {
			t.Errorf("duplicate case id %s", cs.ID)
		}
		ids[cs.ID] = true
		b, ok := banks[cs.Bank.ID]
		if !ok {
			t.Errorf("case %s: bank %s not in banks.jsonl", cs.ID, cs.Bank.ID)
			continue
		}
		if !tax.Has(corpus.FacetBankType, b.Type) {
			t.Errorf("case %s: bank type %q", cs.ID, b.Type)
		}
		if cs.Source.Report != corpus.ReportTitle || cs.Source.Year != 2025 || cs.Source.Section == "" {
			t.Errorf("case %s: source %+v", cs.ID, cs.Source)
		}
		if cs.Source.Excerpt != "" {
			t.Errorf("case %s: committed records carry no excerpt of the report", cs.ID)
		}
		if cs.Title.ZH == "" || cs.Title.EN == "" || cs.Summary.ZH == "" || cs.Summary.EN == "" || cs.Body == "" {
			t.Errorf("case %s: needs zh and en title and summary and a body", cs.ID)
		}
		if other, ok := keys[cs.SourceKey()]; ok {
			t.Errorf("cases %s and %s share source key %s", other, cs.ID, cs.SourceKey())
		}
		keys[cs.SourceKey()] = cs.ID
	}
	for _, p := range c.Policies {
		if err := p.Validate(tax); err != nil {
			t.Errorf("policy %s: %v", p.ID, err)
		}
	}
}

// Table 1-4's seven banks, each with the ai theme; 成都银行's row names no
// model, but the paragraph above the table says it deployed DeepSeek.
func TestTable14(t *testing.T) {
	var banks []string
	for _, cs := range defaultCorpus(t).Cases {
		if cs.Source.Table != "表1-4" {
			continue
		}
		banks = append(banks, cs.Bank.ID)
		if !slices.Contains(cs.Themes, "ai") {
			t.Errorf("case %s: a table 1-4 case without the ai theme", cs.ID)
		}
		if cs.Bank.ID == "chengdu-bank" && !slices.Contains(cs.Technologies, "DeepSeek") {
			t.Errorf("成都银行's technologies %v lack DeepSeek", cs.Technologies)
		}
	}
	slices.Sort(banks)
	want := []string{"beijing-bank", "chengdu-bank", "chongqing-bank", "jiangsu-bank", "qingdao-rcb", "sushang-bank", "zhongxin-baixin-bank"}
	if !slices.Equal(banks, want) {
		t.Fatalf("table 1-4 banks %v, want %v", banks, want)
	}
}

// Every row of the theme-terms table names a theme of the default taxonomy,
// but for the e-CNY row, which waits for a theme the taxonomy lacks.
func TestThemeTermsNameThemes(t *testing.T) {
	tax := corpus.DefaultTaxonomy()
	terms := corpus.DefaultThemeTerms()
	if len(terms.Terms) < 20 {
		t.Fatalf("%d rows", len(terms.Terms))
	}
	for _, row := range terms.Terms {
		_, ok := tax.Resolve(corpus.FacetTheme, row.Theme)
		if ok == (row.Theme == "数字人民币") || len(row.ZH)+len(row.EN) == 0 {
			t.Errorf("row %q: resolves %v, %d terms", row.Theme, ok, len(row.ZH)+len(row.EN))
		}
	}
}
