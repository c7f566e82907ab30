package tagger_test

import (
	"testing"
	"unicode/utf8"

	"casebank/corpus/tagger"
)

// Any text gets an answer: the subject reading slices the text by the
// names and clauses it finds, and names may hold commas or end a text.
func FuzzSuggest(f *testing.F) {
	m := seedTrainingSet(f).model()
	for _, seed := range []string{"某城商行", "alliance, association or non-bank", "我行作为", "工商银行、", "等", "A city commercial bank.", "阿里云为，某农商行", "the bank's", "农商行农商行的联盟", "ai", "village banks,"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if !utf8.ValidString(text) || utf8.RuneCountInString(text) > tagger.MaxDraftRunes {
			return
		}
		sg := m.Suggest(tagger.Draft{Text: text}, nil, "")
		if len(sg.BankType) != 1 || sg.BankType[0].Reason == "" {
			t.Fatalf("%q: bank type %+v", text, sg.BankType)
		}
	})
}
