package corpus

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Year bounds for cases: the alliance's reports start in 2017.
const (
	MinYear = 2000
	MaxYear = 2100
)

var idPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// ValidID reports whether s can be used as a case or bank id:
// lowercase ASCII words joined by '-', at most 120 characters.
func ValidID(s string) bool { return len(s) <= MaxID && idPattern.MatchString(s) }

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
	c.BodyEN, c.OutcomeEN = trim(c.BodyEN), trim(c.OutcomeEN)
	// English names pair with the Chinese ones by position: trimmed, never
	// deduplicated or dropped, which would shift the pairs.
	for _, list := range [][]string{c.ProductsEN, c.PartnersEN, c.TechnologiesEN} {
		for i := range list {
			list[i] = trim(list[i])
		}
	}
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

// Validate checks a normalised case against the limits (FieldLimits) and
// the taxonomy. It reports every bad field at once, each with the allowed
// values where there is a list. Its time is linear in the case's size.
// Dimensions and themes given by a label or an alias are stored as their
// codes: Validate puts the codes in their place first.
func (c *Case) Validate(t *Taxonomy) error {
	l, dimsOK, themesOK := c.limits()
	if dimsOK && len(c.Dimensions) > 0 {
		c.Dimensions = t.resolveAll(FacetDimension, c.Dimensions)
	}
	if themesOK && len(c.Themes) > 0 {
		c.Themes = t.resolveAll(FacetTheme, c.Themes)
	}
	bad := func(field, msg string, allowed ...string) {
		l.fields = append(l.fields, FieldError{Field: field, Message: msg, Allowed: AllowedCodes(allowed...)})
	}
	if c.ID != "" && !ValidID(c.ID) {
		bad("id", "must be lowercase ASCII words joined by '-' (at most 120 characters)")
	}
	if c.Kind != KindCase {
		bad("kind", "unknown kind "+QuoteShort(c.Kind), KindCase)
	}
	if c.Bank.ID == "" {
		bad("bank.id", "a case needs a bank")
	} else if !ValidID(c.Bank.ID) {
		bad("bank.id", "must be lowercase ASCII words joined by '-' (at most 120 characters)")
	}
	if c.Year < MinYear || c.Year > MaxYear {
		bad("year", fmt.Sprintf("must be between %d and %d", MinYear, MaxYear))
	}
	if c.Title.ZH == "" && c.Title.EN == "" {
		bad("title", "needs a Chinese or an English title")
	}
	if c.Body == "" && c.BodyEN == "" && c.Summary.ZH == "" && c.Summary.EN == "" {
		bad("body", "needs a body or a summary")
	}
	for _, pair := range []struct {
		field  string
		zh, en []string
	}{{"products_en", c.Products, c.ProductsEN}, {"partners_en", c.Partners, c.PartnersEN}, {"technologies_en", c.Technologies, c.TechnologiesEN}} {
		if len(pair.en) > 0 && len(pair.en) != len(pair.zh) {
			bad(pair.field, fmt.Sprintf("has %d entries for %d in %s: give one English name per entry, in the same order", len(pair.en), len(pair.zh), strings.TrimSuffix(pair.field, "_en")))
		}
	}
	if len(c.Dimensions) == 0 {
		l.fields = append(l.fields, t.NeedsValue("dimensions", FacetDimension))
	}
	// Lists over their limit are not looked up: the limit bounds the work.
	if u := unknownIf(dimsOK, t, FacetDimension, c.Dimensions); len(u) > 0 {
		l.fields = append(l.fields, t.UnknownValue("dimensions", FacetDimension, u...))
	}
	if u := unknownIf(themesOK, t, FacetTheme, c.Themes); len(u) > 0 {
		l.fields = append(l.fields, t.UnknownValue("themes", FacetTheme, u...))
	}
	return l.err("case")
}

// unknownIf looks codes up only when their list passed its limit.
func unknownIf(withinLimit bool, t *Taxonomy, kind string, codes []string) []string {
	if !withinLimit {
		return nil
	}
	return t.unknownCodes(kind, codes)
}

// CheckLimits reports the fields of a normalised case that break a limit of
// FieldLimits or are not valid UTF-8. It needs no taxonomy, so writes run it
// before taking the store's write lock: a huge request is refused without
// holding up other writers.
func (c *Case) CheckLimits() error {
	l, _, _ := c.limits()
	return l.err("case")
}

