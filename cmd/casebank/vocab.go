package main

import (
	"context"

	"casebank/corpus"
)

// storeVocabulary is what the suggester and the linter read from a store:
// every case, and the codebook they are judged against.
type storeVocabulary struct {
	cases []*corpus.Case
	tax   *corpus.Taxonomy
	gloss *corpus.Glossary
	banks []*corpus.Bank
}

func (d *data) vocabulary(ctx context.Context) (*storeVocabulary, error) {
	var v storeVocabulary
	var err error
	if v.cases, err = d.store.FindCases(ctx, corpus.Filter{}); err != nil {
		return nil, err
	}
	if v.tax, err = d.store.Taxonomy(); err != nil {
		return nil, err
	}
	if v.gloss, err = d.store.Glossary(); err != nil {
		return nil, err
	}
	if v.banks, err = d.store.FindBanks(ctx); err != nil {
		return nil, err
	}
	return &v, nil
}
