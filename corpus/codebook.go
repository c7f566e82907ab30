package corpus

import (
	"fmt"
	"slices"
)

// TagPatch changes a case's tags: Set* replace a list when non-nil, Add and
// Remove edit it. Version, when non-zero, must be the stored version.
type TagPatch struct {
	Version       int        `json:"version"`
	SetDimensions []string   `json:"dimensions,omitempty"`
	SetThemes     []string   `json:"themes,omitempty"`
	Add           TagLists   `json:"add"`
	Remove        TagLists   `json:"remove"`
	Decisions     *Decisions `json:"decisions,omitempty"`
}

// TagLists are dimension and theme codes.
type TagLists struct {
	Dimensions []string `json:"dimensions,omitempty"`
	Themes     []string `json:"themes,omitempty"`
}

// Apply changes c's tags as the patch says.
func (p TagPatch) Apply(c *Case) {
	if p.SetDimensions != nil {
		c.Dimensions = slices.Clone(p.SetDimensions)
	}
	if p.SetThemes != nil {
		c.Themes = slices.Clone(p.SetThemes)
	}
	c.Dimensions = without(append(c.Dimensions, p.Add.Dimensions...), p.Remove.Dimensions)
	c.Themes = without(append(c.Themes, p.Add.Themes...), p.Remove.Themes)
}

// Resolve puts codes in place of the labels and aliases the patch names
// tags by, so that removing 人工智能 removes ai. Values that name nothing are
// kept for validation to report.
func (p *TagPatch) Resolve(t *Taxonomy) {
	for _, l := range []struct {
		kind string
		list *[]string
	}{{FacetDimension, &p.SetDimensions}, {FacetTheme, &p.SetThemes}, {FacetDimension, &p.Add.Dimensions},
		{FacetTheme, &p.Add.Themes}, {FacetDimension, &p.Remove.Dimensions}, {FacetTheme, &p.Remove.Themes}} {
		for i, v := range *l.list {
			(*l.list)[i] = t.resolveOne(l.kind, v)
		}
	}
}

// without deletes the codes in remove from list, in time linear in both.
func without(list, remove []string) []string {
	if len(remove) == 0 {
		return list
	}
	drop := make(map[string]bool, len(remove))
	for _, r := range remove {
		drop[r] = true
	}
	return slices.DeleteFunc(list, func(c string) bool { return drop[c] })
}

// CheckLimits bounds a tag change's lists before it takes the write lock.
func (p TagPatch) CheckLimits() error {
	var l limits
	l.list("dimensions", p.SetDimensions, MaxDimensions, MaxCode)
	l.list("themes", p.SetThemes, MaxThemes, MaxCode)
	l.list("add.dimensions", p.Add.Dimensions, MaxDimensions, MaxCode)
	l.list("add.themes", p.Add.Themes, MaxThemes, MaxCode)
	l.list("remove.dimensions", p.Remove.Dimensions, MaxDimensions, MaxCode)
	l.list("remove.themes", p.Remove.Themes, MaxThemes, MaxCode)
	if p.Decisions != nil {
		l.list("decisions.accepted", p.Decisions.Accepted, MaxDecisions, MaxName)
		l.list("decisions.rejected", p.Decisions.Rejected, MaxDecisions, MaxName)
	}
	return l.err("tag change")
}

// BulkTag adds or removes one tag on many cases in one transaction: all of
// them change or none does. With preview it only counts.
type BulkTag struct {
	IDs     []string `json:"ids"`
	Kind    string   `json:"kind"`   // theme or dimension
	Code    string   `json:"code"`   // the tag
	Action  string   `json:"action"` // add or remove
	Preview bool     `json:"preview"`
}

// Check checks a bulk change before it takes the write lock: its kind and
// action, that it names cases, and its limits.
func (b BulkTag) Check() error {
	if b.Kind != FacetTheme && b.Kind != FacetDimension {
		return &Error{Code: EINVALID, Message: "bulk tagging works on themes and dimensions, not " + QuoteShort(b.Kind),
			Fields: []FieldError{{Field: "kind", Message: "unknown kind", Allowed: AllowedCodes(FacetTheme, FacetDimension)}}}
	}
	if b.Action != "add" && b.Action != "remove" {
		return &Error{Code: EINVALID, Message: "unknown action " + QuoteShort(b.Action),
			Fields: []FieldError{{Field: "action", Message: "unknown action", Allowed: AllowedCodes("add", "remove")}}}
	}
	if len(b.IDs) == 0 {
		return Errorf(EINVALID, "no cases given: pass ids or a search")
	}
	return b.checkLimits()
}

// checkLimits bounds a bulk change before it takes the write lock: the
// number of cases, and ids and code short enough to name in an error.
func (b BulkTag) checkLimits() error {
	var l limits
	if len(b.IDs) > MaxBulkIDs {
		l.bad("ids", fmt.Sprintf("at most %d cases in one bulk change (this one names %d): narrow the search or split the ids", MaxBulkIDs, len(b.IDs)))
	} else {
		var each limits
		for i, id := range b.IDs {
			if !ValidID(id) {
				each.bad(fmt.Sprintf("ids[%d]", i), "not a case id: lowercase ASCII words joined by '-' (at most 120 characters)")
			}
		}
		l.some("ids", each.fields)
	}
	l.text("code", b.Code, MaxCode)
	return l.err("bulk tag change")
}

// Validate checks that the tag is a code of the taxonomy.
func (b *BulkTag) Validate(t *Taxonomy) error {
	b.Code = t.resolveOne(b.Kind, b.Code)
	if !t.Has(b.Kind, b.Code) {
		f := t.UnknownValue("code", b.Kind, b.Code)
		return &Error{Code: EINVALID, Message: f.Message, Fields: []FieldError{f}}
	}
	return nil
}