// limits checks every text and list of c; dimsOK and themesOK report whether
// those lists are short enough to look up in the taxonomy.
func (c *Case) limits() (l limits, dimsOK, themesOK bool) {
	l.text("title.zh", c.Title.ZH, MaxTitle)
	l.text("title.en", c.Title.EN, MaxTitle)
	l.text("summary.zh", c.Summary.ZH, MaxSummary)
	l.text("summary.en", c.Summary.EN, MaxSummary)
	l.text("body", c.Body, MaxBody)
	l.text("outcome", c.Outcome, MaxOutcome)
	l.text("body_en", c.BodyEN, MaxBody)
	l.text("outcome_en", c.OutcomeEN, MaxOutcome)
	l.text("pattern", c.Pattern, MaxPattern)
	l.list("products", c.Products, MaxNames, MaxName)
	l.list("partners", c.Partners, MaxNames, MaxName)
	l.list("technologies", c.Technologies, MaxNames, MaxName)
	l.list("products_en", c.ProductsEN, MaxNames, MaxName)
	l.list("partners_en", c.PartnersEN, MaxNames, MaxName)
	l.list("technologies_en", c.TechnologiesEN, MaxNames, MaxName)
	if l.count("figures", len(c.Figures), MaxFigures) {
		var each limits
		for i, f := range c.Figures {
			at := "figures[" + strconv.Itoa(i) + "]"
			each.text(at+".label", f.Label, MaxFigureText)
			each.text(at+".value", f.Value, MaxFigureText)
			each.text(at+".label_en", f.LabelEN, MaxFigureText)
			each.text(at+".value_en", f.ValueEN, MaxFigureText)
		}
		l.some("figures", each.fields)
	}
	l.source(c.Source)
	l.bank(&c.Bank)
	dimsOK = l.list("dimensions", c.Dimensions, MaxDimensions, MaxCode)
	themesOK = l.list("themes", c.Themes, MaxThemes, MaxCode)
	return l, dimsOK, themesOK
}

// bank checks the text of a bank, registered or inline in a case.
func (l *limits) bank(b *Bank) {
	l.text("bank.name", b.Name, MaxBankName)
	l.text("bank.name_en", b.NameEN, MaxBankName)
	l.list("bank.aliases", b.Aliases, MaxBankAliases, MaxBankName)
	l.text("bank.city", b.City, MaxCity)
	l.text("bank.type", b.Type, MaxCode)
	l.text("bank.region", b.Region, MaxCode)
}

// Normalize removes duplicate and empty aliases.
func (b *Bank) Normalize() { b.Aliases = dedupe(b.Aliases) }

// CheckLimits reports the fields of a normalised bank that break a limit;
// like Case.CheckLimits it needs no taxonomy.
func (b *Bank) CheckLimits() error {
	var l limits
	l.bank(b)
	return l.err("bank")
}

// Validate checks a bank against the limits and the taxonomy, putting the
// codes of a type or region given by a label or alias in their place.
func (b *Bank) Validate(t *Taxonomy) error {
	var l limits
	l.bank(b)
	bad := func(field, msg string) {
		l.fields = append(l.fields, FieldError{Field: field, Message: msg})
	}
	if !ValidID(b.ID) {
		bad("bank.id", "must be lowercase ASCII words joined by '-' (at most 120 characters)")
	}
	if strings.TrimSpace(b.Name) == "" {
		bad("bank.name", "a bank needs a name (an anonymised bank: its description)")
	}
	b.Type, b.Region = t.resolveOne(FacetBankType, b.Type), t.resolveOne(FacetRegion, b.Region)
	if !t.Has(FacetBankType, b.Type) {
		l.fields = append(l.fields, t.UnknownValue("bank.type", FacetBankType, b.Type))
	}
	if !t.Has(FacetRegion, b.Region) {
		l.fields = append(l.fields, t.UnknownValue("bank.region", FacetRegion, b.Region))
	}
	return l.err("bank")
}

func summarize(what string, fields []FieldError) string {
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.Field + ": " + f.Message
	}
	return "invalid " + what + ": " + strings.Join(names, "; ")
}
