package tagger_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"casebank/corpus"
	"casebank/corpus/boltdb"
	"casebank/corpus/boltdb/bolttest"
	"casebank/corpus/tagger"
)

var ctx = context.Background()

// newSuggester opens a seeded store and a suggester of it, both closed
// when the test ends (the suggester first).
func newSuggester(tb testing.TB) (*boltdb.Store, *tagger.Suggester) {
	tb.Helper()
	s := bolttest.MustOpenStore(tb, true)
	tg := tagger.New(s)
	tb.Cleanup(tg.Close)
	return s, tg
}

// trainingSet is what a model is trained on: a store's cases, taxonomy,
// glossary and banks.
type trainingSet struct {
	cases []*corpus.Case
	tax   *corpus.Taxonomy
	gloss *corpus.Glossary
	banks []*corpus.Bank
}

// seedTrainingSet reads the training set of a store seeded with the
// embedded corpus.
func seedTrainingSet(tb testing.TB) trainingSet {
	tb.Helper()
	s := bolttest.MustOpenStore(tb, true)
	var ts trainingSet
	var err error
	if ts.cases, err = s.FindCases(ctx, corpus.Filter{}); err != nil {
		tb.Fatal(err)
	}
	if ts.tax, err = s.Taxonomy(); err != nil {
		tb.Fatal(err)
	}
	if ts.gloss, err = s.Glossary(); err != nil {
		tb.Fatal(err)
	}
	if ts.banks, err = s.FindBanks(ctx); err != nil {
		tb.Fatal(err)
	}
	return ts
}

func (ts trainingSet) model() *tagger.Model {
	return tagger.NewModel(ts.cases, ts.tax, ts.gloss, ts.banks)
}

// The model is trained once per store generation, not per request; a write
// makes the next request start one new training while the old model answers.
func TestTagModelIsTrainedOncePerGeneration(t *testing.T) {
	s, tg := newSuggester(t)
	draft := tagger.Draft{Text: "某城商行部署大模型智能客服"}
	seq, _ := s.LastSeq()
	for range 5 {
		sg, err := tg.Suggest(ctx, draft)
		if err != nil {
			t.Fatal(err)
		}
		if sg.Model.Seq != seq || sg.Model.Cases < 100 {
			t.Fatalf("model %+v, store at %d", sg.Model, seq)
		}
	}
	if n := tg.Builds(); n != 1 {
		t.Fatalf("%d trainings for five requests on one generation", n)
	}
	if _, err := s.CreateCase(ctx, bolttest.NewCase("model-gen", "jiangsu-bank", "新案例", "江苏银行上线知识图谱。"), "t"); err != nil {
		t.Fatal(err)
	}
	now, _ := s.LastSeq()
	deadline := time.Now().Add(30 * time.Second) // a hang guard, not a speed target
	for {
		sg, err := tg.Suggest(ctx, draft)
		if err != nil {
			t.Fatal(err)
		}
		if sg.Model.Seq == now {
			if sg.Model.Cases != 115 {
				t.Fatalf("retrained on %d cases", sg.Model.Cases)
			}
			break
		}
		if sg.Model.Seq != seq {
			t.Fatalf("model at %d, neither %d nor %d", sg.Model.Seq, seq, now)
		}
		if time.Now().After(deadline) {
			t.Fatal("the model never caught up with the write")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if n := tg.Builds(); n != 2 {
		t.Fatalf("%d trainings after one write", n)
	}
}

// A draft is bounded, and so is the answer.
func TestSuggestTagsBounds(t *testing.T) {
	s, tg := newSuggester(t)
	long := strings.Repeat("数", tagger.MaxDraftRunes+1)
	if _, err := tg.Suggest(ctx, tagger.Draft{Text: long}); corpus.ErrorCode(err) != corpus.EINVALID {
		t.Fatalf("a draft of %d characters: %v", tagger.MaxDraftRunes+1, err)
	}
	// Every label and alias of the codebook in one draft, as long as allowed.
	tax, _ := s.Taxonomy()
	var b strings.Builder
	for _, kind := range corpus.TaxonomyLists {
		for _, v := range tax.Values(kind) {
			for _, n := range append(append([]string{v.ZH, v.EN}, v.AliasesZH...), v.AliasesEN...) {
				b.WriteString(strings.Repeat(n+"，", 3))
			}
		}
	}
	text := []rune(b.String())
	sg, err := tg.Suggest(ctx, tagger.Draft{Text: string(text[:min(len(text), tagger.MaxDraftRunes)])})
	if err != nil {
		t.Fatal(err)
	}
	for _, list := range [][]tagger.Suggestion{sg.Dimensions, sg.Themes, sg.BankType} {
		for _, s := range list {
			if len(s.Evidence) > 6 || len(s.Matched) > 8 || len([]rune(s.Sentence)) > 200 {
				t.Fatalf("%s %s: %d evidence, %d matched, sentence of %d", s.Kind, s.Code, len(s.Evidence), len(s.Matched), len([]rune(s.Sentence)))
			}
		}
	}
}
