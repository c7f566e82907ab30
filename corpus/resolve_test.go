package corpus_test

import (
	"strings"
	"testing"

	"casebank/corpus"
)

// An unknown value's error names the field, the value, the closest value
// and the allowed values with their labels: a short list whole, a long one
// (regions) by its values closest to the one given, with how many more.
func TestUnknownValueListsAllowedValues(t *testing.T) {
	tax := corpus.DefaultTaxonomy()
	tests := []struct {
		name, field, kind, value string
		inMessage                []string
		first                    string // the first allowed value
		allowed, more            int
	}{
		{"dimension", "dimensions", corpus.FacetDimension, "strategyy",
			[]string{`unknown dimension "strategyy"`, "did you mean strategy (战略, strategy)?", "allowed: strategy 战略 strategy, organization 组织 organization", "ecosystem"},
			"strategy", 6, 0},
		{"theme", "themes", corpus.FacetTheme, "tech_financ",
			[]string{"did you mean tech_finance (科技金融, tech finance)?", "allowed: tech_finance 科技金融 tech finance, ", "and 20 more"},
			"ai", 25, 0}, // listed whole, in the taxonomy's order
		{"region", "bank.region", corpus.FacetRegion, "四州",
			[]string{`unknown region "四州"`, "allowed: ", "and 35 more"},
			"", 10, 30},
		{"region far from any", "bank.region", corpus.FacetRegion, "atlantis",
			[]string{`unknown region "atlantis"`, "and 35 more"}, "", 10, 30},
	}
	for _, tt := range tests {
		f := tax.UnknownValue(tt.field, tt.kind, tt.value)
		if f.Field != tt.field || len(f.Allowed) != tt.allowed || f.AllowedMore != tt.more {
			t.Errorf("%s: field %q, %d allowed and %d more, want %d and %d", tt.name, f.Field, len(f.Allowed), f.AllowedMore, tt.allowed, tt.more)
		}
		for _, want := range tt.inMessage {
			if !strings.Contains(f.Message, want) {
				t.Errorf("%s: message %q lacks %q", tt.name, f.Message, want)
			}
		}
		if tt.first != "" && f.Allowed[0].Code != tt.first {
			t.Errorf("%s: first allowed %+v, want %s", tt.name, f.Allowed[0], tt.first)
		}
		for _, a := range f.Allowed {
			if a.ZH == "" || a.EN == "" {
				t.Errorf("%s: allowed value without labels %+v", tt.name, a)
			}
		}
		if len(f.Message) > 400 {
			t.Errorf("%s: message of %d bytes", tt.name, len(f.Message))
		}
	}
	// Near regions come first: 四州 is a character from 四川 and 贵州; a
	// value near none lists the taxonomy's first.
	f := tax.UnknownValue("bank.region", corpus.FacetRegion, "四州")
	if f.Allowed[0].Code != "sichuan" || f.Allowed[1].Code != "guizhou" || !strings.Contains(f.Message, "allowed: sichuan 四川 Sichuan, guizhou 贵州 Guizhou, ") {
		t.Errorf("closest regions to 四州: %+v %q", f.Allowed, f.Message)
	}
	if f = tax.UnknownValue("bank.region", corpus.FacetRegion, "atlantis"); f.Allowed[0].Code != "beijing" {
		t.Errorf("regions for atlantis: %+v", f.Allowed)
	}
	f = tax.UnknownValue("bank.region", corpus.FacetRegion, "sichuang")
	if f.Allowed[0].Code != "sichuan" || !strings.Contains(f.Message, "allowed: sichuan 四川 Sichuan") {
		t.Errorf("closest region to sichuang: %+v %q", f.Allowed[0], f.Message)
	}
}
