package ui_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"casebank/corpus"
)

// signedInAs returns a client signed in with a new token of role, and the
// CSRF token of its session.
func signedInAs(t *testing.T, base, role string) (*http.Client, string) {
	t.Helper()
	secret, _, err := testStore.CreateToken(context.Background(), role+"测试", role)
	if err != nil {
		t.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	page := getWith(t, client, base+"/signin")
	res, err := client.PostForm(base+"/signin", url.Values{"token": {secret}, "next": {"/codebook"}, "signin_csrf": {between(page, `name="signin_csrf" value="`, `"`)}})
	if err != nil || res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in as %s: %v %v", role, res.StatusCode, err)
	}
	res.Body.Close()
	page = getWith(t, client, base+"/codebook")
	return client, between(page, `name="csrf" value="`, `"`)
}

func post(t *testing.T, c *http.Client, u string, form url.Values) (int, http.Header, string) {
	t.Helper()
	res, err := c.PostForm(u, form)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, string(b)
}

// searchTotal is the number of cases the API finds with a theme: counted
// another way than the codebook page counts them.
func searchTotal(t *testing.T, base, theme string) int {
	t.Helper()
	res, err := http.Get(base + "/api/v1/search?infer=false&theme=" + theme)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var body struct{ Total int }
	if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	return body.Total
}

