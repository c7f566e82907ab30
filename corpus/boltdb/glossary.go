package boltdb

import (
	"context"
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"casebank/corpus"
)

var keyGlossary = []byte("glossary")

// Glossary returns the stored glossary, or the embedded default.
func (s *Store) Glossary() (*corpus.Glossary, error) {
	var g *corpus.Glossary
	err := s.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketTaxonomy).Get(keyGlossary)
		if v == nil {
			g = corpus.DefaultGlossary()
			return nil
		}
		g = &corpus.Glossary{}
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
func (s *Store) PutGlossary(ctx context.Context, g *corpus.Glossary, by string) error {
	if err := g.Validate(); err != nil {
		return err
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		if err := putJSON(tx.Bucket(bucketTaxonomy), keyGlossary, g); err != nil {
			return fmt.Errorf("store: put glossary: %w", err)
		}
		_, err := s.appendChange(tx, corpus.OpGlossaryPut, "glossary", by)
		return err
	})
}
