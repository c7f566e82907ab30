package index

import (
	"context"

	"casebank/corpus"
)

// FragmentWidth and RuneWidth are the evidence fragments' bounds.
const FragmentWidth = fragmentWidth

var RuneWidth = runeWidth

// MarkEvidence marks in fields the exact words and the English words whose
// stems are stems, as a search's marker does with an's stemming.
func MarkEvidence(exact []string, stems []string, an Analyzer, fields map[string]string) map[string][]string {
	m := &marker{exact: exact, stems: map[string]bool{}}
	for _, s := range stems {
		m.stems[s] = true
	}
	m.prepare(an)
	return m.evidence(fields)
}

// Understand reads a query as a search of a page of size would, without
// running it: the plan and the filters inferred.
func Understand(ix *Index, q string, size int) (*Plan, []Inferred, error) {
	u, err := ix.understand(context.Background(), Request{Text: q}, size)
	if err != nil {
		return nil, nil, err
	}
	return u.plan, u.inferred, nil
}

// EngineOf is the index's engine.
func EngineOf(ix *Index) Engine { return ix.engine }

// BuildVocabulary builds the query vocabulary, as a search does after a
// bank, the taxonomy or the glossary changed.
func BuildVocabulary(tax *corpus.Taxonomy, banks []*corpus.Bank, gloss *corpus.Glossary) {
	buildVocabulary(tax, banks, gloss)
}
