package index

import (
	"slices"
	"strings"
	"testing"

	"casebank/corpus"
)

// Tests of understanding's and evaluation's insides, which need no engine.

func TestUnderstandSegmentsAndSingularises(t *testing.T) {
	tax := corpus.DefaultTaxonomy()
	v := buildVocabulary(tax, []*corpus.Bank{{ID: "hangzhou-bank", Name: "杭州银行", NameEN: "Bank of Hangzhou"}},
		&corpus.Glossary{Entries: []corpus.GlossaryEntry{{EN: []string{"large model"}, ZH: []string{"大模型"}}}})
	units := v.understand([]Term{{Text: "杭州银行的大模型代码助手"}, {Text: "Large Models"}})
	var got []string
	for _, un := range units {
		kind := "text"
		switch {
		case un.meaning == nil:
		case un.meaning.stop:
			kind = "stop"
		case un.meaning.field != "":
			kind = un.meaning.field
		default:
			kind = "glossary"
		}
		got = append(got, un.words+":"+kind)
	}
	want := []string{"杭州银行:bank", "的:stop", "大模型:theme", "代码助手:text", "Large Models:theme"}
	if !slices.Equal(got, want) {
		t.Fatalf("units %v, want %v", got, want)
	}
}

// Names are clipped to what a field with positions keeps.
func TestNamesAreClipped(t *testing.T) {
	if got := clipNames([]string{strings.Repeat("数", 5000), "x"}); len([]rune(got)) > maxPositionalRunes {
		t.Fatalf("names clipped to %d runes", len([]rune(got)))
	}
}

// The tiers: relaxed only when there is more than one required concept,
// inferred filters dropped only when there are some, each tier the answer
// when it finds enough for the next not to run.
func TestTiers(t *testing.T) {
	for _, tt := range []struct {
		required int
		inferred bool
		want     []Tier
	}{
		{0, false, []Tier{{Require: RequireAll}}},
		{1, false, []Tier{{Require: RequireAll}}},
		{2, false, []Tier{{Require: RequireAll, Enough: 10}, {Require: RequireAny}}},
		{1, true, []Tier{{Require: RequireAll, Enough: 1}, {Require: RequireNone}}},
		{0, true, []Tier{{Require: RequireAll}}},
		{3, true, []Tier{{Require: RequireAll, Enough: 10}, {Require: RequireAny, Enough: 1}, {Require: RequireNone}}},
	} {
		if got := tiers(tt.required, tt.inferred, 10); !slices.Equal(got, tt.want) {
			t.Errorf("%d required, inferred %v: tiers %+v, want %+v", tt.required, tt.inferred, got, tt.want)
		}
	}
}

// The metric itself: a perfect ranking scores 1, a reversed one less, none 0.
func TestNDCG(t *testing.T) {
	judged := map[string]int{"a": 2, "b": 1}
	if n, r := ndcgRecall([]string{"a", "b"}, judged); n != 1 || r != 1 {
		t.Fatalf("perfect: %v %v", n, r)
	}
	if n, _ := ndcgRecall([]string{"b", "a"}, judged); n >= 1 || n <= 0.5 {
		t.Fatalf("reversed: %v", n)
	}
	if n, r := ndcgRecall([]string{"x"}, judged); n != 0 || r != 0 {
		t.Fatalf("none: %v %v", n, r)
	}
	if n, r := ndcgRecall([]string{"x", "b"}, judged); r != 0.5 || n <= 0 {
		t.Fatalf("partial: %v %v", n, r)
	}
}
