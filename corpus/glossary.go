package corpus

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	bolt "go.etcd.io/bbolt"
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

var keyGlossary = []byte("glossary")

// Validate checks that every entry has Chinese terms and that no English
// term belongs to two entries.
func (g *Glossary) Validate() error {
	seen := map[string]int{}
	for i, e := range g.Entries {
		if len(e.ZH) == 0 {
			return Errorf(EINVALID, "glossary entry %d (%s) has no Chinese terms", i+1, strings.Join(e.EN, ", "))
		}
		for _, en := range e.EN {
			k := strings.ToLower(strings.TrimSpace(en))
			if j, ok := seen[k]; ok {
				return Errorf(EINVALID, "glossary: %q is in entries %d and %d", en, j+1, i+1)
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

// Glossary returns the stored glossary, or the embedded default.
func (s *Store) Glossary() (*Glossary, error) {
	var g *Glossary
	err := s.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketTaxonomy).Get(keyGlossary)
		if v == nil {
			g = DefaultGlossary()
			return nil
		}
		g = &Glossary{}
		if err := json.Unmarshal(v, g); err != nil {
			return damagedRecord("the glossary", "", err)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: glossary: %w", err)
	}
	return g, nil
}

// PutGlossary replaces the glossary.
func (s *Store) PutGlossary(ctx context.Context, g *Glossary, by string) error {
	if err := g.Validate(); err != nil {
		return err
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		if err := putJSON(tx.Bucket(bucketTaxonomy), keyGlossary, g); err != nil {
			return fmt.Errorf("store: put glossary: %w", err)
		}
		_, err := s.appendChange(tx, OpGlossaryPut, "glossary", by)
		return err
	})
}
