package corpus

import (
	"fmt"
	"regexp"
	"strings"
)

// KindPolicy is the record kind of a policy document.
const KindPolicy = "policy"

// Policy is a government or regulatory policy the report lists, searchable
// beside cases.
type Policy struct {
	ID      string   `json:"id"`
	Kind    string   `json:"kind"`
	Name    string   `json:"name"`
	NameEN  string   `json:"name_en,omitempty"`
	Issuer  string   `json:"issuer,omitempty"`
	Date    string   `json:"date"` // YYYY, YYYY-MM or YYYY-MM-DD
	Region  string   `json:"region"`
	Points  Text     `json:"points"`
	Themes  []string `json:"themes"`
	Source  Source   `json:"source"`
	Version int      `json:"version"`
	Created *Stamp   `json:"created,omitempty"`
	Updated *Stamp   `json:"updated,omitempty"`
}

var datePattern = regexp.MustCompile(`^(19|20)\d\d(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$`)

// Year returns the year the policy was issued.
func (p *Policy) Year() int {
	var y int
	fmt.Sscanf(p.Date, "%4d", &y)
	return y
}

// Validate checks a policy against the limits and the taxonomy.
func (p *Policy) Validate(t *Taxonomy) error {
	l, themesOK := p.limits()
	p.Region = t.resolveOne(FacetRegion, p.Region)
	if themesOK && len(p.Themes) > 0 {
		p.Themes = t.resolveAll(FacetTheme, p.Themes)
	}
	bad := func(field, msg string, allowed ...string) {
		l.fields = append(l.fields, FieldError{Field: field, Message: msg, Allowed: AllowedCodes(allowed...)})
	}
	if !ValidID(p.ID) {
		bad("id", "must be lowercase ASCII words joined by '-' (at most 120 characters)")
	}
	if p.Kind != KindPolicy {
		bad("kind", "unknown kind "+QuoteShort(p.Kind), KindPolicy)
	}
	if strings.TrimSpace(p.Name) == "" {
		bad("name", "a policy needs its name")
	}
	if !datePattern.MatchString(p.Date) {
		bad("date", "must be YYYY, YYYY-MM or YYYY-MM-DD")
	}
	if !t.Has(FacetRegion, p.Region) {
		l.fields = append(l.fields, t.UnknownValue("region", FacetRegion, p.Region))
	}
	if u := unknownIf(themesOK, t, FacetTheme, p.Themes); len(u) > 0 {
		l.fields = append(l.fields, t.UnknownValue("themes", FacetTheme, u...))
	}
	return l.err("policy")
}

// Normalize removes duplicate and empty themes; a policy without themes
// has an empty list.
func (p *Policy) Normalize() {
	p.Themes = dedupe(p.Themes)
	if p.Themes == nil {
		p.Themes = []string{}
	}
}

// CheckLimits reports the fields of a normalised policy that break a limit;
// it needs no taxonomy.
func (p *Policy) CheckLimits() error {
	l, _ := p.limits()
	return l.err("policy")
}

// limits checks a policy's text and lists, needing no taxonomy.
func (p *Policy) limits() (l limits, themesOK bool) {
	l.text("name", p.Name, MaxPolicyName)
	l.text("name_en", p.NameEN, MaxPolicyName)
	l.text("issuer", p.Issuer, MaxIssuer)
	l.text("points.zh", p.Points.ZH, MaxPoints)
	l.text("points.en", p.Points.EN, MaxPoints)
	l.text("region", p.Region, MaxCode)
	l.source(p.Source)
	themesOK = l.list("themes", p.Themes, MaxThemes, MaxCode)
	return l, themesOK
}
