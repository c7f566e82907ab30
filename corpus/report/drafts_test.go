package report_test

import (
	"os"
	"strconv"
	"strings"
	"testing"

	"casebank/corpus"
	"casebank/corpus/boltdb"
	"casebank/corpus/boltdb/bolttest"
	"casebank/corpus/report"
	"casebank/corpus/tagger"
)

func importDrafts(t *testing.T, s *boltdb.Store, path string) (*report.Summary, *corpus.DraftsResult) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sg := tagger.New(s)
	defer sg.Close()
	sum, res, err := report.ImportDrafts(ctx, s, sg, f, "researcher")
	if err != nil {
		t.Fatal(err)
	}
	return sum, res
}

// An unseen edition becomes drafts, not cases: with its year, banks
// resolved or proposed, machine-made titles, suggestions with reasons and
// the source. Importing it again changes nothing, also after a review.
func TestImportDraftsUnseenEdition(t *testing.T) {
	s := bolttest.MustOpenStore(t, true)
	before, err := s.CountCases()
	if err != nil {
		t.Fatal(err)
	}
	sum, res := importDrafts(t, s, "testdata/2026/edition-2026.txt")
	if res.Created != 9 || res.Same != 0 || sum.Resolved != 8 || sum.Layout != "generic" {
		t.Fatalf("result %+v, summary %+v", res, sum)
	}
	if n, _ := s.CountCases(); n != before {
		t.Fatalf("%d cases after importing drafts, %d before", n, before)
	}
	ds, err := s.Drafts(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	byBank := map[string]*corpus.Draft{}
	for _, d := range ds {
		byBank[d.Bank.Name] = d
		if d.Year != 2026 || d.Status != corpus.DraftOpen || !d.MachineMade || d.Title.ZH == "" || d.Source.Excerpt == "" || d.Source.Year != 2026 {
			t.Errorf("draft %+v", d)
		}
		if len(d.BankType) == 0 || d.BankType[0].Reason == "" {
			t.Errorf("draft %d has no bank type with a reason: %+v", d.ID, d.BankType)
		}
	}
	cc := byBank["长春农商银行"] // written 长春农商行: resolved through the alias
	if cc == nil || cc.NewBank || cc.Bank.ID != "changchun-rcb" && cc.Bank.Type != "rural_commercial" {
		t.Fatalf("alias not resolved: %+v", cc)
	}
	if len(cc.Dimensions) == 0 || cc.Dimensions[0].Code != "strategy" || cc.Dimensions[0].Reason != "caption names 战略层面" {
		t.Errorf("dimensions %+v", cc.Dimensions)
	}
	nb := byBank["青山测试农商行"]
	if nb == nil || !nb.NewBank || nb.Bank.Type != "rural_commercial" {
		t.Fatalf("new bank %+v", nb)
	}
	cq := byBank["重庆银行"]
	if cq == nil || len(cq.Themes) == 0 || cq.Themes[0].Code != "tech_finance" || cq.Where() != "节-五、科技金融专题" {
		t.Fatalf("topic draft %+v", cq)
	}
	for _, tg := range cq.Dimensions {
		if tg.Source == "report" {
			t.Errorf("a heading naming no dimension gave one: %+v", tg)
		}
	}

	seq, _ := s.LastSeq()
	if _, res := importDrafts(t, s, "testdata/2026/edition-2026.txt"); res.Created+res.Updated != 0 || res.Same != 9 {
		t.Fatalf("second import %+v", res)
	}
	if again, _ := s.LastSeq(); again != seq {
		t.Fatalf("second import wrote the log: %d → %d", seq, again)
	}

	// Review: publish one, reject one; a re-import brings neither back.
	c := &corpus.Case{Kind: corpus.KindCase, Year: 2026, Bank: corpus.Bank{ID: cc.Bank.ID},
		Title: corpus.Text{ZH: "长春农商银行：敏捷小组试点"}, Summary: corpus.Text{ZH: "以敏捷小组推进试点。"},
		Body: cc.Source.Excerpt, Dimensions: []string{"strategy"}, Source: cc.Source}
	pub, err := s.PublishDraft(ctx, cc.ID, c, "researcher")
	if err != nil {
		t.Fatal(err)
	}
	hist, err := s.History(ctx, pub.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(hist) != 1 || hist[0].Note != "from draft "+itoa(cc.ID) {
		t.Fatalf("history %+v", hist)
	}
	if _, err := s.PublishDraft(ctx, cc.ID, c, "researcher"); corpus.ErrorCode(err) != corpus.ECONFLICT {
		t.Fatalf("second publish: %v", err)
	}
	if err := s.RejectDraft(ctx, nb.ID, "researcher"); err != nil {
		t.Fatal(err)
	}
	if err := s.RejectDraft(ctx, cc.ID, "researcher"); corpus.ErrorCode(err) != corpus.ECONFLICT {
		t.Fatalf("reject a published draft: %v", err)
	}
	if _, res := importDrafts(t, s, "testdata/2026/edition-2026.txt"); res.Created+res.Updated != 0 {
		t.Fatalf("import after review %+v", res)
	}
	open, _ := s.Drafts(ctx, corpus.DraftOpen)
	got, _ := s.Draft(ctx, cc.ID)
	if len(open) != 7 || got.Status != corpus.DraftPublished || got.CaseID != pub.ID {
		t.Fatalf("%d open, published draft %+v", len(open), got)
	}
}

func itoa(n uint64) string { return strconv.FormatUint(n, 10) }

// An edition the 2025 layout does not know is refused as cases (its
// numbers would misplace them), naming the drafts import.
func TestImportRefusesAnotherEditionAsCases(t *testing.T) {
	s := bolttest.MustOpenStore(t, true)
	data, err := os.ReadFile("testdata/2025/mini-report.txt")
	if err != nil {
		t.Fatal(err)
	}
	other := strings.Replace(string(data), "\n2025\n", "\n2026\n", 1)
	_, err = report.Import(ctx, s, strings.NewReader(other), corpus.ImportOptions{By: "t"})
	if corpus.ErrorCode(err) != corpus.EINVALID || !strings.Contains(err.Error(), "import it as drafts") {
		t.Fatalf("import of a 2026 edition as cases: %v", err)
	}
}
