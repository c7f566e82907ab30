package app_test

import (
	"context"
	"log/slog"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"casebank/corpus"
	"casebank/corpus/app"
	"casebank/corpus/boltdb"
	"casebank/corpus/boltdb/bolttest"
	"casebank/index"
	"casebank/index/bleveengine"
)

// openService opens the store at dir, seeded with the default corpus when
// seed is true, and then its index; closeAll closes them, as the test's end
// does.
func openService(t *testing.T, dir string, seed bool) (svc *app.Service, store *boltdb.Store, closeAll func()) {
	t.Helper()
	ctx := context.Background()
	store, err := boltdb.Open(filepath.Join(dir, boltdb.StoreFile), boltdb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if seed {
		if err := store.SeedDefault(ctx); err != nil {
			store.Close()
			t.Fatal(err)
		}
	}
	logger := slog.New(slog.DiscardHandler)
	ix, err := index.Open(ctx, bleveengine.New(dir), store, logger)
	if err != nil {
		store.Close()
		t.Fatal(err)
	}
	svc = app.New(store, ix, logger)
	closeAll = sync.OnceFunc(func() {
		svc.Close()
		ix.Close()
		store.Close()
	})
	t.Cleanup(closeAll)
	return svc, store, closeAll
}

func greenIDs(t *testing.T, store *boltdb.Store) []string {
	t.Helper()
	cases, err := store.FindCases(context.Background(), corpus.Filter{corpus.FacetTheme: {"green"}})
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]string, len(cases))
	for i, c := range cases {
		ids[i] = c.ID
	}
	return ids
}

// A merge's preview and the merge touch the same cases, those the store
// holds with the theme, found through the index: a case retagged in the
// store that the index has not taken yet is among them.
func TestCodebookPreviewAndApplyAgree(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	svc, store, _ := openService(t, dir, true)
	// Written to the store alone: the index is a write behind.
	patch := corpus.TagPatch{Add: corpus.TagLists{Themes: []string{"green"}}}
	if _, err := store.PatchTags(ctx, "r2025-t1-4-jiangsu-bank", patch, "ed"); err != nil {
		t.Fatal(err)
	}
	want := greenIDs(t, store)
	if !slices.Contains(want, "r2025-t1-4-jiangsu-bank") || len(want) < 2 {
		t.Fatalf("green cases %v", want)
	}

	merge := corpus.CodebookChange{Op: "merge", Code: "green", Into: "inclusive", Preview: true}
	preview, w, err := svc.ChangeCodebook(ctx, merge, "admin")
	if err != nil || w.Later() {
		t.Fatalf("preview: %v %v", err, w.Behind)
	}
	if !slices.Equal(preview.Affected, want) {
		t.Fatalf("previewed %v, the store's green cases %v", preview.Affected, want)
	}
	if got := greenIDs(t, store); !slices.Equal(got, want) {
		t.Fatal("the preview changed cases")
	}
	merge.Preview = false
	res, w, err := svc.ChangeCodebook(ctx, merge, "admin")
	if err != nil || w.Later() {
		t.Fatalf("merge: %v %v", err, w.Behind)
	}
	if !slices.Equal(res.Affected, preview.Affected) {
		t.Fatalf("merged %v, previewed %v", res.Affected, preview.Affected)
	}
	if left := greenIDs(t, store); len(left) != 0 {
		t.Fatalf("still green: %v", left)
	}
	ids, err := svc.SearchIDs(ctx, index.Request{Filter: corpus.Filter{corpus.FacetTheme: {"inclusive"}}}, 10_000)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range want {
		if !slices.Contains(ids, id) {
			t.Errorf("merged case %s not found under inclusive", id)
		}
	}
	// The theme is gone: a second merge is refused by the store, naming it.
	if _, _, err := svc.ChangeCodebook(ctx, merge, "admin"); corpus.ErrorCode(err) != corpus.ENOTFOUND {
		t.Fatalf("merge of a merged theme: %v", err)
	}
}

