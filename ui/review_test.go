package ui_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"

	"casebank/corpus"
	"casebank/corpus/report"
)

// A researcher reviews an unseen edition's drafts on /review: one
// published with the tags they ticked, one rejected, a table published
// whole; the counts follow and the cases are searchable with their year.
func TestReviewPage(t *testing.T) {
	ts, _ := newSite(t)
	ctx := context.Background()
	f, err := os.Open("../corpus/report/testdata/2026/edition-2026.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, res, err := report.ImportDrafts(ctx, testStore, nil, f, "casebank-import"); err != nil || res.Created != 9 {
		t.Fatalf("import drafts: %+v %v", res, err)
	}
	secret, _, err := testStore.CreateToken(ctx, "研究员", corpus.RoleEditor)
	if err != nil {
		t.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	read := func(res *http.Response, err error) (int, string) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	if code, _ := read(http.Get(ts.URL + "/review")); code != 200 { // the sign-in page, after the redirect
		t.Fatalf("review without a session: %d", code)
	}
	_, page := read(client.Get(ts.URL + "/signin?next=/review"))
	code, page := read(client.PostForm(ts.URL+"/signin", url.Values{"token": {secret}, "next": {"/review"}, "signin_csrf": {between(page, `name="signin_csrf" value="`, `"`)}}))
	if code != 200 {
		t.Fatalf("sign-in: %d", code)
	}
	for _, w := range []string{"抽取 9 · 待审 9 · 已发布 0 · 已拒绝 0 · 新银行 1", "表3 战略层面代表性做法", "表4-2", "节-五、科技金融专题", "新银行（待登记）", "机器拟定", "caption names 战略层面"} {
		if !strings.Contains(page, w) {
			t.Errorf("review page lacks %q", w)
		}
	}
	csrf := between(page, `name="csrf" value="`, `"`)
	drafts, err := testStore.Drafts(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	id := map[string]string{}
	for _, d := range drafts {
		id[d.Bank.Name] = strconv.FormatUint(d.ID, 10)
	}
	if code, _ := read(client.PostForm(ts.URL+"/review/"+id["重庆银行"], url.Values{"csrf": {csrf}, "action": {"publish"},
		"title_zh": {"重庆银行成长评分卡"}, "dimension": {"application"}, "theme": {"tech_finance"}})); code != 200 {
		t.Fatalf("publish: %d", code)
	}
	if code, _ := read(client.PostForm(ts.URL+"/review/"+id["青山测试农商行"], url.Values{"csrf": {csrf}, "action": {"reject"}})); code != 200 {
		t.Fatalf("reject: %d", code)
	}
	if code, _ := read(client.PostForm(ts.URL+"/review/"+id["北京银行"], url.Values{"action": {"reject"}})); code != 403 {
		t.Fatalf("reject without the CSRF token: %d", code)
	}
	code, page = read(client.PostForm(ts.URL+"/review/bulk", url.Values{"csrf": {csrf}, "where": {"表4-2"}}))
	if code != 200 || !strings.Contains(page, "抽取 9 · 待审 5 · 已发布 3 · 已拒绝 1 · 新银行 0") || strings.Contains(page, "杭州银行") {
		t.Fatalf("after review: %d\n%s", code, between(page, `<p class="counts">`, `</p>`))
	}
	cases, err := testStore.FindCases(ctx, corpus.Filter{"year": {"2026"}})
	if err != nil {
		t.Fatal(err)
	}
	titles := map[string]*corpus.Case{}
	for _, c := range cases {
		titles[c.Bank.Name] = c
	}
	if cq := titles["重庆银行"]; cq == nil || cq.Title.ZH != "重庆银行成长评分卡" || strings.Join(cq.Themes, ",") != "tech_finance" {
		t.Fatalf("published case %+v", cq)
	}
	if hz := titles["杭州银行"]; hz == nil || strings.Join(hz.Dimensions, ",") != "data" {
		t.Fatalf("bulk-published case %+v", hz)
	}
	code, page = read(client.Get(ts.URL + "/?year=2026"))
	if code != 200 || !strings.Contains(page, "重庆银行成长评分卡") {
		t.Fatalf("search of 2026: %d", code)
	}
}
