package ui_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"casebank/corpus"
	"casebank/corpus/report"
)

// A researcher reviews an unseen edition's drafts on /review: the new
// bank first (its draft waits for it, and so does its table's bulk
// publish), one draft published with the tags they ticked, one rejected, a
// table published whole; the counts follow, the cases are searchable with
// their year, the page speaks one language, and every form needs its CSRF
// token.
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
	if code, page := read(http.Get(ts.URL + "/review")); code != 200 || !strings.Contains(page, `name="signin_csrf"`) { // the sign-in page, after the redirect
		t.Fatalf("review without a session: %d", code)
	}
	_, page := read(client.Get(ts.URL + "/signin?next=/review"))
	code, page := read(client.PostForm(ts.URL+"/signin", url.Values{"token": {secret}, "next": {"/review"}, "signin_csrf": {between(page, `name="signin_csrf" value="`, `"`)}}))
	if code != 200 {
		t.Fatalf("sign-in: %d", code)
	}
	for _, w := range []string{"抽取 9 · 待审 9 · 已发布 0 · 已拒绝 0 · 新银行 1 · 待审阅的银行 1", "表3 战略层面代表性做法", "表4-2", "五、科技金融专题",
		"待审阅的新银行", "青山测试农商行", "机器拟定", "报告的表题或标题点名“战略层面”", "<span>战略</span>", "本组有草稿的银行待审阅"} {
		if !strings.Contains(page, w) {
			t.Errorf("review page lacks %q", w)
		}
	}
	if text := tagRE.ReplaceAllString(mainRE.FindString(page), ""); regexp.MustCompile(`[A-Za-z]{3,}`).MatchString(text) {
		t.Errorf("Chinese review page has English: %q", regexp.MustCompile(`[A-Za-z]{3,}`).FindAllString(text, 5))
	}
	csrf := between(page, `name="csrf" value="`, `"`)
	drafts, err := testStore.Drafts(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	id := map[string]string{}
	var proposed string
	for _, d := range drafts {
		id[d.BankName] = strconv.FormatUint(d.ID, 10)
		if d.NewBank {
			proposed = d.Bank.ID
		}
	}
	// The new bank's draft and its table wait for the bank's review.
	if !strings.Contains(between(page, `id="draft-`+id["青山测试农商行"]+`"`, `</form>`), `value="publish" disabled`) {
		t.Errorf("the new bank's draft can be published before the bank's review")
	}
	code, page = read(client.PostForm(ts.URL+"/review/"+id["青山测试农商行"], url.Values{"csrf": {csrf}, "action": {"publish"}, "dimension": {"strategy"}}))
	if code != 409 || !strings.Contains(page, "的银行尚未登记") {
		t.Fatalf("publish with an unreviewed bank: %d %s", code, between(page, `role="alert">`, `</p>`))
	}
	if code, page = read(client.PostForm(ts.URL+"/review/bulk", url.Values{"csrf": {csrf}, "where": {"表3"}})); code != 409 || !strings.Contains(page, "本组有待审阅的新银行") {
		t.Fatalf("bulk publish with an unreviewed bank: %d", code)
	}
	if code, _ := read(client.PostForm(ts.URL+"/review/banks/"+proposed, url.Values{"action": {"new"}, "type": {"rural_commercial"}, "region": {"sichuan"}})); code != 403 {
		t.Fatalf("bank review without the CSRF token: %d", code)
	}
	if code, page = read(client.PostForm(ts.URL+"/review/banks/"+proposed, url.Values{"csrf": {csrf}, "action": {"new"}, "type": {"rural_commercial"}})); code != 422 || !strings.Contains(page, "请选择类型和地区") {
		t.Fatalf("register without a region: %d", code)
	}
	code, page = read(client.PostForm(ts.URL+"/review/banks/"+proposed, url.Values{"csrf": {csrf}, "action": {"new"}, "type": {"rural_commercial"}, "region": {"sichuan"}, "name_en": {"Qingshan Test RCB"}}))
	if code != 200 || !strings.Contains(page, "已登记新银行") || !strings.Contains(page, "待审阅的银行 0") || strings.Contains(page, `value="publish" disabled`) {
		t.Fatalf("register the bank: %d %s", code, between(page, `<p class="counts">`, `</p>`))
	}
	if b, err := testStore.FindBankByID(ctx, proposed); err != nil || b.Region != "sichuan" || b.NameEN != "Qingshan Test RCB" {
		t.Fatalf("registered bank %+v %v", b, err)
	}

	if code, _ := read(client.PostForm(ts.URL+"/review/"+id["重庆银行"], url.Values{"csrf": {csrf}, "action": {"publish"},
		"title_zh": {"重庆银行成长评分卡"}, "title_en": {"Bank of Chongqing's growth scorecard"}, "dimension": {"application"}, "theme": {"tech_finance"}})); code != 200 {
		t.Fatalf("publish: %d", code)
	}
	if code, _ := read(client.PostForm(ts.URL+"/review/"+id["北京银行"], url.Values{"csrf": {csrf}, "action": {"publish"}})); code != 422 {
		t.Fatalf("publish without a dimension: %d", code)
	}
	if code, _ := read(client.PostForm(ts.URL+"/review/"+id["青山测试农商行"], url.Values{"csrf": {csrf}, "action": {"reject"}})); code != 200 {
		t.Fatalf("reject: %d", code)
	}
	if code, _ := read(client.PostForm(ts.URL+"/review/"+id["北京银行"], url.Values{"action": {"reject"}})); code != 403 {
		t.Fatalf("reject without the CSRF token: %d", code)
	}
	code, page = read(client.PostForm(ts.URL+"/review/bulk", url.Values{"csrf": {csrf}, "where": {"表4-2"}}))
	if code != 200 || !strings.Contains(page, "抽取 9 · 待审 5 · 已发布 3 · 已拒绝 1 · 新银行 1 · 待审阅的银行 0") || !strings.Contains(page, "已按建议发布 2 篇草稿") || strings.Contains(page, "杭州银行") {
		t.Fatalf("after review: %d\n%s", code, between(page, `<p class="counts">`, `</p>`))
	}
	// The English page: no Chinese outside the Chinese originals.
	en := getWith(t, client, ts.URL+"/review?lang=en")
	for _, w := range []string{"Extracted 9 · Open 5 · Published 3 · Rejected 1 · New banks 1 · Banks to review 0", "Table 3", "Section 5", "<span>strategy</span>", "the report&#39;s caption or heading names it"} {
		if !strings.Contains(en, w) {
			t.Errorf("English review page lacks %q", w)
		}
	}
	text := tagRE.ReplaceAllString(regexp.MustCompile(`(?s)<details class="original">.*?</details>|<select.*?</select>`).ReplaceAllString(mainRE.FindString(en), ""), "")
	if m := hanRE.FindAllString(text, 5); m != nil {
		t.Errorf("English review page has Chinese outside the originals: %q", m)
	}

	cases, err := testStore.FindCases(ctx, corpus.Filter{"year": {"2026"}})
	if err != nil {
		t.Fatal(err)
	}
	titles := map[string]*corpus.Case{}
	for _, c := range cases {
		titles[c.Bank.Name] = c
	}
	if cq := titles["重庆银行"]; cq == nil || cq.ID != "r2026-s5-chongqing-bank" || cq.Title.ZH != "重庆银行成长评分卡" || cq.Title.EN == "" || strings.Join(cq.Themes, ",") != "tech_finance" {
		t.Fatalf("published case %+v", cq)
	}
	hist, err := testStore.History(ctx, "r2026-s5-chongqing-bank")
	if err != nil || len(hist) != 1 || hist[0].Decisions == nil || !slices.Contains(hist[0].Decisions.Accepted, "theme:tech_finance") {
		t.Fatalf("history %+v %v", hist, err)
	}
	if hz := titles["杭州银行"]; hz == nil || strings.Join(hz.Dimensions, ",") != "data" || hz.ID != "r2026-t4-2-hangzhou-bank" {
		t.Fatalf("bulk-published case %+v", hz)
	}
	code, page = read(client.Get(ts.URL + "/?year=2026"))
	if code != 200 || !strings.Contains(page, "重庆银行成长评分卡") {
		t.Fatalf("search of 2026: %d", code)
	}
}