// A codebook preview reads only the cases of its theme: a case damaged
// elsewhere in the store does not stop it (a preview that decoded every case
// failed on it, as it took 19 s at 100,000 cases).
func TestCodebookPreviewReadsOnlyItsThemesCases(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, boltdb.StoreFile)
	const marker = "DAMAGE-MARKER-c0de"
	func() {
		svc, _, closeAll := openService(t, dir, true)
		defer closeAll()
		c := bolttest.NewCase("damaged-case", "jiangsu-bank", "损坏测试", marker+" 正文")
		c.Themes = []string{"risk"}
		if _, _, err := svc.CreateCase(ctx, c, nil, "ed"); err != nil {
			t.Fatal(err)
		}
	}()
	bolttest.DamageValue(t, path, marker)
	svc, store, _ := openService(t, dir, false)
	if _, err := store.FindCaseByID(ctx, "damaged-case"); corpus.ErrorCode(err) != corpus.EUNAVAILABLE {
		t.Fatalf("the damaged case reads: %v", err)
	}
	var want []string // the green cases, as the index and the store agree
	for _, ch := range []corpus.CodebookChange{
		{Op: "merge", Code: "green", Into: "inclusive", Preview: true},
		{Op: "retire", Code: "green", Preview: true},
	} {
		res, _, err := svc.ChangeCodebook(ctx, ch, "admin")
		if err != nil {
			t.Fatalf("%s preview: %v", ch.Op, err)
		}
		if len(res.Affected) == 0 || slices.Contains(res.Affected, "damaged-case") {
			t.Fatalf("%s preview: %v", ch.Op, res.Affected)
		}
		want = res.Affected
	}
	ids, err := svc.SearchIDs(ctx, index.Request{Filter: corpus.Filter{corpus.FacetTheme: {"green"}}}, 10_000)
	if err != nil {
		t.Fatal(err)
	}
	if slices.Sort(ids); !slices.Equal(ids, want) {
		t.Fatalf("previewed %v, the index's green cases %v", want, ids)
	}
	// The store's own full scan still finds the damage.
	if _, err := store.ChangeCodebook(ctx, corpus.CodebookChange{Op: "retire", Code: "green", Preview: true}, "admin"); corpus.ErrorCode(err) != corpus.EUNAVAILABLE {
		t.Fatalf("full scan over a damaged case: %v", err)
	}
	// Nor does the merge, nor the index's catch-up after it, which re-read
	// every case for the taxonomy's entry (and failed on the damaged one).
	res, w, err := svc.ChangeCodebook(ctx, corpus.CodebookChange{Op: "merge", Code: "green", Into: "inclusive"}, "admin")
	if err != nil || w.Later() {
		t.Fatalf("merge: %v, index behind: %v", err, w.Behind)
	}
	if !slices.Equal(res.Affected, want) {
		t.Fatalf("merged %v, want %v", res.Affected, want)
	}
	ids, err = svc.SearchIDs(ctx, index.Request{Filter: corpus.Filter{corpus.FacetTheme: {"inclusive"}}}, 10_000)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range want {
		if !slices.Contains(ids, id) {
			t.Errorf("merged case %s not found under inclusive", id)
		}
	}
}

// A renamed theme's cases are indexed with its new labels (and only they
// are re-read for it).
func TestCodebookRenameReindexesItsCases(t *testing.T) {
	ctx := context.Background()
	svc, store, _ := openService(t, t.TempDir(), true)
	want := greenIDs(t, store)
	const label = "碳中和专题"
	req, err := app.ParseSearch(map[string][]string{"q": {label}, "infer": {"false"}, "size": {"100"}})
	if err != nil {
		t.Fatal(err)
	}
	if res, err := svc.Search(ctx, req); err != nil || res.Total != 0 {
		t.Fatalf("before the rename %s finds %v (%v)", label, res.Total, err)
	}
	if _, w, err := svc.ChangeCodebook(ctx, corpus.CodebookChange{Op: "rename", Code: "green", ZH: label}, "admin"); err != nil || w.Later() {
		t.Fatalf("rename: %v %v", err, w.Behind)
	}
	res, err := svc.Search(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, h := range res.Hits {
		got = append(got, h.Case.ID)
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Fatalf("%s finds %v, want the green cases %v", label, got, want)
	}
}
