package boltdb_test

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"casebank/corpus"
	"casebank/corpus/boltdb"
	"casebank/corpus/boltdb/bolttest"
)

var ctx = context.Background()

func TestCreateCaseAppendsExactlyOneLogEntry(t *testing.T) {
	s := bolttest.MustOpenStore(t, true)
	before, err := s.LastSeq()
	if err != nil {
		t.Fatal(err)
	}
	c := bolttest.NewCase("test-one", "jiangsu-bank", "测试案例", "一段正文")
	if _, err := s.CreateCase(ctx, c, "tester"); err != nil {
		t.Fatal(err)
	}
	changes, err := s.ChangesSince(before, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(changes) != 1 {
		t.Fatalf("got %d log entries, want 1: %+v", len(changes), changes)
	}
	ch := changes[0]
	if ch.Seq != before+1 || ch.Op != corpus.OpCasePut || ch.ID != "test-one" || ch.By != "tester" {
		t.Fatalf("log entry = %+v", ch)
	}
}

func TestLogSequenceHasNoGaps(t *testing.T) {
	s := bolttest.MustOpenStore(t, true)
	c := bolttest.NewCase("gap-check", "jiangsu-bank", "标题", "正文")
	if _, err := s.CreateCase(ctx, c, "a"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateCase(ctx, c, "a"); corpus.ErrorCode(err) != corpus.ECONFLICT {
		t.Fatalf("second create: %v, want conflict", err)
	}
	if err := s.DeleteCase(ctx, "gap-check", 0, "a"); err != nil {
		t.Fatal(err)
	}
	all, err := s.ChangesSince(0, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	last, _ := s.LastSeq()
	if uint64(len(all)) != last {
		t.Fatalf("%d entries but last seq %d", len(all), last)
	}
	for i, ch := range all {
		if ch.Seq != uint64(i+1) {
			t.Fatalf("entry %d has seq %d", i, ch.Seq)
		}
	}
	if got := all[len(all)-1]; got.Op != corpus.OpCaseDelete || got.ID != "gap-check" {
		t.Fatalf("last entry %+v, want the delete", got)
	}
}

func TestReopenKeepsEverything(t *testing.T) {
	path := filepath.Join(t.TempDir(), "casebank.db")
	s, err := boltdb.Open(path, boltdb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SeedDefault(ctx); err != nil {
		t.Fatal(err)
	}
	created, err := s.CreateCase(ctx, bolttest.NewCase("", "qingdao-rcb", "新案例", "正文"), "editor")
	if err != nil {
		t.Fatal(err)
	}
	seq, _ := s.LastSeq()
	n, _ := s.CountCases()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s = bolttest.MustOpenStoreAt(t, path, false)
	got, err := s.FindCaseByID(ctx, created.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Title.ZH != "新案例" || got.Bank.Name != "青岛农商银行" || got.Version != 1 || got.Created.By != "editor" {
		t.Fatalf("reopened case = %+v", got)
	}
	if seq2, _ := s.LastSeq(); seq2 != seq {
		t.Fatalf("log seq %d after reopen, was %d", seq2, seq)
	}
	if n2, _ := s.CountCases(); n2 != n {
		t.Fatalf("%d cases after reopen, was %d", n2, n)
	}
	if !strings.HasPrefix(created.ID, "c2025-qingdao-rcb") {
		t.Fatalf("derived id %q", created.ID)
	}
}

func TestSecondProcessFailsFast(t *testing.T) {
	path := filepath.Join(t.TempDir(), "casebank.db")
	bolttest.MustOpenStoreAt(t, path, false)
	start := time.Now()
	_, err := boltdb.Open(path, boltdb.Options{Timeout: 200 * time.Millisecond})
	if err == nil || !strings.Contains(err.Error(), "data directory in use by another process") {
		t.Fatalf("second open: %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("second open took %s", d)
	}
}

func TestValidationNamesFieldsAndAllowedValues(t *testing.T) {
	s := bolttest.MustOpenStore(t, true)
	tests := []struct {
		name    string
		edit    func(c *corpus.Case)
		field   string
		allowed string // one allowed value that must be listed, if any
	}{
		{"unknown theme", func(c *corpus.Case) { c.Themes = []string{"ai", "blockchainz"} }, "themes", "xinchuang"},
		{"unknown dimension", func(c *corpus.Case) { c.Dimensions = []string{"vibes"} }, "dimensions", "strategy"},
		{"no dimension", func(c *corpus.Case) { c.Dimensions = nil }, "dimensions", "ecosystem"},
		{"missing bank", func(c *corpus.Case) { c.Bank = corpus.Bank{} }, "bank.id", ""},
		{"unregistered bank", func(c *corpus.Case) { c.Bank = corpus.Bank{ID: "no-such-bank"} }, "bank.id", ""},
		{"inline bank with bad type", func(c *corpus.Case) {
			c.Bank = corpus.Bank{ID: "new-bank", Name: "新银行", Type: "megabank", Region: "sichuan"}
		}, "bank.type", "city_commercial"},
		{"empty text", func(c *corpus.Case) { c.Body, c.Summary = " ", corpus.Text{} }, "body", ""},
		{"no title", func(c *corpus.Case) { c.Title = corpus.Text{} }, "title", ""},
		{"bad year", func(c *corpus.Case) { c.Year = 1899 }, "year", ""},
		{"bad id", func(c *corpus.Case) { c.ID = "../etc" }, "id", ""},
		{"NUL byte", func(c *corpus.Case) { c.Body = "a\x00b" }, "body", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := bolttest.NewCase("valid-case", "jiangsu-bank", "标题", "正文")
			tt.edit(c)
			_, err := s.CreateCase(ctx, c, "tester")
			var e *corpus.Error
			if !errors.As(err, &e) || e.Code != corpus.EINVALID {
				t.Fatalf("err = %v, want invalid", err)
			}
			i := slices.IndexFunc(e.Fields, func(f corpus.FieldError) bool { return f.Field == tt.field })
			if i < 0 {
				t.Fatalf("fields %+v do not name %s", e.Fields, tt.field)
			}
			if tt.allowed != "" && !e.Fields[i].Allows(tt.allowed) {
				t.Fatalf("allowed values %v lack %s", e.Fields[i].Allowed, tt.allowed)
			}
			if _, err := s.FindCaseByID(ctx, "valid-case"); corpus.ErrorCode(err) != corpus.ENOTFOUND {
				t.Fatalf("invalid case was stored: %v", err)
			}
		})
	}
}

func TestCreateCaseWithInlineBank(t *testing.T) {
	s := bolttest.MustOpenStore(t, false)
	c := bolttest.NewCase("inline", "sichuan-new-rcb", "标题", "正文")
	c.Bank = corpus.Bank{ID: "sichuan-new-rcb", Name: "四川某农商银行", Type: "rural_commercial", Region: "sichuan"}
	if _, err := s.CreateCase(ctx, c, "editor"); err != nil {
		t.Fatal(err)
	}
	b, err := s.FindBankByID(ctx, "sichuan-new-rcb")
	if err != nil || b.Region != "sichuan" {
		t.Fatalf("bank = %+v, %v", b, err)
	}
	changes, _ := s.ChangesSince(0, 10)
	if len(changes) != 2 || changes[0].Op != corpus.OpBankPut || changes[1].Op != corpus.OpCasePut {
		t.Fatalf("changes = %+v, want bank then case", changes)
	}
}

func TestUpdateCaseChecksVersion(t *testing.T) {
	s := bolttest.MustOpenStore(t, true)
	c, err := s.FindCaseByID(ctx, "r2025-t1-4-jiangsu-bank")
	if err != nil {
		t.Fatal(err)
	}
	c.Outcome = "新的成效"
	updated, err := s.UpdateCase(ctx, c, c.Version, "editor-a")
	if err != nil {
		t.Fatal(err)
	}
	if updated.Version != c.Version+1 || updated.Updated.By != "editor-a" || updated.Created.By != corpus.SeedUser {
		t.Fatalf("updated = version %d, updated %+v, created %+v", updated.Version, updated.Updated, updated.Created)
	}
	c.Outcome = "另一位编辑的改动"
	if _, err := s.UpdateCase(ctx, c, c.Version, "editor-b"); corpus.ErrorCode(err) != corpus.ECONFLICT {
		t.Fatalf("stale update: %v, want conflict", err)
	}
	got, _ := s.FindCaseByID(ctx, c.ID)
	if got.Outcome != "新的成效" {
		t.Fatalf("stale update overwrote the case: %q", got.Outcome)
	}
}

func TestSeedRefusesNonEmptyStore(t *testing.T) {
	s := bolttest.MustOpenStore(t, true)
	if err := s.SeedDefault(ctx); corpus.ErrorCode(err) != corpus.ECONFLICT {
		t.Fatalf("second seed: %v, want conflict", err)
	}
}

func TestPutTaxonomyKeepsCodesInUse(t *testing.T) {
	s := bolttest.MustOpenStore(t, true)
	tax, _ := s.Taxonomy()
	tax.Themes = slices.DeleteFunc(tax.Themes, func(v corpus.Value) bool { return v.Code == "ai" })
	if err := s.PutTaxonomy(ctx, tax, "admin"); corpus.ErrorCode(err) != corpus.ECONFLICT {
		t.Fatalf("removing a used theme: %v, want conflict", err)
	}
	tax, _ = s.Taxonomy()
	tax.Themes = append(tax.Themes, corpus.Value{Code: "blockchain", ZH: "区块链", EN: "blockchain"})
	if err := s.PutTaxonomy(ctx, tax, "admin"); err != nil {
		t.Fatal(err)
	}
	got, _ := s.Taxonomy()
	if !got.Has(corpus.FacetTheme, "blockchain") {
		t.Fatal("new theme not stored")
	}
}

func TestFilterMatchesORWithinANDAcross(t *testing.T) {
	s := bolttest.MustOpenStore(t, true)
	all, err := s.FindCases(ctx, corpus.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	f := corpus.Filter{corpus.FacetBankType: {"private", "rural_commercial"}, corpus.FacetTheme: {"ai", "xinchuang"}}
	got, err := s.FindCases(ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, c := range all {
		typeOK := c.Bank.Type == "private" || c.Bank.Type == "rural_commercial"
		themeOK := slices.Contains(c.Themes, "ai") || slices.Contains(c.Themes, "xinchuang")
		if typeOK && themeOK {
			want = append(want, c.ID)
		}
	}
	var ids []string
	for _, c := range got {
		ids = append(ids, c.ID)
	}
	if len(want) < 3 || !slices.Equal(ids, want) {
		t.Fatalf("got %v, want %v", ids, want)
	}
}

// A delete naming a version removes only that version: after an update, a
// delete of the version before it is a conflict and the case stays.
func TestDeleteCaseChecksTheVersionItDeletes(t *testing.T) {
	s := bolttest.MustOpenStore(t, true)
	c, err := s.CreateCase(ctx, bolttest.NewCase("delete-version", "jiangsu-bank", "标题", "正文"), "a")
	if err != nil {
		t.Fatal(err)
	}
	c.Outcome = "改过"
	if _, err := s.UpdateCase(ctx, c, 1, "b"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteCase(ctx, c.ID, 1, "a"); corpus.ErrorCode(err) != corpus.ECONFLICT {
		t.Fatalf("delete of version 1 after an update: %v, want a conflict", err)
	}
	if _, err := s.FindCaseByID(ctx, c.ID); err != nil {
		t.Fatalf("the refused delete removed the case: %v", err)
	}
	if err := s.DeleteCase(ctx, c.ID, 2, "a"); err != nil {
		t.Fatalf("delete of the current version: %v", err)
	}
	if err := s.DeleteCase(ctx, c.ID, 2, "a"); corpus.ErrorCode(err) != corpus.ENOTFOUND {
		t.Fatalf("second delete: %v, want not found", err)
	}
}
