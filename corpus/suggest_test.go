package corpus_test

import (
	"strings"
	"testing"
	"time"

	"casebank/corpus"
	"casebank/corpus/corpustest"
)

// The model is trained once per store generation, not per request; a write
// makes the next request start one new training while the old model answers.
func TestTagModelIsTrainedOncePerGeneration(t *testing.T) {
	s := corpustest.MustOpenStore(t, true)
	draft := corpus.TagDraft{Text: "某城商行部署大模型智能客服"}
	seq, _ := s.LastSeq()
	for range 5 {
		sg, err := s.SuggestTags(ctx, draft)
		if err != nil {
			t.Fatal(err)
		}
		if sg.Model.Seq != seq || sg.Model.Cases < 100 {
			t.Fatalf("model %+v, store at %d", sg.Model, seq)
		}
	}
	if n := s.TagModelBuilds(); n != 1 {
		t.Fatalf("%d trainings for five requests on one generation", n)
	}
	if _, err := s.CreateCase(ctx, corpustest.NewCase("model-gen", "jiangsu-bank", "新案例", "江苏银行上线知识图谱。"), "t"); err != nil {
		t.Fatal(err)
	}
	now, _ := s.LastSeq()
	deadline := time.Now().Add(30 * time.Second) // a hang guard, not a speed target
	for {
		sg, err := s.SuggestTags(ctx, draft)
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
	if n := s.TagModelBuilds(); n != 2 {
		t.Fatalf("%d trainings after one write", n)
	}
}

// A draft is bounded, and so is the answer.
func TestSuggestTagsBounds(t *testing.T) {
	s := corpustest.MustOpenStore(t, true)
	long := strings.Repeat("数", corpus.MaxDraftRunes+1)
	if _, err := s.SuggestTags(ctx, corpus.TagDraft{Text: long}); corpus.ErrorCode(err) != corpus.EINVALID {
		t.Fatalf("a draft of %d characters: %v", corpus.MaxDraftRunes+1, err)
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
	sg, err := s.SuggestTags(ctx, corpus.TagDraft{Text: string(text[:min(len(text), corpus.MaxDraftRunes)])})
	if err != nil {
		t.Fatal(err)
	}
	for _, list := range [][]corpus.TagSuggestion{sg.Dimensions, sg.Themes, sg.BankType} {
		for _, s := range list {
			if len(s.Evidence) > 6 || len(s.Matched) > 8 || len([]rune(s.Sentence)) > 200 {
				t.Fatalf("%s %s: %d evidence, %d matched, sentence of %d", s.Kind, s.Code, len(s.Evidence), len(s.Matched), len([]rune(s.Sentence)))
			}
		}
	}
}
