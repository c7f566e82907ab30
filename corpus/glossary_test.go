package corpus_test

import (
	"strings"
	"testing"
	"unicode"

	"casebank/corpus"
)

// findByScan is Find as it was: every term compared in turn.
func findByScan(g *corpus.Glossary, term string) int {
	term = strings.TrimSpace(term)
	for i := range g.Entries {
		for _, t := range g.Entries[i].Terms() {
			if strings.EqualFold(strings.TrimSpace(t), term) {
				return i
			}
		}
	}
	return -1
}

// Find answers as a scan of every term would: the first entry holding the
// term, English in any case, spaces around ignored, and -1 for none.
func TestGlossaryFindIsTheScan(t *testing.T) {
	g := corpus.DefaultGlossary()
	g.Entries = append(g.Entries,
		corpus.GlossaryEntry{EN: []string{"Kelvin", "straße"}, ZH: []string{"开尔文"}},
		corpus.GlossaryEntry{EN: []string{"ſtate"}, ZH: []string{"状态"}},
		corpus.GlossaryEntry{EN: []string{" padded "}, ZH: []string{"数字化转型"}}, // a term an earlier entry holds
	)
	find := g.Finder()
	var terms []string
	for i, e := range g.Entries {
		if i%10 != 0 && i < len(g.Entries)-3 {
			continue // a tenth of the glossary and the entries above: the scan is slow
		}
		for _, term := range append(e.Terms(), e.Broader...) {
			terms = append(terms, term, strings.ToUpper(term), strings.ToLower(term), " "+term+"\t",
				strings.Map(unicode.ToTitle, term), term+"x")
		}
	}
	terms = append(terms, "", " ", "\u212Aelvin", "STATE", "state", "STRASSE", "padded", "\xff", "不存在的词")
	found := 0
	for i, term := range terms {
		want := findByScan(g, term)
		if got := find(term); got != want {
			t.Errorf("Finder(%q) = %d, want %d", term, got, want)
		}
		// Find builds the index for each term: a few are enough.
		if i%50 == 0 || i >= len(terms)-9 {
			if got := g.Find(term); got != want {
				t.Errorf("Find(%q) = %d, want %d", term, got, want)
			}
		}
		if want >= 0 {
			found++
		}
	}
	if found < len(terms)/2 {
		t.Fatalf("only %d of %d terms found: the test finds nothing", found, len(terms))
	}
}
