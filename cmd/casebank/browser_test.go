package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"casebank/corpus"
)

// chromiumPath finds Debian's Chromium. Without it the browser tests skip,
// loudly, except under CI=true, where a missing browser fails the run.
func chromiumPath(t *testing.T) string {
	for _, p := range []string{os.Getenv("CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if p != "" {
			if _, err := os.Stat(p); err == nil {
				return p
			}
		}
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("Chromium is missing: install Debian's chromium (apt-get install -y chromium); CI=true requires the browser tests")
	}
	t.Skip("!!! SKIPPING THE BROWSER TESTS: Chromium is not installed (apt-get install -y chromium) !!!")
	return ""
}

// browser starts headless Chromium with a window of the given size.
func browser(t *testing.T, width, height int) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.NoSandbox, chromedp.DisableGPU, chromedp.Headless,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(width, height),
	)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(alloc)
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return ctx
}

// get runs an action that reads something, failing the test on error.
func get[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// do runs steps, failing the test on error.
func do(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatal(err)
	}
}

// follow clicks a link or button and waits for the page it loads.
func follow(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(sel))); err != nil {
		t.Fatalf("click %s: %v", sel, err)
	}
}

// screenshotDir collects the PNGs the README shows.
var screenshotDir = filepath.Join("..", "..", "docs", "screenshots")

func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png := get(t, ctx, chromedp.FullScreenshot(100)) // quality 100 means PNG
	os.MkdirAll(screenshotDir, 0o755)
	if err := os.WriteFile(filepath.Join(screenshotDir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// seededWithToken seeds and indexes a new data directory and makes a token
// of the role in it; it returns the directory and the token's secret.
func seededWithToken(t *testing.T, name, role string) (dir, secret string) {
	t.Helper()
	dir = filepath.Join(t.TempDir(), "data")
	return dir, seedWithToken(t, dir, name, role)
}

// browserSite runs the real server on :0, with any extra serve flags, and
// an editor token.
func browserSite(t *testing.T, flags ...string) (base, token string) {
	t.Helper()
	dir, token := seededWithToken(t, "浏览器测试", corpus.RoleEditor)
	base, stop := serveInProcess(t, dir, flags...)
	t.Cleanup(func() { stop() })
	return strings.TrimSuffix(base, "/"), token
}

func TestBrowserSearchCaseLanguage(t *testing.T) {
	base, _ := browserSite(t)
	ctx := browser(t, 1280, 900)
	do(t, ctx, chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.ID("q")))
	if _, err := chromedp.RunResponse(ctx, chromedp.SendKeys(chromedp.ID("q"), "DeepSeek deployments at city commercial banks\n")); err != nil {
		t.Fatal(err)
	}
	do(t, ctx, chromedp.WaitVisible(chromedp.CSS(".chip")))
	chips := get(t, ctx, chromedp.Text(chromedp.CSS(".chips")))
	hits := get(t, ctx, chromedp.Text(chromedp.CSS(".hits")))
	total1 := get(t, ctx, chromedp.Text(chromedp.CSS(".total")))
	if !strings.Contains(chips, "城商行") || !strings.Contains(hits, "DeepSeek") || !strings.Contains(hits, "江苏银行") {
		t.Fatalf("chips %q; hits lack the DeepSeek cases of 城商行", chips)
	}
	// On a wide screen the facets are a sidebar, no control to open them.
	if !get(t, ctx, chromedp.Evaluate[bool](`(() => { const f = document.querySelector(".facets"), s = document.querySelector(".filters > summary");
		return f.checkVisibility() && f.getBoundingClientRect().height > 100 && !s.checkVisibility() })()`)) {
		t.Errorf("desktop: the facets are not a visible sidebar")
	}
	screenshot(t, ctx, "search")
	// Remove the bank type's chip (DeepSeek's theme stays): more results.
	follow(t, ctx, `.chip a[aria-label*="城商行"]`)
	do(t, ctx, chromedp.WaitNotPresent(chromedp.CSS(`.chip a[aria-label*="城商行"]`)))
	if total2 := get(t, ctx, chromedp.Text(chromedp.CSS(".total"))); number(total2) <= number(total1) {
		t.Fatalf("without the chip %q, with it %q", total2, total1)
	}
	// Click a facet: the URL and the selection follow.
	follow(t, ctx, `.facets a[href*="bank_type=private"]`)
	do(t, ctx, chromedp.WaitVisible(chromedp.CSS(".facets a.selected")))
	loc := get(t, ctx, chromedp.Location())
	selected := get(t, ctx, chromedp.Text(chromedp.CSS(".facets a.selected")))
	if !strings.Contains(loc, "bank_type=private") || !strings.Contains(selected, "民营银行") {
		t.Fatalf("facet: %s %q", loc, selected)
	}
	// Open a case; its citation is there to copy.
	follow(t, ctx, ".hit h3 a")
	do(t, ctx, chromedp.WaitVisible(chromedp.ID("citation")))
	citation := get(t, ctx, chromedp.Value(chromedp.ID("citation")))
	title := get(t, ctx, chromedp.Text(chromedp.CSS("h1")))
	if !strings.Contains(citation, "@incollection{") || !strings.Contains(citation, corpus.ReportPublisher) {
		t.Fatalf("citation %q", citation)
	}
	if !get(t, ctx, chromedp.Evaluate[bool](`!document.querySelector("button.copy").hidden`)) {
		t.Error("the copy-citation button is not shown")
	}
	screenshot(t, ctx, "case")
	// Switch to English; the choice is remembered.
	follow(t, ctx, "a.lang")
	h1 := get(t, ctx, chromedp.Text(chromedp.CSS("h1")))
	do(t, ctx, chromedp.Navigate(base+"/"))
	label := get(t, ctx, chromedp.Text(chromedp.CSS(`label[for="q"]`)))
	if label != "Search cases" || h1 == title {
		t.Fatalf("English: label %q, title %q (was %q)", label, h1, title)
	}
	// Stats and bank pages render.
	do(t, ctx, chromedp.Navigate(base+"/stats"), chromedp.WaitVisible(chromedp.CSS(".radar svg")))
	if n := get(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll(".radar svg polygon.year").length`)); n != 9 {
		t.Fatalf("stats: %d year polygons", n)
	}
	screenshot(t, ctx, "stats")
	do(t, ctx, chromedp.Navigate(base+"/banks/chengdu-rcb"), chromedp.WaitVisible(chromedp.CSS(".similar")))
	if n := get(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll(".similar li a").length`)); n == 0 {
		t.Fatal("bank page without peers")
	}
}

