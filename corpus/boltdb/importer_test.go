package boltdb_test

import (
	"bytes"
	"strings"
	"testing"

	"casebank/corpus"
	"casebank/corpus/boltdb/bolttest"
)

// JSONL is lossless: export, import into an empty store, export again gives
// the same bytes; importing it again into the same store changes nothing.
func TestJSONLRoundTrip(t *testing.T) {
	src := bolttest.MustOpenStore(t, true)
	// Something beyond the seed: an edited case, a bank without cases.
	c, _ := src.FindCaseByID(ctx, "r2025-t1-4-qingdao-rcb")
	c.Outcome = "编辑后的成效"
	if _, err := src.UpdateCase(ctx, c, c.Version, "editor"); err != nil {
		t.Fatal(err)
	}
	if err := src.PutBank(ctx, &corpus.Bank{ID: "lonely-bank", Name: "孤单银行", Type: "village", Region: "gansu"}, "admin"); err != nil {
		t.Fatal(err)
	}
	exported := bolttest.ExportJSONL(t, src)

	dst := bolttest.MustOpenStore(t, false)
	res, err := dst.ImportJSONL(ctx, bytes.NewReader(exported), corpus.ImportOptions{By: "restore"})
	if err != nil {
		t.Fatal(err)
	}
	if again := bolttest.ExportJSONL(t, dst); !bytes.Equal(again, exported) {
		t.Fatalf("export after import differs (%d vs %d bytes)", len(again), len(exported))
	}
	n, _ := src.CountCases()
	banks, _ := src.FindBanks(ctx)
	if res.Created != n+32+len(banks) {
		t.Fatalf("created %d, want %d cases, 32 policies and %d banks", res.Created, n, len(banks))
	}
	res, err = dst.ImportJSONL(ctx, bytes.NewReader(exported), corpus.ImportOptions{By: "again"})
	if err != nil || res.Changed() {
		t.Fatalf("re-import: %+v, %v", res, err)
	}
	// A malformed line is refused with its line number.
	_, err = dst.ImportJSONL(ctx, strings.NewReader("{\"kind\":\"case\",\"id\":\"x\",\"bogus\":1}\n"), corpus.ImportOptions{})
	if corpus.ErrorCode(err) != corpus.EINVALID || !strings.Contains(err.Error(), "line 1") {
		t.Fatalf("bad line: %v", err)
	}
}

// Every name and alias in the registry resolves to its own bank.
func TestBankAliasesResolve(t *testing.T) {
	s := bolttest.MustOpenStore(t, true)
	banks, _ := s.FindBanks(ctx)
	for _, b := range banks {
		for _, name := range append([]string{b.Name}, b.Aliases...) {
			got, err := s.FindBankByName(ctx, name)
			if err != nil || got.ID != b.ID {
				t.Errorf("%q → %v %v, want %s", name, got, err, b.ID)
			}
		}
	}
	if _, err := s.FindBankByName(ctx, "不存在的银行"); corpus.ErrorCode(err) != corpus.ENOTFOUND {
		t.Fatalf("unknown name: %v", err)
	}
}

// An import reports 0 of its lines when it starts writing, then the lines
// done after each batch, up to all of them: a progress display measures its
// rate from the start, not from the first batch over no time.
func TestImportProgressStartsAtZero(t *testing.T) {
	src := bolttest.MustOpenStore(t, true)
	exported := bolttest.ExportJSONL(t, src)
	lines := bytes.Count(exported, []byte("\n"))
	var reports [][2]int
	dst := bolttest.MustOpenStore(t, false)
	_, err := dst.ImportJSONL(ctx, bytes.NewReader(exported), corpus.ImportOptions{By: "restore",
		Progress: func(done, total int) { reports = append(reports, [2]int{done, total}) }})
	if err != nil {
		t.Fatal(err)
	}
	if len(reports) < 2 || reports[0] != [2]int{0, lines} || reports[len(reports)-1] != [2]int{lines, lines} {
		t.Fatalf("progress of %d lines: %v", lines, reports)
	}
}