// Patch is the tag change the bulk change makes to each of its cases.
func (b BulkTag) Patch() TagPatch {
	patch := TagPatch{}
	lists := TagLists{}
	if b.Kind == FacetTheme {
		lists.Themes = []string{b.Code}
	} else {
		lists.Dimensions = []string{b.Code}
	}
	if b.Action == "add" {
		patch.Add = lists
	} else {
		patch.Remove = lists
	}
	return patch
}

// BulkResult says which cases a bulk change touched (or would touch).
type BulkResult struct {
	Matched int      `json:"matched"`
	Changed []string `json:"changed"`
	Preview bool     `json:"preview"`
}

// CodebookChange is an admin's change to the themes: add one, rename its
// labels, merge it into another, or retire it.
type CodebookChange struct {
	Op      string `json:"op"` // add, rename, merge, retire
	Code    string `json:"code"`
	Into    string `json:"into,omitempty"` // merge target
	ZH      string `json:"zh,omitempty"`
	EN      string `json:"en,omitempty"`
	Preview bool   `json:"preview"`
}

// CodebookResult lists the cases a codebook change touches (or would).
type CodebookResult struct {
	Op       string   `json:"op"`
	Affected []string `json:"affected"`
	Preview  bool     `json:"preview"`
}

// CheckLimits checks a codebook change's text before it takes the write
// lock: its lengths, a new theme's code and labels, a merge's target.
func (ch CodebookChange) CheckLimits() error {
	var l limits
	l.text("code", ch.Code, MaxCode)
	l.text("into", ch.Into, MaxCode)
	l.text("zh", ch.ZH, MaxLabel)
	l.text("en", ch.EN, MaxLabel)
	switch ch.Op {
	case "add":
		if len(ch.Code) <= MaxCode && !codePattern(ch.Code) {
			l.bad("code", "a theme code must be lowercase ASCII letters, digits and _")
		}
		if ch.ZH == "" {
			l.bad("zh", "a new theme needs a Chinese label")
		}
		if ch.EN == "" {
			l.bad("en", "a new theme needs an English label")
		}
	case "merge":
		if ch.Into == ch.Code {
			l.bad("into", "a theme cannot be merged into itself")
		}
	}
	return l.err("codebook change")
}

// Apply makes the change to t's themes and validates the result. retag,
// nil when the cases keep their tags, edits a case's (or a policy's) themes
// to match and reports whether they changed.
func (ch CodebookChange) Apply(t *Taxonomy) (retag func(c *Case) bool, err error) {
	idx := slices.IndexFunc(t.Themes, func(v Value) bool { return v.Code == ch.Code })
	unknown := func(field, code string) error {
		return &Error{Code: ENOTFOUND, Message: "no theme " + QuoteShort(code),
			Fields: []FieldError{t.UnknownValue(field, FacetTheme, code)}}
	}
	switch ch.Op {
	case "add":
		if idx >= 0 {
			return nil, Errorf(ECONFLICT, "theme %s already exists", QuoteShort(ch.Code))
		}
		if len(t.Themes) >= MaxTaxonomyValues {
			return nil, &Error{Code: EINVALID, Message: fmt.Sprintf("the codebook holds at most %d themes: merge or retire one first", MaxTaxonomyValues),
				Fields: []FieldError{{Field: "code", Message: fmt.Sprintf("no room for another theme: at most %d themes", MaxTaxonomyValues)}}}
		}
		t.Themes = append(t.Themes, Value{Code: ch.Code, ZH: ch.ZH, EN: ch.EN})
	case "rename":
		if idx < 0 {
			return nil, unknown("code", ch.Code)
		}
		v := &t.Themes[idx]
		if ch.ZH != "" && ch.ZH != v.ZH {
			v.AliasesZH = append(v.AliasesZH, v.ZH) // the old label still finds it
			v.ZH = ch.ZH
		}
		if ch.EN != "" && ch.EN != v.EN {
			v.AliasesEN = append(v.AliasesEN, v.EN)
			v.EN = ch.EN
		}
	case "merge":
		if idx < 0 {
			return nil, unknown("code", ch.Code)
		}
		into := slices.IndexFunc(t.Themes, func(v Value) bool { return v.Code == ch.Into })
		if into < 0 {
			return nil, unknown("into", ch.Into)
		}
		from := t.Themes[idx]
		dst := &t.Themes[into]
		dst.AliasesZH = append(append(dst.AliasesZH, from.ZH), from.AliasesZH...)
		dst.AliasesEN = append(append(dst.AliasesEN, from.EN), from.AliasesEN...)
		t.Themes = slices.Delete(t.Themes, idx, idx+1)
		retag = func(c *Case) bool {
			if !slices.Contains(c.Themes, ch.Code) {
				return false
			}
			for i, th := range c.Themes {
				if th == ch.Code {
					c.Themes[i] = ch.Into
				}
			}
			return true
		}
	case "retire":
		if idx < 0 {
			return nil, unknown("code", ch.Code)
		}
		t.Themes = slices.Delete(t.Themes, idx, idx+1)
		retag = func(c *Case) bool {
			n := len(c.Themes)
			c.Themes = slices.DeleteFunc(c.Themes, func(th string) bool { return th == ch.Code })
			return len(c.Themes) != n
		}
	default:
		return nil, &Error{Code: EINVALID, Message: "unknown codebook operation " + QuoteShort(ch.Op),
			Fields: []FieldError{{Field: "op", Message: "unknown operation", Allowed: AllowedCodes("add", "rename", "merge", "retire")}}}
	}
	if err := t.Validate(); err != nil {
		return nil, err
	}
	return retag, nil
}