// At phone width nothing overflows sideways and the search works.
func TestBrowserPhoneWidth(t *testing.T) {
	base, _ := browserSite(t)
	ctx := browser(t, 390, 844)
	// A phone's viewport: headless windows are never narrower than 500 px.
	do(t, ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateScale(2)))
	for _, path := range []string{"/?q=" + url.QueryEscape("城商行 DeepSeek"), "/cases/r2025-t1-4-jiangsu-bank", "/stats", "/banks/jiangsu-bank"} {
		do(t, ctx, chromedp.Navigate(base+path), chromedp.WaitVisible(chromedp.CSS("main")))
		if w := get(t, ctx, chromedp.Evaluate[int](`window.innerWidth`)); w != 390 {
			t.Fatalf("viewport is %d px wide, not a phone's 390", w)
		}
		if get(t, ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth + 1`)) {
			t.Errorf("%s overflows the phone width", path)
		}
		if strings.HasPrefix(path, "/?") {
			// The query box is whole, and the facets wait behind the
			// Filters control above the results until it is tapped.
			if !get(t, ctx, chromedp.Evaluate[bool](`(() => { const r = document.getElementById("q").getBoundingClientRect();
				return r.left >= 0 && r.right <= window.innerWidth && r.width > 150 })()`)) {
				t.Errorf("the query box is cut off at 390 px")
			}
			// checkVisibility: a closed <details> keeps its content laid out.
			facetsShown := `document.querySelector(".facets").checkVisibility()`
			if get(t, ctx, chromedp.Evaluate[bool](facetsShown)) {
				t.Errorf("phone: the facets show before the Filters control is tapped")
			}
			if get(t, ctx, chromedp.Evaluate[bool](`document.querySelector(".filters > summary").getBoundingClientRect().top > document.querySelector(".hit").getBoundingClientRect().top`)) {
				t.Errorf("phone: the Filters control is not above the results")
			}
			screenshot(t, ctx, "search-phone")
			do(t, ctx, chromedp.Click(chromedp.CSS(".filters > summary")))
			if !get(t, ctx, chromedp.Evaluate[bool](facetsShown)) {
				t.Errorf("phone: tapping Filters does not open the facets")
			}
		}
	}
}

// An editor signs in, adds a case, accepts a suggested tag and finds the
// case in search; a hostile case text renders as text.
func TestBrowserEditorAndHostileText(t *testing.T) {
	base, token := browserSite(t)
	ctx := browser(t, 1280, 900)
	do(t, ctx, chromedp.Navigate(base+"/signin?next=/cases/new"), chromedp.SendKeys(chromedp.ID("token"), token))
	follow(t, ctx, `form[action="/signin"] button`)
	do(t, ctx,
		chromedp.WaitVisible(chromedp.ID("title_zh")),
		chromedp.SetValue(chromedp.ID("bank"), "hangzhou-bank"),
		chromedp.SendKeys(chromedp.ID("title_zh"), "杭州银行浏览器测试：国产分布式核心系统"),
		chromedp.SendKeys(chromedp.ID("title_en"), "Bank of Hangzhou browser test: a domestic distributed core system"),
		chromedp.SendKeys(chromedp.ID("body"), "杭州银行完成核心系统国产化改造，采用国产分布式数据库，实现信创全栈替代。"),
		// Nothing is preselected: the editor gives the year and the report.
		chromedp.SendKeys(chromedp.ID("year"), "2026"),
		chromedp.SendKeys(chromedp.ID("source_report"), "中小银行数字金融发展研究报告（2026）"),
		chromedp.SendKeys(chromedp.ID("source_section"), "5.3"),
		chromedp.Click(chromedp.CSS(`input[name="dimension"][value="technology"]`)),
	)
	follow(t, ctx, `button[value="suggest"]`)
	do(t, ctx,
		chromedp.WaitVisible(chromedp.CSS(`input[name="decide:theme:xinchuang"][value="accept"]`)),
		chromedp.Click(chromedp.CSS(`input[name="decide:theme:xinchuang"][value="accept"]`)),
	)
	screenshot(t, ctx, "new-case")
	follow(t, ctx, `button[value="save"]`)
	do(t, ctx, chromedp.WaitVisible(chromedp.CSS(".history")))
	body := get(t, ctx, chromedp.Text(chromedp.CSS("main")))
	if !strings.Contains(body, "杭州银行浏览器测试") || !strings.Contains(body, "theme:xinchuang") || !strings.Contains(body, "浏览器测试") {
		t.Fatalf("saved case page lacks the case, the accepted tag or the editor:\n%.500s", body)
	}
	do(t, ctx, chromedp.Navigate(base+"/?q="+url.QueryEscape("浏览器测试")+"&theme=xinchuang"))
	if hits := get(t, ctx, chromedp.Text(chromedp.CSS(".hits"))); !strings.Contains(hits, "杭州银行浏览器测试") {
		t.Fatalf("not found in search: %q", hits)
	}

	// A hostile case, added through the API, renders as text.
	evil := `<script>window.pwned=1</script><img src=x onerror="window.pwned=2">`
	c := map[string]any{"id": "hostile-browser", "kind": "case", "year": 2025, "bank": map[string]any{"id": "jiangsu-bank"},
		"title": map[string]any{"zh": "恶意标题" + evil, "en": evil}, "summary": map[string]any{"zh": evil, "en": evil},
		"body": evil, "dimensions": []string{"technology"}, "themes": []string{}, "source": map[string]any{"report": "x", "year": 2025, "section": "1"}}
	data, _ := json.Marshal(c)
	req, _ := http.NewRequest("POST", base+"/api/v1/cases", bytes.NewReader(data))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil || res.StatusCode != 201 {
		t.Fatalf("create hostile case: %v %v", err, res)
	}
	res.Body.Close()
	for _, path := range []string{"/cases/hostile-browser", "/?q=" + url.QueryEscape("恶意标题")} {
		do(t, ctx, chromedp.Navigate(base+path), chromedp.WaitVisible(chromedp.CSS("main")), chromedp.Sleep(200*time.Millisecond))
		pwned := get(t, ctx, chromedp.Evaluate[string](`String(window.pwned)`))
		imgs := get(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll("main img").length`))
		text := get(t, ctx, chromedp.Text(chromedp.CSS("main")))
		if pwned != "undefined" || imgs != 0 || !strings.Contains(text, "<script>") {
			t.Fatalf("%s: pwned=%s, %d img elements, text %.200q", path, pwned, imgs, text)
		}
	}
}

