package corpus

import (
	"fmt"
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

// unknownValue words the error for a value no code, label or alias of the
// list matches, with the closest one when something is close.
func (t *Taxonomy) unknownValue(kind string, vals []string) string {
	name := strings.ReplaceAll(kind, "_", " ")
	msg := "unknown " + name + " " + quoteSome(vals)
	if len(vals) == 1 {
		if v, ok := t.closest(kind, vals[0]); ok {
			msg += fmt.Sprintf("; did you mean %s (%s, %s)?", v.Code, v.ZH, v.EN)
		}
	}
	return msg
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
		names := append([]string{val.Code, val.ZH, val.EN}, val.AliasesZH...)
		for _, name := range append(names, val.AliasesEN...) {
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
