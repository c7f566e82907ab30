package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"

	"casebank/api"
	"casebank/corpus"
	"casebank/corpus/app"
	"casebank/corpus/report"
	"casebank/corpus/tagger"
)

// importEdition stores the invented 2026 edition's drafts, with the
// tagger's suggestions, as `casebank import` does.
func importEdition(t *testing.T, w *writeSite) {
	t.Helper()
	f, err := os.Open("../corpus/report/testdata/2026/edition-2026.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sg := tagger.New(w.store)
	defer sg.Close()
	if _, res, err := report.ImportDrafts(context.Background(), w.store, app.DraftTagger(sg), f, "casebank-import"); err != nil || res.Created != 9 {
		t.Fatalf("import drafts: %+v %v", res, err)
	}
}

// The review queue over real HTTP, every answer checked against the
// contract: list, read, the proposed bank reviewed before its draft is
// published, publish (then an ordinary, searchable 2026 case named by the
// store, whose history says which draft it came from and which
// suggestions were kept), reject, and the refusals.
func TestDraftReviewQueue(t *testing.T) {
	w := newWriteSite(t)
	importEdition(t, w)
	cc := newContractChecker(t, w.ts.URL)
	ed, J := w.editor, "application/json"

	cc.do(t, w.ts.URL, exchange{name: "drafts anonymously", method: "GET", path: "/api/v1/drafts", want: 401, invalid: true})
	_, body := cc.do(t, w.ts.URL, exchange{name: "drafts", method: "GET", path: "/api/v1/drafts", token: ed, want: 200})
	var list api.DraftsJSON
	if err := json.Unmarshal(body, &list); err != nil {
		t.Fatal(err)
	}
	if len(list.Drafts) != 9 || list.Counts != (api.DraftCounts{Extracted: 9, Open: 9, NewBanks: 1, BanksToReview: 1}) {
		t.Fatalf("%d drafts, counts %+v", len(list.Drafts), list.Counts)
	}
	var pick, fresh, reject *corpus.Draft
	for _, d := range list.Drafts {
		switch d.BankName {
		case "重庆银行":
			pick = d
		case "青山测试农商行":
			fresh = d
		case "北京银行":
			reject = d
		}
	}
	if pick == nil || fresh == nil || reject == nil {
		t.Fatal("drafts of 重庆银行, 青山测试农商行 and 北京银行 missing")
	}
	if len(list.Banks) != 1 || list.Banks[0].ID != fresh.Bank.ID || list.Banks[0].Name != "青山测试农商行" || len(list.Banks[0].Drafts) != 1 {
		t.Fatalf("banks to review %+v", list.Banks)
	}
	one := fmt.Sprintf("/api/v1/drafts/%d", pick.ID)
	cc.do(t, w.ts.URL, exchange{name: "draft", method: "GET", path: one, token: ed, want: 200})
	cc.do(t, w.ts.URL, exchange{name: "draft unknown", method: "GET", path: "/api/v1/drafts/999", token: ed, want: 404})
	cc.do(t, w.ts.URL, exchange{name: "draft not a number", method: "GET", path: "/api/v1/drafts/x1", token: ed, want: 404, invalid: true})
	cc.do(t, w.ts.URL, exchange{name: "open drafts", method: "GET", path: "/api/v1/drafts?status=open", token: ed, want: 200})
	cc.do(t, w.ts.URL, exchange{name: "drafts of no status", method: "GET", path: "/api/v1/drafts?status=maybe", token: ed, want: 400, invalid: true})

	// The researcher's edit: the draft's excerpt and source, a title of
	// their own, the suggested theme accepted, the suggested dimensions
	// not; no bank (the draft's) and no id (the store's).
	edited, _ := json.Marshal(map[string]any{
		"kind": "case", "year": pick.Year,
		"title": map[string]any{"zh": "重庆银行以成长评分卡服务科创企业"}, "summary": map[string]any{"zh": "成长评分卡用于首贷审批。"},
		"body": pick.Source.Excerpt, "dimensions": []string{"application"}, "themes": []string{pick.Themes[0].Code},
		"source": map[string]any{"report": pick.Source.Report, "year": pick.Source.Year, "section": pick.Source.Section},
	})
	withID := strings.Replace(string(edited), `{"body"`, `{"id":"my-case","body"`, 1)
	cc.do(t, w.ts.URL, exchange{name: "publish anonymously", method: "POST", path: one + "/publish", ctype: J, body: string(edited), want: 401, invalid: true})
	cc.do(t, w.ts.URL, exchange{name: "publish invalid", method: "POST", path: one + "/publish", token: ed, ctype: J, body: `{"kind":"case"}`, want: 422})
	cc.do(t, w.ts.URL, exchange{name: "publish naming the case", method: "POST", path: one + "/publish", token: ed, ctype: J, body: withID, want: 422})
	res, body := cc.do(t, w.ts.URL, exchange{name: "publish", method: "POST", path: one + "/publish", token: ed, ctype: J, body: string(edited), want: 201})
	var c corpus.Case
	json.Unmarshal(body, &c)
	if c.ID != "r2026-s5-chongqing-bank" || c.Year != 2026 || c.Bank.ID != "chongqing-bank" || res.Header.Get("Location") != "/api/v1/cases/"+c.ID {
		t.Fatalf("published %+v, Location %q", c, res.Header.Get("Location"))
	}
	cc.do(t, w.ts.URL, exchange{name: "publish again", method: "POST", path: one + "/publish", token: ed, ctype: J, body: string(edited), want: 409})

	var hist struct{ History []corpus.HistoryEntry }
	if code := w.do(t, "GET", "/api/v1/cases/"+c.ID+"/history", "", nil, &hist); code != 200 || len(hist.History) != 1 || hist.History[0].Note != fmt.Sprintf("from draft %d", pick.ID) {
		t.Fatalf("history %d %+v", code, hist)
	}
	dec := hist.History[0].Decisions
	if dec == nil || !slices.Contains(dec.Accepted, "theme:"+pick.Themes[0].Code) || !slices.Contains(dec.Accepted, "bank_type:city_commercial") {
		t.Fatalf("decisions %+v of suggestions %+v %+v", dec, pick.Dimensions, pick.Themes)
	}
	for _, tg := range pick.Dimensions { // application kept, the others dropped
		kept := tg.Code == "application"
		if list := map[bool][]string{true: dec.Accepted, false: dec.Rejected}[kept]; !slices.Contains(list, "dimension:"+tg.Code) {
			t.Errorf("dimension %s (kept %v) not recorded so: %+v", tg.Code, kept, dec)
		}
	}
	var found struct {
		Total int
		Hits  []struct{ ID string }
	}
	if code := w.do(t, "GET", "/api/v1/search?year=2026&q="+url.QueryEscape("成长评分卡"), "", nil, &found); code != 200 || found.Total != 1 || found.Hits[0].ID != c.ID {
		t.Fatalf("search of the published case: %d %+v", code, found)
	}

	// The proposed bank: publishing its draft waits for its review.
	freshPath := fmt.Sprintf("/api/v1/drafts/%d", fresh.ID)
	freshEdit := `{"kind":"case","year":2026,"title":{"zh":"青山测试农商行布局数字服务站"},"summary":{"zh":"服务站覆盖二十个乡镇。"},"body":"服务站。","dimensions":["strategy"],"source":{"report":"中小银行数字化实践观察（2026）","year":2026,"section":"第三章 战略层面的实践","table":"表3"}}`
	_, body = cc.do(t, w.ts.URL, exchange{name: "publish with an unreviewed bank", method: "POST", path: freshPath + "/publish", token: ed, ctype: J, body: freshEdit, want: 409})
	if !strings.Contains(string(body), "no one has reviewed") || !strings.Contains(string(body), "/api/v1/draft-banks/"+fresh.Bank.ID) {
		t.Fatalf("409 says %s", body)
	}
	banks := "/api/v1/draft-banks/" + fresh.Bank.ID
	cc.do(t, w.ts.URL, exchange{name: "banks to review", method: "GET", path: "/api/v1/draft-banks", token: ed, want: 200})
	cc.do(t, w.ts.URL, exchange{name: "review a bank anonymously", method: "POST", path: banks, ctype: J, body: `{"bank":"长春农商银行"}`, want: 401, invalid: true})
	cc.do(t, w.ts.URL, exchange{name: "review no proposal", method: "POST", path: "/api/v1/draft-banks/bank-none", token: ed, ctype: J, body: `{"bank":"长春农商银行"}`, want: 404})
	_, body = cc.do(t, w.ts.URL, exchange{name: "review without an answer", method: "POST", path: banks, token: ed, ctype: J, body: `{}`, want: 422})
	if !strings.Contains(string(body), `"field":"type"`) || !strings.Contains(string(body), `"field":"region"`) {
		t.Fatalf("422 names %s", body)
	}
	cc.do(t, w.ts.URL, exchange{name: "review to no registry bank", method: "POST", path: banks, token: ed, ctype: J, body: `{"bank":"没有这家银行"}`, want: 422})
	cc.do(t, w.ts.URL, exchange{name: "review to a taken id", method: "POST", path: banks, token: ed, ctype: J, body: `{"id":"beijing-bank","type":"农商行","region":"四川"}`, want: 409})
	cc.do(t, w.ts.URL, exchange{name: "review with a stray field", method: "POST", path: banks, token: ed, ctype: J, body: `{"bank":"长春农商银行","colour":"red"}`, want: 400, invalid: true})
	_, body = cc.do(t, w.ts.URL, exchange{name: "register a bank", method: "POST", path: banks, token: ed, ctype: J, body: `{"id":"qingshan-rcb","type":"农商行","region":"四川"}`, want: 200})
	var rv corpus.BankReviewResult
	json.Unmarshal(body, &rv)
	if rv.Action != "new" || rv.Bank.ID != "qingshan-rcb" || rv.Bank.Type != "rural_commercial" || rv.Bank.Region != "sichuan" {
		t.Fatalf("review %+v", rv)
	}
	if code := w.do(t, "GET", "/api/v1/banks/qingshan-rcb", "", nil, nil); code != 200 {
		t.Fatalf("registered bank: %d", code)
	}
	_, body = cc.do(t, w.ts.URL, exchange{name: "publish after the bank review", method: "POST", path: freshPath + "/publish", token: ed, ctype: J, body: freshEdit, want: 201})
	json.Unmarshal(body, &c)
	if c.ID != "r2026-t3-qingshan-rcb" || c.Bank.Region != "sichuan" {
		t.Fatalf("published %+v", c)
	}

	gone := fmt.Sprintf("/api/v1/drafts/%d", reject.ID)
	cc.do(t, w.ts.URL, exchange{name: "reject", method: "DELETE", path: gone, token: ed, want: 204})
	cc.do(t, w.ts.URL, exchange{name: "reject again", method: "DELETE", path: gone, token: ed, want: 204})
	cc.do(t, w.ts.URL, exchange{name: "reject a published draft", method: "DELETE", path: one, token: ed, want: 409})
	cc.do(t, w.ts.URL, exchange{name: "publish a rejected draft", method: "POST", path: gone + "/publish", token: ed, ctype: J, body: string(edited), want: 409})
	_, body = cc.do(t, w.ts.URL, exchange{name: "rejected draft", method: "GET", path: gone, token: ed, want: 200})
	var rj corpus.Draft
	json.Unmarshal(body, &rj)
	if rj.Status != corpus.DraftRejected || rj.Reviewed == nil || rj.Reviewed.By != "Editor Ed" {
		t.Fatalf("rejected draft keeps no record: %+v", rj.Reviewed)
	}

	_, body = cc.do(t, w.ts.URL, exchange{name: "drafts after review", method: "GET", path: "/api/v1/drafts?status=published", token: ed, want: 200})
	list = api.DraftsJSON{}
	json.Unmarshal(body, &list)
	if len(list.Drafts) != 2 || list.Drafts[0].CaseID == "" || list.Counts != (api.DraftCounts{Extracted: 9, Open: 6, Published: 2, Rejected: 1, NewBanks: 1}) || len(list.Banks) != 0 {
		t.Fatalf("after review: %d drafts, counts %+v, banks %+v", len(list.Drafts), list.Counts, list.Banks)
	}
	// Drafts are not public: search knows only the published ones.
	if code := w.do(t, "GET", "/api/v1/search?year=2026", "", nil, &found); code != 200 || found.Total != 2 {
		t.Fatalf("2026 search: %d %+v", code, found)
	}
	if strings.Contains(w.logs.String(), "level=ERROR") {
		t.Errorf("errors logged:\n%s", w.logs)
	}
}

// An editor uploads an unseen edition's text to POST /api/v1/import and
// gets drafts with the summary per table and section, as casebank import
// prints it; again, nothing changes; ?async=true runs it as a job; the
// 2025 edition stays an import of cases unless ?drafts=true.
func TestImportUnseenEditionThroughTheAPI(t *testing.T) {
	w := newWriteSite(t)
	cc := newContractChecker(t, w.ts.URL)
	text, err := os.ReadFile("../corpus/report/testdata/2026/edition-2026.txt")
	if err != nil {
		t.Fatal(err)
	}
	before, _ := w.store.CountCases()
	T := "text/plain; charset=utf-8"
	_, body := cc.do(t, w.ts.URL, exchange{name: "import an unseen edition", method: "POST", path: "/api/v1/import", token: w.editor, ctype: T, body: string(text), want: 200})
	var got api.DraftImportJSON
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatal(err)
	}
	s := got.Summary
	if got.Kind != "drafts" || got.Drafts.Created != 9 || s.Layout != "generic" || s.Year != 2026 || s.Items != 9 || s.Resolved != 8 ||
		len(s.NewBanks) != 1 || s.NewBanks[0] != "青山测试农商行" || len(s.Unplaced) != 1 || len(s.Parts) != 3 || s.Parts[0].Where != "表3" || s.Parts[0].Items != 4 {
		t.Fatalf("answer %s", body)
	}
	if after, _ := w.store.CountCases(); after != before {
		t.Fatalf("the drafts import stored %d cases", after-before)
	}
	// The index follows the log past the drafts' entries: no lag.
	var health struct {
		Status   string `json:"status"`
		IndexLag int    `json:"index_lag"`
	}
	if code := w.do(t, "GET", "/healthz", "", nil, &health); code != 200 || health.Status != "ok" || health.IndexLag != 0 {
		t.Fatalf("healthz after the drafts import: %d %+v", code, health)
	}
	_, body = cc.do(t, w.ts.URL, exchange{name: "import it again", method: "POST", path: "/api/v1/import", token: w.editor, ctype: T, body: string(text), want: 200})
	got = api.DraftImportJSON{}
	json.Unmarshal(body, &got)
	if got.Drafts == nil || got.Drafts.Created+got.Drafts.Updated != 0 || got.Drafts.Same != 9 {
		t.Fatalf("second import %s", body)
	}
	var list api.DraftsJSON
	if code := w.do(t, "GET", "/api/v1/drafts", w.editor, nil, &list); code != 200 || list.Counts.Extracted != 9 {
		t.Fatalf("drafts %d %+v", code, list.Counts)
	}

	// As a job: checked first, then 202; done, it holds the same answer.
	job := w.startJob(t, "/api/v1/import?async=true", text)
	if job.Format != "drafts" || job.Total != 9 {
		t.Fatalf("job %+v", job)
	}
	done := w.waitJob(t, job.ID, api.JobDone, api.JobFailed)
	if done.State != api.JobDone || done.Drafts == nil || done.Drafts.Drafts.Same != 9 || done.Drafts.Summary.Items != 9 || done.Done != 9 {
		t.Fatalf("job %+v", done)
	}
	cc.do(t, w.ts.URL, exchange{name: "the drafts job", method: "GET", path: "/api/v1/jobs/" + job.ID, token: w.editor, want: 200})

	// Refusals: no credentials, a bad flag, a PDF, text naming no bank.
	cc.do(t, w.ts.URL, exchange{name: "import anonymously", method: "POST", path: "/api/v1/import", ctype: T, body: string(text), want: 401, invalid: true})
	cc.do(t, w.ts.URL, exchange{name: "drafts not a boolean", method: "POST", path: "/api/v1/import?drafts=maybe", token: w.editor, ctype: T, body: string(text), want: 400, invalid: true})
	_, body = cc.do(t, w.ts.URL, exchange{name: "import a PDF", method: "POST", path: "/api/v1/import", token: w.editor, ctype: "application/pdf", body: "%PDF-1.4\n%fake\n", want: 415, invalid: true})
	if !strings.Contains(string(body), "pdftotext") {
		t.Fatalf("415 says %s", body)
	}
	cc.do(t, w.ts.URL, exchange{name: "import text naming no bank", method: "POST", path: "/api/v1/import", token: w.editor, ctype: T, body: "某研究报告（2026）\n\n这里没有银行。\n", want: 400})
	if code, _, body := w.post(t, "/api/v1/import?async=true", w.editor, []byte("某研究报告（2026）\n\n这里没有银行。\n")); code != 400 {
		t.Fatalf("async import of text naming no bank: %d %s", code, body)
	}

	// The 2025 edition: cases, as before; with ?drafts=true, drafts.
	mini, err := os.ReadFile("../corpus/report/testdata/2025/mini-report.txt")
	if err != nil {
		t.Fatal(err)
	}
	var res corpus.ImportResult
	if code := w.do(t, "POST", "/api/v1/import", w.editor, mini, &res); code != 200 || res.Merged != 8 || res.Created != 1 {
		t.Fatalf("2025 import: %d %+v", code, res)
	}
	_, body = cc.do(t, w.ts.URL, exchange{name: "import the 2025 edition as drafts", method: "POST", path: "/api/v1/import?drafts=true", token: w.editor, ctype: T, body: string(mini), want: 200})
	got = api.DraftImportJSON{}
	json.Unmarshal(body, &got)
	if got.Kind != "drafts" || got.Summary.Layout != "2025" || got.Drafts.Created != 9 {
		t.Fatalf("2025 as drafts: %s", body)
	}
}
