package corpus_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"casebank/corpus"
	"casebank/corpus/boltdb/bolttest"
)

// The curated corpus uses at most half of every limit, so no editor meets
// one by writing cases like those of the report. (Ids keep their older limit
// of 120 ASCII characters; the longest has 69.)
func TestSeedFitsLimits(t *testing.T) {
	c := defaultCorpus(t)
	type size struct {
		what string
		n    int
		max  int
	}
	var sizes []size
	text := func(what, s string, max int) {
		sizes = append(sizes, size{what, utf8.RuneCountInString(s), max})
		if i := strings.IndexFunc(s, refusedControl); i >= 0 {
			t.Errorf("%s holds control character %U: %.80q", what, []rune(s[i:])[0], s)
		}
	}
	list := func(what string, xs []string, maxN, maxLen int) {
		sizes = append(sizes, size{what, len(xs), maxN})
		for _, x := range xs {
			text(what+"[i]", x, maxLen)
		}
	}
	source := func(s corpus.Source) {
		text("source.report", s.Report, corpus.MaxSourceText)
		text("source.heading", s.Heading, corpus.MaxSourceText)
		text("source.section", s.Section, corpus.MaxSourcePlace)
		text("source.table", s.Table, corpus.MaxSourcePlace)
		text("source.part", s.Part, corpus.MaxSourcePlace)
	}
	for _, cs := range c.Cases {
		text("title.zh", cs.Title.ZH, corpus.MaxTitle)
		text("title.en", cs.Title.EN, corpus.MaxTitle)
		text("summary.zh", cs.Summary.ZH, corpus.MaxSummary)
		text("summary.en", cs.Summary.EN, corpus.MaxSummary)
		text("body", cs.Body, corpus.MaxBody)
		text("outcome", cs.Outcome, corpus.MaxOutcome)
		text("pattern", cs.Pattern, corpus.MaxPattern)
		list("products", cs.Products, corpus.MaxNames, corpus.MaxName)
		list("partners", cs.Partners, corpus.MaxNames, corpus.MaxName)
		list("technologies", cs.Technologies, corpus.MaxNames, corpus.MaxName)
		list("dimensions", cs.Dimensions, corpus.MaxDimensions, corpus.MaxCode)
		list("themes", cs.Themes, corpus.MaxThemes, corpus.MaxCode)
		sizes = append(sizes, size{"figures", len(cs.Figures), corpus.MaxFigures})
		for _, f := range cs.Figures {
			text("figures[i].label", f.Label, corpus.MaxFigureText)
			text("figures[i].value", f.Value, corpus.MaxFigureText)
		}
		source(cs.Source)
	}
	for _, b := range c.Banks {
		text("bank.name", b.Name, corpus.MaxBankName)
		text("bank.name_en", b.NameEN, corpus.MaxBankName)
		list("bank.aliases", b.Aliases, corpus.MaxBankAliases, corpus.MaxBankName)
		text("bank.city", b.City, corpus.MaxCity)
	}
	for _, p := range c.Policies {
		text("policy name", p.Name, corpus.MaxPolicyName)
		text("policy name_en", p.NameEN, corpus.MaxPolicyName)
		text("policy issuer", p.Issuer, corpus.MaxIssuer)
		text("policy points.zh", p.Points.ZH, corpus.MaxPoints)
		text("policy points.en", p.Points.EN, corpus.MaxPoints)
		list("policy themes", p.Themes, corpus.MaxThemes, corpus.MaxCode)
		source(p.Source)
	}
	tax := corpus.DefaultTaxonomy()
	for _, kind := range corpus.TaxonomyLists {
		vals := tax.Values(kind)
		sizes = append(sizes, size{kind + " values", len(vals), corpus.MaxTaxonomyValues})
		for _, v := range vals {
			text("code", v.Code, corpus.MaxCode)
			text("label", v.ZH, corpus.MaxLabel)
			text("label", v.EN, corpus.MaxLabel)
			list("aliases_zh", v.AliasesZH, corpus.MaxLabelAliases, corpus.MaxLabel)
			list("aliases_en", v.AliasesEN, corpus.MaxLabelAliases, corpus.MaxLabel)
		}
	}
	largest := map[string]size{}
	for _, s := range sizes {
		if s.n > largest[s.what].n {
			largest[s.what] = s
		}
	}
	for _, s := range largest {
		if 2*s.n > s.max {
			t.Errorf("%s: the corpus has %d, more than half the limit %d", s.what, s.n, s.max)
		}
	}
}

// Of many bad entries an error names five and counts the rest.
func TestManyBadEntriesAreCounted(t *testing.T) {
	c := bolttest.NewCase("many-bad", "jiangsu-bank", "标题", "正文")
	for range corpus.MaxNames {
		c.Products = append(c.Products, strings.Repeat("长", corpus.MaxName+1)+fmt.Sprint(len(c.Products)))
	}
	c.Normalize()
	var e *corpus.Error
	if !errors.As(c.CheckLimits(), &e) {
		t.Fatal("no error")
	}
	var named []string
	for _, f := range e.Fields {
		named = append(named, f.Field)
	}
	want := []string{"products[0]", "products[1]", "products[2]", "products[3]", "products[4]", "products"}
	if !slices.Equal(named, want) || e.Fields[5].Message != "and 45 more entries like these" {
		t.Fatalf("fields %+v", e.Fields)
	}
}

// refusedControl is a control character no text field may hold: C0 but
// tab, LF and CR; DEL; C1.
func refusedControl(r rune) bool {
	return r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r >= 0x7f && r <= 0x9f
}
