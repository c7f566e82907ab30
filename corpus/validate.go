package corpus

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Year bounds for cases: the alliance's reports start in 2017.
const (
	MinYear = 2000
	MaxYear = 2100
)

var idPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// ValidID reports whether s can be used as a case or bank id:
// lowercase ASCII words joined by '-', at most 120 characters.
func ValidID(s string) bool { return len(s) <= 120 && idPattern.MatchString(s) }

// Normalize trims text fields and removes duplicate and empty list entries,
// keeping the first occurrence so that the first dimension stays the main one.
func (c *Case) Normalize() {
	trim := strings.TrimSpace
	c.ID, c.Kind = trim(c.ID), trim(c.Kind)
	if c.Kind == "" {
		c.Kind = KindCase
	}
	c.Bank.ID = trim(c.Bank.ID)
	c.Title = Text{trim(c.Title.ZH), trim(c.Title.EN)}
	c.Summary = Text{trim(c.Summary.ZH), trim(c.Summary.EN)}
	c.Body, c.Outcome, c.Pattern = trim(c.Body), trim(c.Outcome), trim(c.Pattern)
	c.Products = dedupe(c.Products)
	c.Partners = dedupe(c.Partners)
	c.Technologies = dedupe(c.Technologies)
	c.Dimensions = dedupe(c.Dimensions)
	c.Themes = dedupe(c.Themes)
	if c.Themes == nil {
		c.Themes = []string{}
	}
}

func dedupe(in []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range in {
		s = strings.TrimSpace(s)
		if s == "" || seen[s] {
			continue
		}
		seen[s] = true
		out = append(out, s)
	}
	return out
}

// Validate checks a normalised case against the taxonomy. It reports every
// bad field at once, each with the allowed values where there is a list.
func (c *Case) Validate(t *Taxonomy) error {
	var fields []FieldError
	bad := func(field, msg string, allowed ...string) {
		fields = append(fields, FieldError{Field: field, Message: msg, Allowed: allowed})
	}
	if c.ID != "" && !ValidID(c.ID) {
		bad("id", "must be lowercase ASCII words joined by '-' (at most 120 characters)")
	}
	if c.Kind != KindCase {
		bad("kind", fmt.Sprintf("unknown kind %q", c.Kind), KindCase)
	}
	if c.Bank.ID == "" {
		bad("bank.id", "a case needs a bank")
	} else if !ValidID(c.Bank.ID) {
		bad("bank.id", "must be lowercase ASCII words joined by '-'")
	}
	if c.Year < MinYear || c.Year > MaxYear {
		bad("year", fmt.Sprintf("must be between %d and %d", MinYear, MaxYear))
	}
	if c.Title.ZH == "" && c.Title.EN == "" {
		bad("title", "needs a Chinese or an English title")
	}
	if c.Body == "" && c.Summary.ZH == "" && c.Summary.EN == "" {
		bad("body", "needs a body or a summary")
	}
	if len(c.Dimensions) == 0 {
		bad("dimensions", "needs at least one dimension", t.Codes(KindDimension)...)
	}
	if u := t.unknownCodes(KindDimension, c.Dimensions); len(u) > 0 {
		bad("dimensions", "unknown dimension "+quoteAll(u), t.Codes(KindDimension)...)
	}
	if u := t.unknownCodes(KindTheme, c.Themes); len(u) > 0 {
		bad("themes", "unknown theme "+quoteAll(u), t.Codes(KindTheme)...)
	}
	for _, f := range c.textFields() {
		if !utf8.ValidString(f.text) || strings.ContainsRune(f.text, 0) {
			bad(f.name, "must be valid UTF-8 without NUL bytes")
		}
	}
	if len(fields) == 0 {
		return nil
	}
	return &Error{Code: EINVALID, Message: summarize("case", fields), Fields: fields}
}

type namedText struct{ name, text string }

func (c *Case) textFields() []namedText {
	out := []namedText{
		{"title.zh", c.Title.ZH}, {"title.en", c.Title.EN},
		{"summary.zh", c.Summary.ZH}, {"summary.en", c.Summary.EN},
		{"body", c.Body}, {"outcome", c.Outcome}, {"pattern", c.Pattern},
	}
	for _, list := range []struct {
		name  string
		items []string
	}{{"products", c.Products}, {"partners", c.Partners}, {"technologies", c.Technologies}} {
		for i, s := range list.items {
			out = append(out, namedText{fmt.Sprintf("%s[%d]", list.name, i), s})
		}
	}
	for i, f := range c.Figures {
		out = append(out, namedText{fmt.Sprintf("figures[%d]", i), f.Label + f.Value})
	}
	return out
}

// Validate checks a bank against the taxonomy.
func (b *Bank) Validate(t *Taxonomy) error {
	var fields []FieldError
	bad := func(field, msg string, allowed ...string) {
		fields = append(fields, FieldError{Field: field, Message: msg, Allowed: allowed})
	}
	if !ValidID(b.ID) {
		bad("bank.id", "must be lowercase ASCII words joined by '-'")
	}
	if strings.TrimSpace(b.Name) == "" {
		bad("bank.name", "a bank needs a name (an anonymised bank: its description)")
	}
	if !t.Has(KindBankType, b.Type) {
		bad("bank.type", fmt.Sprintf("unknown bank type %q", b.Type), t.Codes(KindBankType)...)
	}
	if !t.Has(KindRegion, b.Region) {
		bad("bank.region", fmt.Sprintf("unknown region %q", b.Region), t.Codes(KindRegion)...)
	}
	if len(fields) == 0 {
		return nil
	}
	return &Error{Code: EINVALID, Message: summarize("bank", fields), Fields: fields}
}

func summarize(what string, fields []FieldError) string {
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.Field + ": " + f.Message
	}
	return "invalid " + what + ": " + strings.Join(names, "; ")
}

func quoteAll(codes []string) string {
	q := make([]string, len(codes))
	for i, c := range codes {
		q[i] = fmt.Sprintf("%q", c)
	}
	return strings.Join(q, ", ")
}
