package corpus

import (
	"encoding/json"
	"fmt"
	"strings"
)

// GlossaryEntry is a group of equivalent terms: English words and phrases
// and the Chinese terms they mean. An entry without English terms is a group
// of Chinese synonyms.
type GlossaryEntry struct {
	EN []string `json:"en"`
	ZH []string `json:"zh"`
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