func number(s string) int {
	n := 0
	for _, r := range s {
		if r >= '0' && r <= '9' {
			n = n*10 + int(r-'0')
		} else if n > 0 {
			break
		}
	}
	return n
}

// An editor uploads an unseen edition's text through the API, signs in,
// registers the bank the drafts propose, edits and publishes a draft on
// /review, publishes a table as suggested, and finds the case by search
// with its year 2026.
func TestBrowserReviewDrafts(t *testing.T) {
	base, token := browserSite(t)
	api := func(method, path string, body []byte, out any) int {
		t.Helper()
		req, _ := http.NewRequest(method, base+path, bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		if out != nil {
			if err := json.NewDecoder(res.Body).Decode(out); err != nil {
				t.Fatal(err)
			}
		}
		return res.StatusCode
	}
	text, err := os.ReadFile(edition2026)
	if err != nil {
		t.Fatal(err)
	}
	var imported struct {
		Kind   string
		Drafts corpus.DraftsResult
	}
	if code := api("POST", "/api/v1/import", text, &imported); code != 200 || imported.Kind != "drafts" || imported.Drafts.Created != 9 {
		t.Fatalf("import: %d %+v", code, imported)
	}
	var list struct {
		Drafts []corpus.Draft
		Banks  []corpus.ProposedBank
	}
	if code := api("GET", "/api/v1/drafts", nil, &list); code != 200 || len(list.Banks) != 1 {
		t.Fatalf("drafts: %d %+v", code, list.Banks)
	}
	ids := map[string]string{}
	for _, d := range list.Drafts {
		ids[d.BankName] = "#draft-" + strconv.FormatUint(d.ID, 10)
	}
	proposed := list.Banks[0].ID

	ctx := browser(t, 1280, 900)
	do(t, ctx, chromedp.Navigate(base+"/signin?next=/review"), chromedp.SendKeys(chromedp.ID("token"), token))
	follow(t, ctx, `form[action="/signin"] button`)
	do(t, ctx, chromedp.WaitVisible(chromedp.CSS(".review .counts")))
	if counts := get(t, ctx, chromedp.Text(chromedp.CSS(".review .counts"))); !strings.Contains(counts, "抽取 9") || !strings.Contains(counts, "待审阅的银行 1") {
		t.Fatalf("counts %q", counts)
	}
	if !get(t, ctx, chromedp.Evaluate[bool](`document.querySelector("`+ids["青山测试农商行"]+` button[value=publish]").disabled`)) {
		t.Error("the new bank's draft can be published before the bank's review")
	}
	// The top of the queue (the whole page is nine drafts long).
	png := get(t, ctx, chromedp.CaptureScreenshot())
	if err := os.WriteFile(filepath.Join(screenshotDir, "review.png"), png, 0o644); err != nil {
		t.Fatal(err)
	}

	// The proposed bank is registered: a rural commercial bank in Sichuan.
	form := `form[action="/review/banks/` + proposed + `"]:has(input[value="new"])`
	do(t, ctx,
		chromedp.SetValue(chromedp.CSS(form+` select[name="type"]`), "rural_commercial"),
		chromedp.SetValue(chromedp.CSS(form+` select[name="region"]`), "sichuan"),
	)
	follow(t, ctx, form+` button`)
	do(t, ctx, chromedp.WaitVisible(chromedp.CSS(".review .notice")))
	if counts := get(t, ctx, chromedp.Text(chromedp.CSS(".review .counts"))); !strings.Contains(counts, "待审阅的银行 0") {
		t.Fatalf("after the bank's review: %q", counts)
	}

	// The researcher's title, the suggested tags as ticked, published.
	draft := ids["重庆银行"]
	do(t, ctx,
		chromedp.Clear(chromedp.CSS(draft+` input[name="title_zh"]`)),
		chromedp.SendKeys(chromedp.CSS(draft+` input[name="title_zh"]`), "重庆银行浏览器审阅：成长评分卡服务科创企业"),
	)
	follow(t, ctx, draft+` button[value="publish"]`)
	do(t, ctx, chromedp.WaitVisible(chromedp.CSS(".review .notice")))
	if note := get(t, ctx, chromedp.Text(chromedp.CSS(".review .notice"))); !strings.Contains(note, "已发布草稿") {
		t.Fatalf("after publishing: %q", note)
	}
	// A whole table as suggested.
	follow(t, ctx, `form.bulk:has(input[value="表4-2"]) button`)
	do(t, ctx, chromedp.WaitVisible(chromedp.CSS(".review .notice")))
	if counts := get(t, ctx, chromedp.Text(chromedp.CSS(".review .counts"))); !strings.Contains(counts, "已发布 3") || !strings.Contains(counts, "待审 6") {
		t.Fatalf("after the bulk publish: %q", counts)
	}

	do(t, ctx, chromedp.Navigate(base+"/?q="+url.QueryEscape("浏览器审阅 year:2026")), chromedp.WaitVisible(chromedp.CSS("main")))
	hits := get(t, ctx, chromedp.Text(chromedp.CSS(".hits")))
	if !strings.Contains(hits, "重庆银行浏览器审阅：成长评分卡服务科创企业") || !strings.Contains(hits, "2026") {
		t.Fatalf("the published case is not found with year 2026: %q", hits)
	}
	// In English, on a phone: no Chinese but the folded originals (and the
	// registry's names in the selects), nothing wider than the screen.
	do(t, ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateScale(2)),
		chromedp.Navigate(base+"/review?lang=en"), chromedp.WaitVisible(chromedp.CSS(".review .counts")))
	han := get(t, ctx, chromedp.Evaluate[string](`(() => { const m = document.querySelector("main").cloneNode(true);
		m.querySelectorAll("details.original, select, input").forEach(e => e.remove());
		return (m.innerText.match(/\p{Script=Han}+/gu) || []).join(" ") })()`))
	if han != "" {
		t.Errorf("English review page shows Chinese: %q", han)
	}
	if get(t, ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth + 1`)) {
		t.Errorf("/review overflows the phone width")
	}
}

// An admin renames a theme on /codebook: the preview says what changes and
// changes nothing; confirmed, the label is the new one.
func TestBrowserCodebookRename(t *testing.T) {
	dir, token := seededWithToken(t, "管理员", corpus.RoleAdmin)
	base, stop := serveInProcess(t, dir)
	t.Cleanup(func() { stop() })
	base = strings.TrimSuffix(base, "/")
	ctx := browser(t, 1280, 900)
	do(t, ctx, chromedp.Navigate(base+"/signin?next=/codebook"), chromedp.SendKeys(chromedp.ID("token"), token))
	follow(t, ctx, `form[action="/signin"] button`)
	do(t, ctx, chromedp.WaitVisible(chromedp.ID("cb-theme")))
	row := `[...document.querySelectorAll("table.codes tr")].find(r => r.querySelector("code")?.textContent === "risk").textContent`
	if before := get(t, ctx, chromedp.Evaluate[string](row)); !strings.Contains(before, "风险管理") {
		t.Fatalf("risk's row: %q", before)
	}
	screenshot(t, ctx, "codebook")
	do(t, ctx, chromedp.SetValue(chromedp.ID("rename-code"), "risk"), chromedp.SendKeys(chromedp.ID("rename-zh"), "风险与合规"))
	follow(t, ctx, `form:has(#rename-code) button`)
	do(t, ctx, chromedp.WaitVisible(chromedp.CSS(".preview")))
	if preview := get(t, ctx, chromedp.Text(chromedp.CSS(".preview"))); !strings.Contains(preview, "风险管理 → 风险与合规") || !strings.Contains(preview, "个案例带有此主题") {
		t.Fatalf("preview: %q", preview)
	}
	screenshot(t, ctx, "codebook-preview")
	follow(t, ctx, `form[action="/codebook"] button`)
	do(t, ctx, chromedp.WaitVisible(chromedp.CSS(".done")))
	if after := get(t, ctx, chromedp.Evaluate[string](row)); !strings.Contains(after, "风险与合规") || !strings.Contains(after, "风险管理") {
		t.Fatalf("risk's row after the rename (new label, old one an alias): %q", after)
	}
}

// A long facet has a search box, shown by the script: typing keeps only the
// values whose label (either language) or code matches.
func TestBrowserFacetSearch(t *testing.T) {
	base, _ := browserSite(t)
	// Without the script the box is not there to use: "show more" is.
	res, err := http.Get(base + "/")
	if err != nil {
		t.Fatal(err)
	}
	var page bytes.Buffer
	page.ReadFrom(res.Body)
	res.Body.Close()
	if !strings.Contains(page.String(), `<p class="facet-find" hidden><label for="find-bank">查找银行</label>`) {
		t.Fatalf("the bank facet's search box is not rendered hidden with its label")
	}
	ctx := browser(t, 1280, 900)
	do(t, ctx, chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.ID("find-bank")))
	// The bank facet's values shown, as text and the attribute they match.
	shown := `Array.from(document.getElementById("find-bank").closest("section").querySelectorAll("li[data-match]"))
		.filter(li => li.checkVisibility()).map(li => li.textContent + " | " + li.dataset.match)`
	before := get(t, ctx, chromedp.Evaluate[[]string](shown))
	if len(before) != 8 {
		t.Fatalf("before typing %d bank values shown, want the first 8", len(before))
	}
	clear := chromedp.Evaluate[bool](`(() => { const i = document.getElementById("find-bank"); i.value = ""; i.dispatchEvent(new Event("input")); return true })()`)
	for _, c := range []struct{ typed, want string }{{"江苏", "江苏"}, {"JIANGSU", "jiangsu"}, {"rcb", "rcb"}} {
		get(t, ctx, clear)
		do(t, ctx, chromedp.SendKeys(chromedp.ID("find-bank"), c.typed))
		got := get(t, ctx, chromedp.Evaluate[[]string](shown))
		if len(got) == 0 {
			t.Errorf("typing %q shows no bank", c.typed)
		}
		for _, v := range got {
			if !strings.Contains(strings.ToLower(v), c.want) {
				t.Errorf("typing %q shows %q", c.typed, v)
			}
		}
		// The matches behind "show more" are shown too.
		if c.typed == "rcb" && len(got) <= 1 {
			t.Errorf("typing rcb shows %d banks", len(got))
		}
		if c.typed == "江苏" && !strings.Contains(strings.Join(got, "\n"), "江苏银行") {
			t.Errorf("typing 江苏 does not show 江苏银行: %q", got)
		}
	}
	get(t, ctx, clear)
	do(t, ctx, chromedp.SendKeys(chromedp.ID("find-bank"), "没有这个银行"))
	if n := len(get(t, ctx, chromedp.Evaluate[[]string](shown))); n != 0 || !get(t, ctx, chromedp.Evaluate[bool](`document.getElementById("find-bank").parentNode.querySelector(".facet-none").checkVisibility()`)) {
		t.Errorf("a word no bank matches shows %d banks, or no 'no match' note", n)
	}
	get(t, ctx, clear)
	if n := len(get(t, ctx, chromedp.Evaluate[[]string](shown))); n != 8 {
		t.Errorf("after clearing %d bank values shown, want 8 again", n)
	}
	// English page: an English label and a Chinese word both find the bank.
	do(t, ctx, chromedp.Navigate(base+"/?lang=en"), chromedp.WaitVisible(chromedp.ID("find-bank")))
	if l := get(t, ctx, chromedp.Text(chromedp.CSS(`label[for="find-bank"]`))); l != "Find a bank" {
		t.Errorf("English label %q", l)
	}
	do(t, ctx, chromedp.SendKeys(chromedp.ID("find-bank"), "江苏"))
	if got := get(t, ctx, chromedp.Evaluate[[]string](shown)); len(got) == 0 || !strings.Contains(strings.Join(got, "\n"), "Bank of Jiangsu") {
		t.Errorf("English page, typing 江苏: %q", got)
	}
}

// In English every part of a case page reads in English, in the browser as
// a reader sees it: only the folded Chinese original (and the citation,
// which quotes the record) holds Chinese.
func TestBrowserEnglishCasePage(t *testing.T) {
	base, _ := browserSite(t)
	ctx := browser(t, 1280, 900)
	for _, id := range []string{"r2025-t1-4-chengdu-bank", "r2025-topic-4-zhejiang-rural-union-bank", "r2025-t5-1-shaanxi-rcu"} {
		do(t, ctx, chromedp.Navigate(base+"/cases/"+id+"?lang=en"), chromedp.WaitVisible(chromedp.CSS("main h1")))
		han := get(t, ctx, chromedp.Evaluate[string](`(() => { const m = document.querySelector("main").cloneNode(true);
			m.querySelectorAll("details.original, textarea").forEach(e => e.remove());
			return (m.innerText.match(/\p{Script=Han}+/gu) || []).join(" ") })()`))
		if han != "" {
			t.Errorf("%s in English shows Chinese outside the original: %q", id, han)
		}
		if !get(t, ctx, chromedp.Evaluate[bool](`!!document.querySelector("details.original")`)) {
			t.Errorf("%s: no Chinese original to open", id)
		}
	}
}
