package report_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"casebank/corpus"
	"casebank/corpus/boltdb/bolttest"
	"casebank/corpus/report"
)

var ctx = context.Background()

func counts(res *corpus.ImportResult) map[string]int {
	m := map[string]int{}
	for _, s := range res.Sources {
		m[s.Where] = s.Found
	}
	return m
}

func sameCounts(got, want map[string]int) bool {
	if len(got) != len(want) {
		return false
	}
	for k, v := range want {
		if got[k] != v {
			return false
		}
	}
	return true
}

// The fixture has every quirk of the format: table of contents lines, <ul>
// cells, a wrapped row, a table without a source line, a 2.4.x case study
// split across a page, a header repeated with other wording, empty pattern
// cells, half-width topic headings and back matter.
func TestImportReportFixture(t *testing.T) {
	s := bolttest.MustOpenStore(t, true)
	res := importFile(t, s, "testdata/2025/mini-report.txt")
	want := map[string]int{"表1-4": 2, "2.4.1": 2, "表5-3": 3, "专题-三": 2}
	if got := counts(res); !sameCounts(got, want) {
		t.Fatalf("found %v, want %v", got, want)
	}
	if res.Merged != 8 || res.Created != 1 || len(res.NewBanks) != 1 {
		t.Fatalf("merged %d, created %d, new banks %+v", res.Merged, res.Created, res.NewBanks)
	}
	nb := res.NewBanks[0]
	if nb.Name != "四川测试农商银行" || nb.Type != "rural_commercial" || nb.Region != "sichuan" {
		t.Fatalf("new bank %+v", nb)
	}
	// Excerpts land on the curated cases with the same source key.
	for id, want := range map[string]string{
		"r2025-t1-4-jiangsu-bank":                           "托管对账",
		"r2025-t5-3-hubei-bank":                             "测试容器云",
		"r2025-s2-4-1-anon-east-city-commercial-technology": "并在下一页继续描述测试系统",
		"r2025-topic-3-ganzhou-bank":                        "赣州银行的测试文字",
	} {
		c, err := s.FindCaseByID(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(c.Source.Excerpt, want) || c.Updated.By != "importer" {
			t.Errorf("%s: excerpt %q, updated %+v", id, c.Source.Excerpt, c.Updated)
		}
	}
	cases, _ := s.FindCases(ctx, corpus.Filter{corpus.FacetBank: {nb.ID}})
	if len(cases) != 1 || !strings.Contains(cases[0].Body, "续行") || cases[0].Source.Table != "表1-4" {
		t.Fatalf("new bank's case: %+v", cases)
	}
}

func TestReimportChangesNothing(t *testing.T) {
	s := bolttest.MustOpenStore(t, true)
	data, err := os.ReadFile("testdata/2025/mini-report.txt")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := report.Import(ctx, s, bytes.NewReader(data), corpus.ImportOptions{By: "a"}); err != nil {
		t.Fatal(err)
	}
	before := bolttest.ExportJSONL(t, s)
	seq, _ := s.LastSeq()
	res, err := report.Import(ctx, s, bytes.NewReader(data), corpus.ImportOptions{By: "b"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Changed() || res.Same != 9 {
		t.Fatalf("second import changed things: %+v", res)
	}
	if seq2, _ := s.LastSeq(); seq2 != seq {
		t.Fatalf("second import wrote %d log entries", seq2-seq)
	}
	if after := bolttest.ExportJSONL(t, s); !bytes.Equal(before, after) {
		t.Fatal("export differs after the second import")
	}
}

// reportPath finds the shared 2025 report; it is not part of the repository.
func reportPath(t *testing.T) string {
	for _, p := range []string{os.Getenv("CASEBANK_REPORT"), filepath.Join("..", "..", "..", "shared", "seeds", "smb-digital-finance-report-2025.txt")} {
		if p == "" {
			continue
		}
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	t.Skip("the 2025 report is not here; set CASEBANK_REPORT to its path")
	return ""
}

// On the real report, every row of every table and every part of the case
// studies and the special topic is found, its bank resolves, and it merges
// into the curated case with the same source key.
func TestImportSharedReport(t *testing.T) {
	path := reportPath(t)
	s := bolttest.MustOpenStore(t, true)
	res := importFile(t, s, path)
	// Counted by reading the report.
	want := map[string]int{
		"表1-4": 7, "表5-1": 10, "表5-2": 8, "表5-3": 9, "表5-4": 9, "表5-5": 8, "表5-6": 9,
		"2.4.1": 5, "2.4.2": 6, "专题-三": 5, "专题-四": 5, "专题-五": 5, "专题-六": 2,
	}
	if got := counts(res); !sameCounts(got, want) {
		t.Fatalf("found %v, want %v", got, want)
	}
	if len(res.NewBanks) != 0 || res.Created != 0 || res.Merged != 88 {
		t.Fatalf("new banks %+v, created %d, merged %d", res.NewBanks, res.Created, res.Merged)
	}
}

// Curated records describe cases in their own words: no run of 14 or more
// characters of the report's text (containing Chinese) appears in a Chinese
// title, summary, body or outcome. Product names live in their own fields.
func TestCuratedTextIsOwnWords(t *testing.T) {
	data, err := os.ReadFile(reportPath(t))
	if err != nil {
		t.Fatal(err)
	}
	const run = 14
	// Every run of the report, looked up in constant time.
	runs := map[string]bool{}
	rr := []rune(string(data))
	for i := 0; i+run <= len(rr); i++ {
		runs[string(rr[i:i+run])] = true
	}
	base, err := corpus.DefaultCorpus()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range base.Cases {
		for field, text := range map[string]string{"title.zh": c.Title.ZH, "summary.zh": c.Summary.ZH, "body": c.Body, "outcome": c.Outcome} {
			r := []rune(text)
			for i := 0; i+run <= len(r); i++ {
				chunk := string(r[i : i+run])
				if runs[chunk] && hasHan(chunk) {
					t.Errorf("%s %s copies the report: %q", c.ID, field, chunk)
					break
				}
			}
		}
	}
}

func hasHan(s string) bool {
	for _, r := range s {
		if r >= 0x4e00 && r <= 0x9fff {
			return true
		}
	}
	return false
}

// A report with a bad item is refused whole: before, the items before it
// were stored, each in its own transaction.
func TestImportReportRefusedWhole(t *testing.T) {
	s := bolttest.MustOpenStore(t, true)
	before := bolttest.ExportJSONL(t, s)
	data, err := os.ReadFile("testdata/2025/mini-report.txt")
	if err != nil {
		t.Fatal(err)
	}
	// A bank name past its limit in the last table makes the last item bad.
	long := strings.Repeat("长", corpus.MaxBankName+1) + "银行"
	text := string(data)
	i := strings.LastIndex(text, "专题")
	if i < 0 {
		t.Fatal("fixture has no topic")
	}
	text = text[:i] + strings.Replace(text[i:], "银行", long, 1)
	_, err = report.Import(ctx, s, strings.NewReader(text), corpus.ImportOptions{By: "importer"})
	if corpus.ErrorCode(err) != corpus.EINVALID || !strings.Contains(err.Error(), "bank.name: at most 200 characters") || !strings.Contains(err.Error(), "line ") {
		t.Fatalf("got %v", err)
	}
	if after := bolttest.ExportJSONL(t, s); !bytes.Equal(before, after) {
		t.Fatal("a refused report import stored records")
	}
}

// importFile imports the report text at path into s.
func importFile(t *testing.T, s report.Store, path string) *corpus.ImportResult {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res, err := report.Import(ctx, s, f, corpus.ImportOptions{By: "importer"})
	if err != nil {
		t.Fatal(err)
	}
	return res
}
