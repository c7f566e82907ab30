package corpus

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode"
)

// GlossaryEntry is a concept: its equivalent terms, English words and
// phrases and the Chinese terms they mean (an entry without English terms is
// a group of Chinese synonyms), and its links. Broader and Related name
// other entries by one of their terms; Themes are the taxonomy themes the
// concept belongs to (a model or vendor → its category).
type GlossaryEntry struct {
	EN      []string `json:"en"`
	ZH      []string `json:"zh"`
	Broader []string `json:"broader,omitempty"`
	Related []string `json:"related,omitempty"`
	Themes  []string `json:"themes,omitempty"`
}

// Terms returns the entry's Chinese and English terms.
func (e *GlossaryEntry) Terms() []string { return append(append([]string{}, e.ZH...), e.EN...) }

// Find returns the index of the entry with the term (English ignoring
// case), or -1.
func (g *Glossary) Find(term string) int { return g.Finder()(term) }

// Finder returns Find over an index of the terms built once: the query
// vocabulary finds every entry's broader and related terms, and a scan of
// all terms for each was 50 ms of its build.
func (g *Glossary) Finder() func(term string) int {
	first := map[string]int{}
	for i := range g.Entries {
		for _, t := range g.Entries[i].Terms() {
			k := foldKey(strings.TrimSpace(t))
			if _, ok := first[k]; !ok {
				first[k] = i
			}
		}
	}
	return func(term string) int {
		if i, ok := first[foldKey(strings.TrimSpace(term))]; ok {
			return i
		}
		return -1
	}
}

// foldKey is s with each letter replaced by the least of its case
// variants: two strings have the same key exactly when strings.EqualFold
// says they are equal.
func foldKey(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		least := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			least = min(least, f)
		}
		b.WriteRune(least)
	}
	return b.String()
}

// Glossary is the bilingual domain vocabulary that query understanding
// expands English queries and Chinese synonyms through. Like the taxonomy it
// is data: the default is embedded, admins may replace it.
type Glossary struct {
	Entries []GlossaryEntry `json:"entries"`
}

// Validate checks that every entry has Chinese terms and that no English
// term belongs to two entries.
func (g *Glossary) Validate() error {
	var l limits
	if l.count("entries", len(g.Entries), MaxGlossaryEntries) {
		for i, e := range g.Entries {
			l.list(fmt.Sprintf("entries[%d].en", i), e.EN, MaxLabelAliases, MaxLabel)
			l.list(fmt.Sprintf("entries[%d].zh", i), e.ZH, MaxLabelAliases, MaxLabel)
			l.list(fmt.Sprintf("entries[%d].broader", i), e.Broader, MaxLabelAliases, MaxLabel)
			l.list(fmt.Sprintf("entries[%d].related", i), e.Related, MaxLabelAliases, MaxLabel)
			l.list(fmt.Sprintf("entries[%d].themes", i), e.Themes, MaxLabelAliases, MaxCode)
		}
	}
	if err := l.err("glossary"); err != nil {
		return err
	}
	seen := map[string]int{}
	for i, e := range g.Entries {
		if len(e.ZH) == 0 {
			return &Error{Code: EINVALID, Message: fmt.Sprintf("glossary entry %d (%s) has no Chinese terms", i+1, strings.Join(e.EN, ", ")),
				Fields: []FieldError{{Field: fmt.Sprintf("entries[%d].zh", i), Message: "needs at least one Chinese term"}}}
		}
		for _, en := range e.EN {
			k := strings.ToLower(strings.TrimSpace(en))
			if j, ok := seen[k]; ok {
				return &Error{Code: EINVALID, Message: fmt.Sprintf("glossary: %q is in entries %d and %d", en, j+1, i+1),
					Fields: []FieldError{{Field: fmt.Sprintf("entries[%d].en", i), Message: fmt.Sprintf("%q is in entry %d already", en, j+1)}}}
			}
			seen[k] = i
		}
	}
	// A link names another entry by one of its terms: one that names none
	// is a typo that would silently link nothing.
	index := map[string]int{}
	for i, e := range g.Entries {
		for _, t := range e.Terms() {
			if k := strings.ToLower(strings.TrimSpace(t)); k != "" {
				if _, ok := index[k]; !ok {
					index[k] = i
				}
			}
		}
	}
	for i, e := range g.Entries {
		for _, link := range []struct {
			field string
			terms []string
		}{{"broader", e.Broader}, {"related", e.Related}} {
			for _, t := range link.terms {
				if j, ok := index[strings.ToLower(strings.TrimSpace(t))]; !ok || j == i {
					return &Error{Code: EINVALID, Message: fmt.Sprintf("glossary entry %d: %s %q names no other entry", i+1, link.field, t),
						Fields: []FieldError{{Field: fmt.Sprintf("entries[%d].%s", i, link.field), Message: fmt.Sprintf("%q is not a term of another entry", t)}}}
				}
			}
		}
	}
	return nil
}

// DefaultGlossary returns a fresh copy of the embedded glossary.
func DefaultGlossary() *Glossary {
	data, err := seedFS.ReadFile("seed/glossary.json")
	if err != nil {
		panic(fmt.Sprintf("corpus: embedded glossary: %v", err))
	}
	var g Glossary
	if err := json.Unmarshal(data, &g); err != nil {
		panic(fmt.Sprintf("corpus: embedded glossary: %v", err))
	}
	return &g
}
