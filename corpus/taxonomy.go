package corpus

import (
	"encoding/json"
	"fmt"
	"slices"
)

// TaxonomyLists names the taxonomy's lists (the coded facets) in display order.
var TaxonomyLists = codedFacetNames()

func codedFacetNames() []string {
	var names []string
	for _, f := range CodedFacets() {
		names = append(names, f.Name)
	}
	return names
}

// Value is one taxonomy entry: a stable code, labels and aliases in both languages.
type Value struct {
	Code      string   `json:"code"`
	ZH        string   `json:"zh"`
	EN        string   `json:"en"`
	AliasesZH []string `json:"aliases_zh,omitempty"`
	AliasesEN []string `json:"aliases_en,omitempty"`
}

// Taxonomy holds the codes that tags, bank types and regions may take.
// It is data: the default comes from the embedded seed, admins may edit it.
type Taxonomy struct {
	Dimensions []Value `json:"dimensions"`
	BankTypes  []Value `json:"bank_types"`
	Themes     []Value `json:"themes"`
	Regions    []Value `json:"regions"`
}

// Values returns the entries of one list (a coded facet), nil for any other name.
func (t *Taxonomy) Values(kind string) []Value {
	if f, ok := FacetByName(kind); ok && f.Vocabulary != nil {
		return *f.Vocabulary(t)
	}
	return nil
}

// Codes returns the codes of one kind in taxonomy order.
func (t *Taxonomy) Codes(kind string) []string {
	vals := t.Values(kind)
	codes := make([]string, len(vals))
	for i, v := range vals {
		codes[i] = v.Code
	}
	return codes
}

// Lookup finds the entry with the given code.
func (t *Taxonomy) Lookup(kind, code string) (Value, bool) {
	for _, v := range t.Values(kind) {
		if v.Code == code {
			return v, true
		}
	}
	return Value{}, false
}

// Has reports whether code is a known value of kind.
func (t *Taxonomy) Has(kind, code string) bool {
	_, ok := t.Lookup(kind, code)
	return ok
}

// Validate checks that every kind has entries and that codes are unique and
// labelled. Its errors name the field at fault ("themes[3].code").
func (t *Taxonomy) Validate() error {
	for _, kind := range TaxonomyLists {
		vals := t.Values(kind)
		facet, _ := FacetByName(kind)
		list := facet.List
		invalid := func(field, format string, args ...any) error {
			msg := fmt.Sprintf(format, args...)
			return &Error{Code: EINVALID, Message: "taxonomy: " + field + ": " + msg, Fields: []FieldError{{Field: field, Message: msg}}}
		}
		if len(vals) == 0 {
			return invalid(list, "%s has no values", kind)
		}
		if len(vals) > MaxTaxonomyValues {
			return invalid(list, "%s has %d values, at most %d", kind, len(vals), MaxTaxonomyValues)
		}
		seen := make(map[string]bool, len(vals))
		for i, v := range vals {
			at := fmt.Sprintf("%s[%d].", list, i)
			if !codePattern(v.Code) || len(v.Code) > MaxCode {
				return invalid(at+"code", "%s code %s must be lowercase ascii with _, at most %d characters", kind, QuoteShort(v.Code), MaxCode)
			}
			var l limits
			l.text(at+"zh", v.ZH, MaxLabel)
			l.text(at+"en", v.EN, MaxLabel)
			l.list(at+"aliases_zh", v.AliasesZH, MaxLabelAliases, MaxLabel)
			l.list(at+"aliases_en", v.AliasesEN, MaxLabelAliases, MaxLabel)
			if err := l.err(fmt.Sprintf("%s %q", kind, v.Code)); err != nil {
				return err
			}
			if seen[v.Code] {
				return invalid(at+"code", "%s code %q appears twice", kind, v.Code)
			}
			if v.ZH == "" {
				return invalid(at+"zh", "%s code %q needs zh and en labels", kind, v.Code)
			}
			if v.EN == "" {
				return invalid(at+"en", "%s code %q needs zh and en labels", kind, v.Code)
			}
			seen[v.Code] = true
		}
	}
	return nil
}

func codePattern(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
			return false
		}
	}
	return true
}

// DefaultTaxonomy returns a fresh copy of the embedded default taxonomy.
func DefaultTaxonomy() *Taxonomy {
	var t Taxonomy
	if err := json.Unmarshal(seedTaxonomy, &t); err != nil {
		panic(fmt.Sprintf("corpus: embedded taxonomy: %v", err))
	}
	if err := t.Validate(); err != nil {
		panic(fmt.Sprintf("corpus: embedded taxonomy: %v", err))
	}
	return &t
}

// Keeps returns a conflict error naming a dimension or theme of c that t
// lacks: a taxonomy may not drop codes that a case still uses.
func (t *Taxonomy) Keeps(c *Case) error {
	if u := t.unknownCodes(FacetDimension, c.Dimensions); len(u) > 0 {
		return Errorf(ECONFLICT, "dimension %s is still used by case %s", quoteSome(u), c.ID)
	}
	if u := t.unknownCodes(FacetTheme, c.Themes); len(u) > 0 {
		return Errorf(ECONFLICT, "theme %s is still used by case %s", quoteSome(u), c.ID)
	}
	return nil
}

// unknownCodes returns the distinct codes not in kind, in input order, in
// time linear in the codes (a search of the list per code once took 16 s
// for 100,000 codes).
func (t *Taxonomy) unknownCodes(kind string, codes []string) []string {
	known := t.codeSet(kind)
	var bad []string
	reported := map[string]bool{}
	for _, c := range codes {
		if !known[c] && !reported[c] {
			reported[c] = true
			bad = append(bad, c)
		}
	}
	return bad
}

// codeSet returns the codes of kind as a set.
func (t *Taxonomy) codeSet(kind string) map[string]bool {
	vals := t.Values(kind)
	set := make(map[string]bool, len(vals))
	for _, v := range vals {
		set[v.Code] = true
	}
	return set
}

// Clone copies the taxonomy so that a caller's changes stay its own.
func (t *Taxonomy) Clone() *Taxonomy {
	cp := func(vals []Value) []Value {
		out := make([]Value, len(vals))
		for i, v := range vals {
			v.AliasesZH, v.AliasesEN = slices.Clone(v.AliasesZH), slices.Clone(v.AliasesEN)
			out[i] = v
		}
		return out
	}
	out := &Taxonomy{}
	for _, f := range CodedFacets() {
		*f.Vocabulary(out) = cp(*f.Vocabulary(t))
	}
	return out
}
