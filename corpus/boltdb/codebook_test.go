package boltdb_test

import (
	"slices"
	"testing"

	"casebank/corpus"
	"casebank/corpus/boltdb"
	"casebank/corpus/boltdb/bolttest"
)

func caseIDs(cases []*corpus.Case) []string {
	ids := make([]string, len(cases))
	for i, c := range cases {
		ids[i] = c.ID
	}
	return ids
}

// A codebook change over an index's candidates re-reads them and every case
// the log changed after the index's sequence, so that it touches exactly the
// cases a full scan would: one that gained the theme since is taken, one
// that lost it, a deleted one and one the index named wrongly are not.
func TestCodebookCandidatesAreCheckedInTheStore(t *testing.T) {
	s := bolttest.MustOpenStore(t, true)
	green, err := s.FindCases(ctx, corpus.Filter{corpus.FacetTheme: {"green"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(green) < 3 {
		t.Fatalf("the seed has %d green cases, the test needs 3", len(green))
	}
	others, err := s.FindCases(ctx, corpus.Filter{corpus.FacetTheme: {"risk"}})
	if err != nil {
		t.Fatal(err)
	}
	others = slices.DeleteFunc(others, func(c *corpus.Case) bool { return slices.Contains(c.Themes, "green") })
	// What an index that applied the log up to seq would name, and one id it
	// names wrongly.
	seq, err := s.LastSeq()
	if err != nil {
		t.Fatal(err)
	}
	cand := &boltdb.Candidates{IDs: append(caseIDs(green), others[1].ID), Seq: seq}

	gained, lost, deleted := others[0], green[0], green[1]
	if _, err := s.PatchTags(ctx, gained.ID, corpus.TagPatch{Add: corpus.TagLists{Themes: []string{"green"}}}, "ed"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PatchTags(ctx, lost.ID, corpus.TagPatch{SetThemes: []string{"risk"}}, "ed"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteCase(ctx, deleted.ID, 0, "admin"); err != nil {
		t.Fatal(err)
	}
	now, err := s.FindCases(ctx, corpus.Filter{corpus.FacetTheme: {"green"}})
	if err != nil {
		t.Fatal(err)
	}
	want := caseIDs(now) // in id order, as a full scan finds them
	if !slices.Contains(want, gained.ID) || slices.Contains(want, lost.ID) || slices.Contains(want, deleted.ID) {
		t.Fatalf("the store's green cases %v", want)
	}

	merge := corpus.CodebookChange{Op: "merge", Code: "green", Into: "inclusive", Preview: true}
	full, err := s.ChangeCodebook(ctx, merge, "admin")
	if err != nil {
		t.Fatal(err)
	}
	preview, err := s.ChangeCodebookOf(ctx, merge, "admin", cand)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(full.Affected, want) || !slices.Equal(preview.Affected, want) {
		t.Fatalf("preview over candidates %v, full scan %v, want %v", preview.Affected, full.Affected, want)
	}
	// An index ahead of the store is not believed: every case is read.
	ahead, err := s.ChangeCodebookOf(ctx, merge, "admin", &boltdb.Candidates{Seq: seq + 1000})
	if err != nil || !slices.Equal(ahead.Affected, want) {
		t.Fatalf("candidates ahead of the log: %v %v, want %v", ahead, err, want)
	}
	if left, _ := s.FindCases(ctx, corpus.Filter{corpus.FacetTheme: {"green"}}); len(left) != len(want) {
		t.Fatal("a preview changed cases")
	}

	merge.Preview = false
	before, _ := s.LastSeq()
	res, err := s.ChangeCodebookOf(ctx, merge, "admin", cand)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Affected, want) {
		t.Fatalf("merged %v, previewed %v", res.Affected, want)
	}
	if left, _ := s.FindCases(ctx, corpus.Filter{corpus.FacetTheme: {"green"}}); len(left) != 0 {
		t.Fatalf("%d cases still green", len(left))
	}
	// One transaction: the taxonomy's entry and one per case, each in its
	// case's history.
	after, _ := s.LastSeq()
	if after-before < uint64(1+len(want)) {
		t.Fatalf("%d log entries for a merge of %d cases", after-before, len(want))
	}
	for _, id := range want {
		h, err := s.History(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if last := h[len(h)-1]; last.Op != corpus.HistCodebook || last.Note != "merge theme green inclusive" {
			t.Fatalf("%s: last history entry %+v", id, last)
		}
	}
	tax, _ := s.Taxonomy()
	if tax.Has(corpus.FacetTheme, "green") {
		t.Fatal("green is still in the codebook")
	}
}
