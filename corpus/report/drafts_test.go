package report_test

import (
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"casebank/corpus"
	"casebank/corpus/app"
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
	sum, res, err := report.ImportDrafts(ctx, s, app.DraftTagger(sg), f, "researcher")
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

// A reviewer's decisions are recorded: the published case is named by the
// store from its draft, whatever the client sends; its history says which
// suggested tags were accepted and rejected; a rejected draft keeps who
// and when. A bank the drafts propose must be reviewed before its drafts
// are published: mapped to a registry bank (an alias) or registered as
// new; the drafts then name it, and a re-import of the edition finds them.
func TestDraftReviewDecisionsAndProposedBanks(t *testing.T) {
	s := bolttest.MustOpenStore(t, true)
	importDrafts(t, s, "testdata/2026/edition-2026.txt")
	byBank := func() map[string]*corpus.Draft {
		ds, err := s.Drafts(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]*corpus.Draft{}
		for _, d := range ds {
			m[d.BankName] = d
		}
		return m
	}
	drafts := byBank()
	cc, cq, nb := drafts["长春农商行"], drafts["重庆银行"], drafts["青山测试农商行"]
	if cc == nil || cq == nil || nb == nil {
		t.Fatalf("drafts %v", drafts)
	}
	// A table whose first column numbers its rows (序号) titles them by
	// the practice, not the number.
	if hz := drafts["杭州银行"]; hz == nil || !strings.HasPrefix(hz.Title.ZH, "杭州银行：搭建虚构的数据中台") {
		t.Errorf("title of a numbered row: %+v", hz)
	}
	if nb.Proposed == nil || nb.Proposed.ID != nb.Bank.ID || cc.Proposed != nil {
		t.Fatalf("proposed: %+v, %+v", nb.Proposed, cc.Proposed)
	}
	edit := func(d *corpus.Draft, dims, themes []string) *corpus.Case {
		return &corpus.Case{Kind: corpus.KindCase, Year: d.Year, Title: corpus.Text{ZH: d.Title.ZH}, Summary: corpus.Text{ZH: d.Summary.ZH},
			Body: d.Source.Excerpt, Dimensions: dims, Themes: themes, Source: d.Source}
	}

	// The client names no case.
	named := edit(cc, []string{"strategy"}, nil)
	named.ID = "my-own-id"
	if _, err := s.PublishDraft(ctx, cc.ID, named, "researcher"); corpus.ErrorCode(err) != corpus.EINVALID {
		t.Fatalf("publish with an id: %v", err)
	}
	// A label is a code; the draft's bank is the case's.
	pub, err := s.PublishDraft(ctx, cc.ID, edit(cc, []string{"战略层面"}, []string{}), "researcher")
	if err != nil {
		t.Fatal(err)
	}
	if pub.ID != "r2026-t3-changchun-rcb" || pub.Bank.ID != "changchun-rcb" {
		t.Fatalf("published %s of bank %s", pub.ID, pub.Bank.ID)
	}
	hist, err := s.History(ctx, pub.ID)
	if err != nil {
		t.Fatal(err)
	}
	dec := hist[0].Decisions
	if dec == nil || !slices.Contains(dec.Accepted, "dimension:strategy") || !slices.Contains(dec.Accepted, "bank_type:rural_commercial") {
		t.Fatalf("decisions %+v", dec)
	}
	if n := len(cc.Dimensions) + len(cc.Themes) + len(cc.BankType); len(dec.Accepted)+len(dec.Rejected) != n {
		t.Errorf("%d decisions for %d suggestions: %+v", len(dec.Accepted)+len(dec.Rejected), n, dec)
	}
	for _, tg := range cc.Themes {
		if !slices.Contains(dec.Rejected, "theme:"+tg.Code) {
			t.Errorf("theme %s unticked but not recorded rejected: %+v", tg.Code, dec)
		}
	}
	// A section numbered 五 names its cases s5.
	if pub, err := s.PublishDraft(ctx, cq.ID, edit(cq, []string{"application"}, []string{"tech_finance"}), "researcher"); err != nil || pub.ID != "r2026-s5-chongqing-bank" {
		t.Fatalf("topic case %v %v", pub, err)
	}

	// The proposed bank blocks its draft until reviewed.
	if _, err := s.PublishDraft(ctx, nb.ID, edit(nb, []string{"application"}, nil), "researcher"); corpus.ErrorCode(err) != corpus.ECONFLICT || !strings.Contains(err.Error(), "no one has reviewed") {
		t.Fatalf("publish with an unreviewed bank: %v", err)
	}
	counts, banks := corpus.CountDrafts(mustDrafts(t, s))
	if counts.NewBanks != 1 || counts.BanksToReview != 1 || len(banks) != 1 || banks[0].ID != nb.Bank.ID || banks[0].Where[0] != "表3" {
		t.Fatalf("counts %+v, banks %+v", counts, banks)
	}
	for _, bad := range []struct {
		rv   corpus.BankReview
		code string
	}{
		{corpus.BankReview{}, corpus.EINVALID},                                               // neither a bank nor type and region
		{corpus.BankReview{Bank: "没有这家银行"}, corpus.EINVALID},                                 // no such registry bank
		{corpus.BankReview{Bank: "北京银行", Type: "农商行"}, corpus.EINVALID},                      // both
		{corpus.BankReview{Type: "农商行", Region: "火星"}, corpus.EINVALID},                      // no such region
		{corpus.BankReview{ID: "beijing-bank", Type: "农商行", Region: "四川"}, corpus.ECONFLICT}, // an id the registry has
	} {
		if _, err := s.ReviewBank(ctx, nb.Bank.ID, bad.rv, "researcher"); corpus.ErrorCode(err) != bad.code {
			t.Errorf("review %+v: %v, want %s", bad.rv, err, bad.code)
		}
	}
	if _, err := s.ReviewBank(ctx, "bank-none", corpus.BankReview{Bank: "北京银行"}, "researcher"); corpus.ErrorCode(err) != corpus.ENOTFOUND {
		t.Errorf("review of no proposal: %v", err)
	}
	// Mapped to the registry's 长春农商银行: an alias.
	res, err := s.ReviewBank(ctx, nb.Bank.ID, corpus.BankReview{Bank: "长春农商银行"}, "researcher")
	if err != nil || res.Action != "alias" || res.Bank.ID != "changchun-rcb" || len(res.Drafts) != 1 {
		t.Fatalf("review %+v %v", res, err)
	}
	if b, _ := s.FindBankByID(ctx, "changchun-rcb"); !slices.Contains(b.Aliases, "青山测试农商行") {
		t.Fatalf("aliases %v", b.Aliases)
	}
	if _, res := importDrafts(t, s, "testdata/2026/edition-2026.txt"); res.Created+res.Updated != 0 || res.Same != 9 {
		t.Fatalf("re-import after the bank review %+v", res)
	}
	nb = byBank()["青山测试农商行"]
	if nb.NewBank || nb.Bank.ID != "changchun-rcb" || nb.BankReviewed == nil || nb.Proposed == nil {
		t.Fatalf("reviewed draft %+v", nb)
	}
	// Another draft of the same bank in the table: the id stays unique.
	if pub, err := s.PublishDraft(ctx, nb.ID, edit(nb, []string{"application"}, nil), "researcher"); err != nil || pub.ID != "r2026-t3-changchun-rcb-2" {
		t.Fatalf("publish after review: %v %v", pub, err)
	}
	counts, banks = corpus.CountDrafts(mustDrafts(t, s))
	if counts != (corpus.DraftCounts{Extracted: 9, Open: 6, Published: 3, NewBanks: 1}) || len(banks) != 0 {
		t.Fatalf("counts %+v, banks %+v", counts, banks)
	}

	// In another store: the proposal is registered as new, with labels.
	s2 := bolttest.MustOpenStore(t, true)
	importDrafts(t, s2, "testdata/2026/edition-2026.txt")
	ds2, _ := s2.Drafts(ctx, "")
	var nb2 *corpus.Draft
	for _, d := range ds2 {
		if d.NewBank {
			nb2 = d
		}
	}
	if err := s2.RejectDraft(ctx, ds2[0].ID, "王研究员"); err != nil {
		t.Fatal(err)
	}
	if d, _ := s2.Draft(ctx, ds2[0].ID); d.Reviewed == nil || d.Reviewed.By != "王研究员" || d.Reviewed.At.IsZero() {
		t.Fatalf("rejected draft keeps no record: %+v", d.Reviewed)
	}
	res, err = s2.ReviewBank(ctx, nb2.Bank.ID, corpus.BankReview{ID: "qingshan-rcb", Type: "农商行", Region: "四川"}, "researcher")
	if err != nil || res.Action != "new" || res.Bank.Type != "rural_commercial" || res.Bank.Region != "sichuan" {
		t.Fatalf("register %+v %v", res, err)
	}
	if _, res := importDrafts(t, s2, "testdata/2026/edition-2026.txt"); res.Created+res.Updated != 0 || res.Same != 9 {
		t.Fatalf("re-import after registering %+v", res)
	}
	if pub, err := s2.PublishDraft(ctx, nb2.ID, edit(nb2, []string{"application"}, nil), "researcher"); err != nil || pub.ID != "r2026-t3-qingshan-rcb" || pub.Bank.Region != "sichuan" {
		t.Fatalf("publish of the new bank's draft: %v %v", pub, err)
	}
	if d, _ := s2.Draft(ctx, ds2[0].ID); d.Status != corpus.DraftRejected {
		t.Fatalf("a re-import resurrected the rejected draft: %+v", d)
	}
}

func mustDrafts(t *testing.T, s *boltdb.Store) []*corpus.Draft {
	t.Helper()
	ds, err := s.Drafts(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	return ds
}
