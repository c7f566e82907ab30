package corpus

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// Resolve returns the code that v names in a taxonomy list: the code
// itself, or a zh or en label or alias of it, in any letter case. Users
// write as they speak: 人工智能, "Tech finance" and ai all name a theme.
func (t *Taxonomy) Resolve(kind, v string) (string, bool) {
	vals := t.Values(kind)
	for _, val := range vals { // codes first: most writes give them
		if val.Code == v {
			return v, true
		}
	}
	v = strings.TrimSpace(v)
	for _, val := range vals {
		if strings.EqualFold(val.Code, v) || strings.EqualFold(val.ZH, v) || strings.EqualFold(val.EN, v) {
			return val.Code, true
		}
		for _, a := range val.AliasesZH {
			if strings.EqualFold(a, v) {
				return val.Code, true
			}
		}
		for _, a := range val.AliasesEN {
			if strings.EqualFold(a, v) {
				return val.Code, true
			}
		}
	}
	return "", false
}

// resolveAll puts the code in place of every value of vals that names one,
// keeping the others (validation reports them) and dropping repeats.
func (t *Taxonomy) resolveAll(kind string, vals []string) []string {
	for i, v := range vals {
		if code, ok := t.Resolve(kind, v); ok {
			vals[i] = code
		}
	}
	return dedupe(vals)
}

// resolveOne is resolveAll for one value.
func (t *Taxonomy) resolveOne(kind, v string) string {
	if code, ok := t.Resolve(kind, v); ok {
		return code
	}
	return v
}

// How many allowed values an error gives: a field error lists a list whole
// up to allowedWhole values, else the allowedNear closest to the value given
// and counts the rest (regions are 40); a message names a list whole up to
// allowedInMessage values, else the closest allowedInMessage/2.
const (
	allowedWhole     = 30
	allowedNear      = 10
	allowedInMessage = 10
)

// UnknownValue is the field error for values of kind that no code, label or
// alias matches: its message names them, the closest value when one is
// near (for a single value), and a short form of the allowed values; its
// Allowed lists them with their labels, the closest first, capped for a
// long list (AllowedMore counts the rest: GET /api/v1/taxonomy has them
// all).
func (t *Taxonomy) UnknownValue(field, kind string, vals ...string) FieldError {
	name := strings.ReplaceAll(kind, "_", " ")
	msg := "unknown " + name + " " + quoteSome(vals)
	near := ""
	if len(vals) == 1 {
		near = vals[0]
		if v, ok := t.closest(kind, vals[0]); ok {
			msg += fmt.Sprintf("; did you mean %s (%s, %s)?", v.Code, v.ZH, v.EN)
		}
	}
	return t.withAllowed(FieldError{Field: field, Message: msg}, kind, near)
}

// NeedsValue is the field error for a list of kind that must not be empty.
func (t *Taxonomy) NeedsValue(field, kind string) FieldError {
	return t.withAllowed(FieldError{Field: field, Message: "needs at least one " + strings.ReplaceAll(kind, "_", " ")}, kind, "")
}

// withAllowed adds kind's allowed values to f, in its Allowed and in short
// in its message; near, when not "", is the value given.
func (t *Taxonomy) withAllowed(f FieldError, kind, near string) FieldError {
	// A list given whole keeps the taxonomy's order; a cut one starts with
	// the values nearest to what was given.
	vals, ranked := t.Values(kind), t.ranked(kind, near)
	listed := vals
	if len(vals) > allowedWhole {
		listed = ranked[:allowedNear]
	}
	f.Allowed = make([]AllowedValue, len(listed))
	for i, v := range listed {
		f.Allowed[i] = AllowedValue{Code: v.Code, ZH: v.ZH, EN: v.EN}
	}
	f.AllowedMore = len(vals) - len(listed)
	shown := vals
	if len(vals) > allowedInMessage {
		shown = ranked[:allowedInMessage/2]
	}
	parts := make([]string, len(shown))
	for i, v := range shown {
		parts[i] = v.Code + " " + v.ZH + " " + v.EN
	}
	f.Message += "; allowed: " + strings.Join(parts, ", ")
	if n := len(vals) - len(shown); n > 0 {
		f.Message += fmt.Sprintf(" and %d more (GET /api/v1/taxonomy lists all)", n)
	}
	return f
}

// ranked returns kind's values, the nearest to near first (by the edit
// distance of their nearest code, label or alias) when one is near enough
// to be a slip, else in taxonomy order.
func (t *Taxonomy) ranked(kind, near string) []Value {
	vals := slices.Clone(t.Values(kind))
	if _, ok := t.closest(kind, near); !ok {
		return vals // nothing is near: a ranking would look arbitrary
	}
	near = strings.ToLower(strings.TrimSpace(near))
	dist := make(map[string]int, len(vals))
	for _, v := range vals {
		d := -1
		for _, name := range v.names() {
			if e := editDistance(near, strings.ToLower(name)); d < 0 || e < d {
				d = e
			}
		}
		dist[v.Code] = d
	}
	slices.SortStableFunc(vals, func(a, b Value) int { return dist[a.Code] - dist[b.Code] })
	return vals
}

// names returns a value's code, labels and aliases.
func (v Value) names() []string {
	names := append([]string{v.Code, v.ZH, v.EN}, v.AliasesZH...)
	return append(names, v.AliasesEN...)
}

// closest finds the value whose code, label or alias is nearest to v by edit
// distance, when it is near enough to be a slip: a third of v's length.
func (t *Taxonomy) closest(kind, v string) (Value, bool) {
	v = strings.ToLower(strings.TrimSpace(v))
	n := utf8.RuneCountInString(v)
	if n == 0 || n > MaxLabel {
		return Value{}, false
	}
	best, bestDist := Value{}, max(1, n/3)+1
	for _, val := range t.Values(kind) {
		for _, name := range val.names() {
			if d := editDistance(v, strings.ToLower(name)); d < bestDist {
				best, bestDist = val, d
			}
		}
	}
	return best, best.Code != ""
}

// editDistance is the Levenshtein distance between a and b, in runes.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
