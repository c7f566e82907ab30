package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"

	"casebank/api"
	"casebank/corpus"
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
	if _, res, err := report.ImportDrafts(context.Background(), w.store, sg, f, "casebank-import"); err != nil || res.Created != 9 {
		t.Fatalf("import drafts: %+v %v", res, err)
	}
}

// The review queue over real HTTP, every answer checked against the
// contract: list, read, publish (then an ordinary, searchable 2026 case
// whose history says which draft it came from), reject, and the refusals.
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
	if len(list.Drafts) != 9 || list.Counts != (api.DraftCounts{Extracted: 9, Open: 9, NewBanks: 1}) {
		t.Fatalf("%d drafts, counts %+v", len(list.Drafts), list.Counts)
	}
	var pick, reject *corpus.Draft
	for _, d := range list.Drafts {
		switch d.Bank.Name {
		case "重庆银行":
			pick = d
		case "青山测试农商行":
			reject = d
		}
	}
	if pick == nil || reject == nil {
		t.Fatal("drafts of 重庆银行 and 青山测试农商行 missing")
	}
	one := fmt.Sprintf("/api/v1/drafts/%d", pick.ID)
	cc.do(t, w.ts.URL, exchange{name: "draft", method: "GET", path: one, token: ed, want: 200})
	cc.do(t, w.ts.URL, exchange{name: "draft unknown", method: "GET", path: "/api/v1/drafts/999", token: ed, want: 404})
	cc.do(t, w.ts.URL, exchange{name: "draft not a number", method: "GET", path: "/api/v1/drafts/x1", token: ed, want: 404, invalid: true})
	cc.do(t, w.ts.URL, exchange{name: "open drafts", method: "GET", path: "/api/v1/drafts?status=open", token: ed, want: 200})
	cc.do(t, w.ts.URL, exchange{name: "drafts of no status", method: "GET", path: "/api/v1/drafts?status=maybe", token: ed, want: 400, invalid: true})

	// The researcher's edit: the draft's excerpt and source, a title of
	// their own, the suggested theme accepted.
	edited, _ := json.Marshal(map[string]any{
		"kind": "case", "year": pick.Year, "bank": map[string]any{"id": pick.Bank.ID},
		"title": map[string]any{"zh": "重庆银行以成长评分卡服务科创企业"}, "summary": map[string]any{"zh": "成长评分卡用于首贷审批。"},
		"body": pick.Source.Excerpt, "dimensions": []string{"application"}, "themes": []string{pick.Themes[0].Code},
		"source": map[string]any{"report": pick.Source.Report, "year": pick.Source.Year, "section": pick.Source.Section},
	})
	cc.do(t, w.ts.URL, exchange{name: "publish anonymously", method: "POST", path: one + "/publish", ctype: J, body: string(edited), want: 401, invalid: true})
	cc.do(t, w.ts.URL, exchange{name: "publish invalid", method: "POST", path: one + "/publish", token: ed, ctype: J, body: `{"kind":"case"}`, want: 422})
	res, body := cc.do(t, w.ts.URL, exchange{name: "publish", method: "POST", path: one + "/publish", token: ed, ctype: J, body: string(edited), want: 201})
	var c corpus.Case
	json.Unmarshal(body, &c)
	if c.ID == "" || c.Year != 2026 || res.Header.Get("Location") != "/api/v1/cases/"+c.ID {
		t.Fatalf("published %+v, Location %q", c, res.Header.Get("Location"))
	}
	cc.do(t, w.ts.URL, exchange{name: "publish again", method: "POST", path: one + "/publish", token: ed, ctype: J, body: string(edited), want: 409})

	var hist struct{ History []corpus.HistoryEntry }
	if code := w.do(t, "GET", "/api/v1/cases/"+c.ID+"/history", "", nil, &hist); code != 200 || len(hist.History) != 1 || hist.History[0].Note != fmt.Sprintf("from draft %d", pick.ID) {
		t.Fatalf("history %d %+v", code, hist)
	}
	var found struct {
		Total int
		Hits  []struct{ ID string }
	}
	if code := w.do(t, "GET", "/api/v1/search?year=2026&q="+url.QueryEscape("成长评分卡"), "", nil, &found); code != 200 || found.Total != 1 || found.Hits[0].ID != c.ID {
		t.Fatalf("search of the published case: %d %+v", code, found)
	}

	gone := fmt.Sprintf("/api/v1/drafts/%d", reject.ID)
	cc.do(t, w.ts.URL, exchange{name: "reject", method: "DELETE", path: gone, token: ed, want: 204})
	cc.do(t, w.ts.URL, exchange{name: "reject again", method: "DELETE", path: gone, token: ed, want: 204})
	cc.do(t, w.ts.URL, exchange{name: "reject a published draft", method: "DELETE", path: one, token: ed, want: 409})
	cc.do(t, w.ts.URL, exchange{name: "publish a rejected draft", method: "POST", path: gone + "/publish", token: ed, ctype: J, body: string(edited), want: 409})

	_, body = cc.do(t, w.ts.URL, exchange{name: "drafts after review", method: "GET", path: "/api/v1/drafts?status=published", token: ed, want: 200})
	list = api.DraftsJSON{}
	json.Unmarshal(body, &list)
	if len(list.Drafts) != 1 || list.Drafts[0].CaseID != c.ID || list.Counts != (api.DraftCounts{Extracted: 9, Open: 7, Published: 1, Rejected: 1}) {
		t.Fatalf("after review: %d drafts, counts %+v", len(list.Drafts), list.Counts)
	}
	// Drafts are not public: search knows only the published one.
	if code := w.do(t, "GET", "/api/v1/search?year=2026", "", nil, &found); code != 200 || found.Total != 1 {
		t.Fatalf("2026 search: %d %+v", code, found)
	}
	if strings.Contains(w.logs.String(), "level=ERROR") {
		t.Errorf("errors logged:\n%s", w.logs)
	}
}
