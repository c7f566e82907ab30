package corpus_test

import (
	"context"
	"testing"

	"casebank/corpus/corpustest"
)

// Cached reads never return a case or a bank older than the store holds.
func TestReadCasesFollowWrites(t *testing.T) {
	ctx := context.Background()
	store := corpustest.MustOpenStore(t, true)
	id := "r2025-t1-4-jiangsu-bank"
	read := func() (title, bank string) {
		t.Helper()
		cs, err := store.ReadCases(ctx, []string{id, "no-such-case"})
		if err != nil || len(cs) != 1 {
			t.Fatalf("read: %v, %d cases", err, len(cs))
		}
		return cs[0].Title.ZH, cs[0].Bank.Name
	}
	read()
	c, _ := store.FindCaseByID(ctx, id)
	c.Title.ZH = "新标题"
	if _, err := store.UpdateCase(ctx, c, c.Version, "t"); err != nil {
		t.Fatal(err)
	}
	if title, _ := read(); title != "新标题" {
		t.Fatalf("title after an update: %q", title)
	}
	b, _ := store.FindBankByID(ctx, c.Bank.ID)
	b.Name = "江苏银行（改名）"
	if err := store.PutBank(ctx, b, "t"); err != nil {
		t.Fatal(err)
	}
	if _, bank := read(); bank != "江苏银行（改名）" {
		t.Fatalf("bank after a rename: %q", bank)
	}
	if err := store.DeleteCase(ctx, id, 0, "t"); err != nil {
		t.Fatal(err)
	}
	if cs, _ := store.ReadCases(ctx, []string{id}); len(cs) != 0 {
		t.Fatal("a deleted case is still read")
	}
}
