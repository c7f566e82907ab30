package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"casebank/corpus/boltdb"
	"casebank/corpus/boltdb/bolttest"
)

// Export, import into a new data directory, export again: the same bytes.
// Before, the import seeded the new directory first, so the seeded records
// kept new stamps and the import called them unchanged.
func TestImportExportIntoNewDirectoryRoundTrips(t *testing.T) {
	src := filepath.Join(t.TempDir(), "src")
	code, a, errs := run(t, "export", "--data", src, "--format", "jsonl")
	if code != 0 || a == "" {
		t.Fatalf("export: %d %s", code, errs)
	}
	file := filepath.Join(t.TempDir(), "a.jsonl")
	if err := os.WriteFile(file, []byte(a), 0o600); err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(t.TempDir(), "new")
	if code, out, errs := run(t, "import", "--data", dst, file); code != 0 {
		t.Fatalf("import: %d %s %s", code, out, errs)
	}
	code, b, errs := run(t, "export", "--data", dst, "--format", "jsonl")
	if code != 0 {
		t.Fatalf("export: %d %s", code, errs)
	}
	if a != b {
		t.Fatalf("export after import into a new directory differs (%d vs %d bytes)", len(b), len(a))
	}
}

// A file with a bad line is refused whole by the command, naming the line;
// the new directory then holds no record.
func TestImportCommandRefusesABadFileWhole(t *testing.T) {
	_, a, _ := run(t, "export", "--data", filepath.Join(t.TempDir(), "src"), "--format", "jsonl")
	lines := strings.Split(strings.TrimSuffix(a, "\n"), "\n")
	bad := -1
	for i, l := range lines {
		if strings.Contains(l, `"kind":"case"`) && strings.Contains(l, `"title":{"zh":"`) {
			bad = i
		}
	}
	if bad < 0 {
		t.Fatal("no case line in the export")
	}
	lines[bad] = strings.Replace(lines[bad], `"title":{"zh":"`, `"title":{"zh":"`+strings.Repeat("长", 301), 1)
	file := filepath.Join(t.TempDir(), "bad.jsonl")
	if err := os.WriteFile(file, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(t.TempDir(), "new")
	code, _, errs := run(t, "import", "--data", dst, file)
	if want := "line " + strconv.Itoa(bad+1) + ": title.zh: at most 300 characters"; code != 1 || !strings.Contains(errs, want) {
		t.Fatalf("import of a bad file: %d %s, want %q", code, errs, want)
	}
	store, err := boltdb.Open(filepath.Join(dst, boltdb.StoreFile), boltdb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if seq, _ := store.LastSeq(); seq != 0 {
		t.Fatalf("a refused import into a new directory left %d changes", seq)
	}
}

// Report text still merges into the curated cases: a new directory is
// seeded first, and the command says so.
func TestImportReportIntoNewDirectorySeeds(t *testing.T) {
	dst := filepath.Join(t.TempDir(), "new")
	code, out, errs := run(t, "import", "--data", dst, filepath.Join("..", "..", "corpus", "report", "testdata", "2025", "mini-report.txt"))
	if code != 0 || !strings.Contains(errs, "seeded an empty store") || !strings.Contains(out, "merged") {
		t.Fatalf("report import: %d %s %s", code, out, errs)
	}
}

// Restoring a backup with a record that does not decode is refused, and
// the data directory is not made. Before, the copy was kept and the index
// rebuild then failed on the record, leaving casebank.db and index.bleve.
func TestRestoreCommandRefusesUndecodableRecordsLeavingNothing(t *testing.T) {
	src := filepath.Join(t.TempDir(), "src")
	if code, _, errs := run(t, "reindex", "--data", src); code != 0 { // seeds the directory
		t.Fatal(errs)
	}
	store, err := boltdb.Open(filepath.Join(src, boltdb.StoreFile), boltdb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	const marker = "DAMAGE-MARKER-cli"
	_, err = store.CreateCase(context.Background(), bolttest.NewCase("damaged-case", "jiangsu-bank", "损坏测试", marker+" 正文"), "t")
	store.Close()
	if err != nil {
		t.Fatal(err)
	}
	backup := filepath.Join(src, boltdb.StoreFile)
	bolttest.DamageValue(t, backup, marker)

	dst := filepath.Join(t.TempDir(), "restored")
	code, _, errs := run(t, "restore", "--data", dst, backup)
	if code != 1 || !strings.Contains(errs, `"damaged-case" cannot be read`) {
		t.Fatalf("restore of a damaged backup: %d %s", code, errs)
	}
	if _, err := os.Stat(dst); !os.IsNotExist(err) {
		entries, _ := os.ReadDir(dst)
		t.Fatalf("a refused restore left %s with %v", dst, entries)
	}
}

// export -q writes every case the search matches, not only a first page
// of results (it used to stop at 100 with a warning).
func TestExportOfASearchHasEveryMatch(t *testing.T) {
	file := filepath.Join(t.TempDir(), "gen.jsonl")
	if code, _, errs := run(t, "gen", "--n", "400", "-o", file); code != 0 {
		t.Fatalf("gen: %d %s", code, errs)
	}
	dir := filepath.Join(t.TempDir(), "data")
	if code, out, errs := run(t, "import", "--data", dir, file); code != 0 {
		t.Fatalf("import: %d %s %s", code, out, errs)
	}
	code, out, errs := run(t, "search", "--data", dir, "DeepSeek")
	// The count is on the line after what the query was understood as.
	total, err := -1, error(nil)
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[1] == "cases" {
			total, err = strconv.Atoi(f[0])
			break
		}
	}
	if code != 0 || err != nil {
		t.Fatalf("search: %d %q %s", code, out, errs)
	}
	code, out, errs = run(t, "export", "--data", dir, "-q", "DeepSeek")
	if code != 0 {
		t.Fatalf("export: %d %s", code, errs)
	}
	if lines := strings.Count(out, "\n"); total <= 100 || lines != total {
		t.Fatalf("export -q DeepSeek wrote %d lines; the search finds %d cases", lines, total)
	}
}

// A redirected import reports its progress as lines: records done of all,
// the rate and the time left, and a last line when it is done.
func TestImportReportsProgressAsLines(t *testing.T) {
	defer func(d time.Duration) { progressEvery = d }(progressEvery)
	progressEvery = 0 // every batch
	file := filepath.Join(t.TempDir(), "gen.jsonl")
	if code, _, errs := run(t, "gen", "--n", "1200", "-o", file); code != 0 {
		t.Fatal(errs)
	}
	code, _, errs := run(t, "import", "--data", filepath.Join(t.TempDir(), "data"), file)
	if code != 0 {
		t.Fatalf("import: %d %s", code, errs)
	}
	total := 1200 + 62 // the cases and the default corpus's banks
	if !regexp.MustCompile(`import: \d+ of `+strconv.Itoa(total)+` records, \d+ a second, about \d+s left`).MatchString(errs) ||
		!strings.Contains(errs, fmt.Sprintf("import: %d of %d records", total, total)) {
		t.Fatalf("progress lines:\n%s", errs)
	}
}

// A redirected index build reports its progress as lines like the import's:
// records indexed of all, the rate and the time left, and a last line when
// it is done (reindex here; an import that leaves the index far behind
// rebuilds it through the same code, see TestFarBehindIndexIsRebuilt).
func TestReindexReportsProgressAsLines(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	if code, _, errs := run(t, "reindex", "--data", dir); code != 0 { // seeds
		t.Fatal(errs)
	}
	defer func(d time.Duration) { progressEvery = d }(progressEvery)
	progressEvery = 0 // every record
	code, _, errs := run(t, "reindex", "--data", dir)
	if code != 0 {
		t.Fatalf("reindex: %d %s", code, errs)
	}
	total := 114 + 32 // the embedded cases and policies
	if !regexp.MustCompile(`(?m)^index: \d+ of `+strconv.Itoa(total)+` records, \d+ a second, about \d+s left$`).MatchString(errs) ||
		!strings.Contains(errs, fmt.Sprintf("index: %d of %d records, ", total, total)) || strings.Contains(errs, "index: 0 of") {
		t.Fatalf("progress lines:\n%s", errs)
	}
}

// casebank import of JSONL takes labels and aliases where codes go, and a
// bank by its name or alias, and stores the codes.
func TestImportCommandTakesLabelsAndAliases(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	if code, _, errs := run(t, "reindex", "--data", dir); code != 0 { // seeds the banks
		t.Fatal(errs)
	}
	lines := `{"id":"cli-labels-1","kind":"case","year":2026,"bank":{"name":"江苏银行股份有限公司"},"title":{"zh":"江苏银行标签导入测试"},"summary":{"zh":"摘要。"},"dimensions":["技术层面","Application"],"themes":["人工智能","green finance"],"source":{"report":"测试","year":2026}}
{"id":"cli-labels-2","kind":"case","year":2026,"bank":{"name":"江苏银行"},"title":{"zh":"江苏银行标签导入测试二"},"summary":{"zh":"摘要。"},"dimensions":["战略"],"themes":["普惠金融","信创"],"source":{"report":"测试","year":2026}}
`
	file := filepath.Join(t.TempDir(), "labels.jsonl")
	if err := os.WriteFile(file, []byte(lines), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, errs := run(t, "import", "--data", dir, file); code != 0 {
		t.Fatalf("import with labels: %d %s", code, errs)
	}
	store, err := boltdb.Open(filepath.Join(dir, boltdb.StoreFile), boltdb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	for id, want := range map[string]string{
		"cli-labels-1": "technology,application ai,green jiangsu-bank",
		"cli-labels-2": "strategy inclusive,xinchuang jiangsu-bank",
	} {
		c, err := store.FindCaseByID(context.Background(), id)
		if err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		if got := strings.Join(c.Dimensions, ",") + " " + strings.Join(c.Themes, ",") + " " + c.Bank.ID; got != want {
			t.Errorf("%s stored as %q, want %q", id, got, want)
		}
	}
}