// countOf reads a code's case count from the codebook page.
func countOf(t *testing.T, page, code string) int {
	t.Helper()
	m := regexp.MustCompile(`<tr><td><code>` + code + `</code></td>.*?<td class="num">(?:<a href="[^"]*">)?(\d+)`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no row for %s on the codebook page", code)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

func themeOf(t *testing.T, base, code string) corpus.Value {
	t.Helper()
	res, err := http.Get(base + "/api/v1/taxonomy")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var tax corpus.Taxonomy
	if err := json.NewDecoder(res.Body).Decode(&tax); err != nil {
		t.Fatal(err)
	}
	v, _ := tax.Lookup(corpus.FacetTheme, code)
	return v
}

func TestCodebookPage(t *testing.T) {
	ts, _ := newSite(t)
	// Visitors are sent to sign in.
	res, err := noRedirect.Get(ts.URL + "/codebook")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/signin?next=%2Fcodebook" {
		t.Fatalf("anonymous: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	// An editor sees every list with its counts, and no form to change it.
	editor, edCSRF := signedInAs(t, ts.URL, corpus.RoleEditor)
	page := getWith(t, editor, ts.URL+"/codebook")
	for _, want := range []string{"<h2 id=\"cb-dimension\">维度</h2>", "<h2 id=\"cb-theme\">主题</h2>", "<h2 id=\"cb-bank_type\">银行类型</h2>",
		`<td lang="zh-CN">人工智能</td><td lang="en">artificial intelligence</td>`, "<code>city_commercial</code>", "<code>strategy</code>"} {
		if !strings.Contains(page, want) {
			t.Errorf("codebook page lacks %q", want)
		}
	}
	if strings.Contains(page, `name="op"`) {
		t.Error("an editor is offered the admin's forms")
	}
	for _, code := range []string{"ai", "xinchuang", "consumer", "inclusive"} {
		if got, want := countOf(t, page, code), searchTotal(t, ts.URL, code); got != want || want == 0 {
			t.Errorf("theme %s: the page counts %d cases, a search finds %d", code, got, want)
		}
	}
	if n := countOf(t, page, "city_commercial"); n < 10 {
		t.Errorf("city_commercial counts %d cases", n)
	}
	// An editor's change is refused, even with the session's CSRF token.
	if code, _, _ := post(t, editor, ts.URL+"/codebook", url.Values{"csrf": {edCSRF}, "op": {"retire"}, "code": {"ai"}}); code != http.StatusForbidden {
		t.Fatalf("editor's change: %d", code)
	}

	admin, csrf := signedInAs(t, ts.URL, corpus.RoleAdmin)
	page = getWith(t, admin, ts.URL+"/codebook")
	if strings.Count(page, `name="op"`) != 4 {
		t.Fatalf("the admin is not offered add, rename, merge and retire")
	}
	rename := url.Values{"csrf": {csrf}, "op": {"rename"}, "code": {"risk"}, "zh": {"风险与合规"}, "en": {"risk and compliance"}}
	// Without the CSRF token: refused, nothing changes.
	noCSRF := url.Values{"op": rename["op"], "code": rename["code"], "zh": rename["zh"], "en": rename["en"], "confirm": {"yes"}}
	if code, _, _ := post(t, admin, ts.URL+"/codebook", noCSRF); code != http.StatusForbidden {
		t.Fatalf("change without CSRF: %d", code)
	}
	if v := themeOf(t, ts.URL, "risk"); v.ZH != "风险管理" {
		t.Fatalf("a refused change renamed risk to %q", v.ZH)
	}
	// The preview says what changes and how many cases carry the theme,
	// and changes nothing.
	carrying := searchTotal(t, ts.URL, "risk")
	code, _, preview := post(t, admin, ts.URL+"/codebook", rename)
	if code != 200 || !strings.Contains(preview, `<del lang="zh-CN">风险管理</del> → <ins lang="zh-CN">风险与合规</ins>`) ||
		!strings.Contains(preview, strconv.Itoa(carrying)+" 个案例带有此主题") || !strings.Contains(preview, `name="confirm" value="yes"`) {
		t.Fatalf("rename preview (%d):\n%s", code, mainRE.FindString(preview))
	}
	if v := themeOf(t, ts.URL, "risk"); v.ZH != "风险管理" {
		t.Fatalf("the preview renamed risk to %q", v.ZH)
	}
	// Confirmed: the label changes, the old one stays an alias.
	rename.Set("confirm", "yes")
	code, h, _ := post(t, admin, ts.URL+"/codebook", rename)
	if code != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/codebook?") {
		t.Fatalf("apply rename: %d %s", code, h.Get("Location"))
	}
	page = getWith(t, admin, ts.URL+h.Get("Location"))
	if !strings.Contains(page, `<td lang="zh-CN">风险与合规</td><td lang="en">risk and compliance</td>`) || !strings.Contains(page, "已重命名主题 risk") {
		t.Fatalf("the codebook page does not show the new label")
	}
	if v := themeOf(t, ts.URL, "risk"); v.ZH != "风险与合规" || v.EN != "risk and compliance" || !strings.Contains(strings.Join(v.AliasesZH, ","), "风险管理") {
		t.Fatalf("risk after the rename: %+v", v)
	}
	if page := getWith(t, admin, ts.URL+"/codebook?done=add&code="+url.QueryEscape("<b>钓鱼</b>")); strings.Contains(page, `class="done"`) {
		t.Errorf("a forged done link shows its text")
	}
	if countOf(t, page, "risk") != carrying {
		t.Errorf("the rename changed risk's count")
	}

	// Merge: the preview counts the cases that move; afterwards they carry
	// the target.
	from, into := searchTotal(t, ts.URL, "consumer"), searchTotal(t, ts.URL, "inclusive")
	merge := url.Values{"csrf": {csrf}, "op": {"merge"}, "code": {"consumer"}, "into": {"inclusive"}}
	if code, _, preview = post(t, admin, ts.URL+"/codebook", merge); code != 200 || !strings.Contains(preview, strconv.Itoa(from)+" 个案例的标签由 <code>consumer</code> 改为 <code>inclusive</code>") {
		t.Fatalf("merge preview (%d):\n%s", code, mainRE.FindString(preview))
	}
	if n := strings.Count(between(preview, `<ul class="affected">`, `</ul>`), "<li>"); n != from {
		t.Errorf("the merge preview lists %d cases, %d carry the theme", n, from)
	}
	merge.Set("confirm", "yes")
	if code, _, _ := post(t, admin, ts.URL+"/codebook", merge); code != http.StatusSeeOther {
		t.Fatalf("apply merge: %d", code)
	}
	page = getWith(t, admin, ts.URL+"/codebook")
	if strings.Contains(page, "<code>consumer</code>") || countOf(t, page, "inclusive") <= into || countOf(t, page, "inclusive") > into+from {
		t.Errorf("after the merge: consumer still listed or inclusive counts %d (was %d, +%d)", countOf(t, page, "inclusive"), into, from)
	}

	// A refused change says why, in the page's language, and keeps the form.
	bad := url.Values{"csrf": {csrf}, "op": {"add"}, "code": {"Bad Code"}, "zh": {"新主题"}, "en": {"new theme"}}
	if code, _, body := post(t, admin, ts.URL+"/codebook", bad); code != http.StatusUnprocessableEntity || !strings.Contains(body, "修改无效：代码须为") || !strings.Contains(body, `value="Bad Code"`) {
		t.Errorf("bad code: %d", code)
	}
	dup := url.Values{"csrf": {csrf}, "op": {"add"}, "code": {"ai"}, "zh": {"人工智能"}, "en": {"AI"}}
	if code, _, body := post(t, admin, ts.URL+"/codebook?lang=en", dup); code != http.StatusConflict || !strings.Contains(body, "already exists") {
		t.Errorf("existing code: %d", code)
	}
	// The Chinese page has no English outside the English labels and the codes.
	zhText := tagRE.ReplaceAllString(regexp.MustCompile(`(?s)<td lang="en">.*?</td>|<td class="aliases">.*?</td>|<code>[^<]*</code>|<option [^>]*>[^<]*</option>`).ReplaceAllString(mainRE.FindString(page), ""), "")
	if m := regexp.MustCompile(`[A-Za-z]{3,}`).FindString(zhText); m != "" {
		t.Errorf("Chinese codebook page has English (%q)", m)
	}
	// The English page reads in English outside the Chinese labels.
	en := getWith(t, admin, ts.URL+"/codebook?lang=en")
	text := tagRE.ReplaceAllString(regexp.MustCompile(`(?s)<(td|span|option) lang="zh-CN">.*?</(td|span)>|<option value="[^"]*">[^<]*</option>`).ReplaceAllString(mainRE.FindString(en), ""), "")
	if m := hanRE.FindString(text); m != "" || !strings.Contains(en, "Chinese label") || !strings.Contains(en, "Rename a theme") {
		t.Errorf("English codebook page has Chinese (%q) or lacks its English headings", m)
	}
}
