package ui_test

import (
	"encoding/json"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// A comparison refuses too few or too many banks (400) and an unknown one
// (404) with a page that names the value, in the page's language.
func TestCompareErrors(t *testing.T) {
	_, get := newSite(t)
	for _, c := range []struct {
		query string
		code  int
		want  []string
	}{
		{"", 400, []string{"2 至 4 家银行"}},
		{"?banks=jiangsu-bank", 400, []string{"jiangsu-bank", "只指向 1 家"}},
		// The same bank by id and by name is one bank.
		{"?banks=" + url.QueryEscape("jiangsu-bank,江苏银行"), 400, []string{"江苏银行", "只指向 1 家"}},
		{"?banks=a,b,c,d,e", 400, []string{"最多 4 家", "给出了 5 家", "a, b, c, d, e"}},
		{"?banks=jiangsu-bank,no-such-bank", 404, []string{"no-such-bank"}},
		{"?banks=jiangsu-bank,no-such-bank&lang=en", 404, []string{"No bank is called “no-such-bank”"}},
		{"?banks=jiangsu-bank&banks=a,b,c,d&lang=en", 400, []string{"at most four banks; 5 were given"}},
	} {
		code, h, body := get("/compare" + c.query)
		if code != c.code || !strings.HasPrefix(h.Get("Content-Type"), "text/html") {
			t.Errorf("%s: status %d (%s), want %d", c.query, code, h.Get("Content-Type"), c.code)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(body, w) {
				t.Errorf("%s: page lacks %q:\n%s", c.query, w, mainRE.FindString(body))
			}
		}
	}
}

// Two banks named by id, Chinese name and English name: both profiles, their
// cases by dimension linked to the case pages, the themes they share and do
// not, and a radar with its numbers and the bank type's scores.
func TestComparePage(t *testing.T) {
	_, get := newSite(t)
	code, h, body := get("/compare?banks=" + url.QueryEscape("江苏银行,weizhong-bank"))
	if code != 200 {
		t.Fatalf("status %d\n%s", code, mainRE.FindString(body))
	}
	if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "style-src 'self'") || strings.Contains(csp, "unsafe-inline") {
		t.Fatalf("CSP %q", csp)
	}
	main := mainRE.FindString(body)
	for _, want := range []string{
		`<a href="/banks/jiangsu-bank">江苏银行</a>`, `<a href="/banks/weizhong-bank">微众银行</a>`,
		"<td>城商行</td>", "<td>民营银行</td>", "<td>江苏（",
		`href="/cases/r2025-t1-4-jiangsu-bank"`, // a case under its dimension
		`href="/?bank=jiangsu-bank&amp;dimension=technology"`,
		`<polygon class="bank b0"`, `<polygon class="bank b1"`, // one polygon a bank
		`<polygon class="ref r0"`, `<polygon class="ref r1"`, // both types' scores
		"城商行 2025 年指数", "民营银行 2025 年指数", "83.78", "84.44", // strategy 2025: city commercial, private
		`<details class="numbers" open>`, `<text class="tick"`,
		"共有的主题", "各自独有的主题",
	} {
		if !strings.Contains(main, want) {
			t.Errorf("compare page lacks %q", want)
		}
	}
	// The radar's table gives each bank's count per dimension, as many as
	// a search for the bank's cases of that dimension finds.
	table := between(main, `<details class="numbers" open>`, `</details>`)
	var total struct{ Total int }
	_, _, js := get("/api/v1/search?bank=jiangsu-bank&dimension=technology")
	if err := json.Unmarshal([]byte(js), &total); err != nil || total.Total < 3 {
		t.Fatalf("search: %v %s", err, js)
	}
	if !regexp.MustCompile(`<th scope="row">技术</th><td>` + strconv.Itoa(total.Total) + `</td><td>\d+</td><td>65\.81</td><td>71\.03</td>`).MatchString(table) {
		t.Errorf("radar table (%d technology cases):\n%s", total.Total, table)
	}
	// AI is a theme of both (shared); each bank's own themes are listed
	// under its name.
	shared := between(main, "共有的主题", "各自独有的主题")
	if !strings.Contains(shared, `href="/?theme=ai"`) {
		t.Errorf("shared themes lack AI:\n%s", shared)
	}
	if strings.Contains(between(main, "各自独有的主题", "</article>"), `href="/?theme=ai"`) {
		t.Errorf("a shared theme is listed as one bank's own")
	}
	// English: by English name, no Chinese in the page's main part (the
	// test site's hostile case of Bank of Jiangsu has no English title).
	code, _, body = get("/compare?banks=" + url.QueryEscape("Bank of Nanjing,WeBank") + "&lang=en")
	main = mainRE.FindString(body)
	if code != 200 || !strings.Contains(main, "Bank of Nanjing") || !strings.Contains(main, "City commercial bank, 2025 index") {
		t.Fatalf("English compare page: %d", code)
	}
	if m := hanRE.FindString(tagRE.ReplaceAllString(main, "")); m != "" {
		t.Errorf("English compare page has Chinese (%q)", m)
	}
}

// A bank's page links to a comparison with its peers, and each peer to a
// comparison of the two.
func TestBankPageLinksToComparison(t *testing.T) {
	_, get := newSite(t)
	_, _, body := get("/banks/jiangsu-bank")
	m := regexp.MustCompile(`<p class="compare-link"><a href="(/compare\?banks=[^"]+)">与同类银行对比</a>`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("bank page has no link to compare with peers")
	}
	u, _ := url.Parse(strings.ReplaceAll(m[1], "&amp;", "&"))
	ids := strings.Split(u.Query().Get("banks"), ",")
	if len(ids) != 4 || ids[0] != "jiangsu-bank" {
		t.Fatalf("compare link %s", m[1])
	}
	if code, _, _ := get(m[1]); code != 200 {
		t.Fatalf("%s: %d", m[1], code)
	}
	// In English the bank page has no Chinese (its city and Chinese
	// aliases are left out).
	_, _, en := get("/banks/nanjing-bank?lang=en")
	if m := hanRE.FindString(tagRE.ReplaceAllString(mainRE.FindString(en), "")); m != "" || !strings.Contains(en, "Compare with peers") {
		t.Errorf("English bank page: Chinese %q or no compare link", m)
	}
	peers := between(body, `<ul class="similar">`, `</ul>`)
	if n := strings.Count(peers, `class="vs" href="/compare?banks=jiangsu-bank,`); n == 0 || n != strings.Count(peers, "<li>") {
		t.Errorf("%d peers link to a comparison of %d", n, strings.Count(peers, "<li>"))
	}
}

// The stats page's radars carry their numbers, a scale, a title per polygon
// and a legend; the map has a tile per province linked to its search.
func TestStatsNumbersAndProvinceMap(t *testing.T) {
	_, get := newSite(t)
	_, _, body := get("/stats")
	for _, want := range []string{
		`<text class="val"`, `<text class="tick"`, `<title>2025: 战略 83.78，组织 43.25`, `<span class="key year y2">2025</span>`,
		`<details class="numbers">`, `<th scope="row">战略</th><td>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("stats page lacks %q", want)
		}
	}
	tiles := regexp.MustCompile(`<a class="tile l(\d)" href="/\?region=([a-z]+)"><title>([^<]+)</title>`).FindAllStringSubmatch(body, -1)
	if len(tiles) != 34 {
		t.Fatalf("%d province tiles, want 34", len(tiles))
	}
	seen := map[string]string{}
	for _, m := range tiles {
		seen[m[2]] = m[1] + " " + m[3]
	}
	// 江苏 has banks with cases; 西藏 none in the embedded corpus.
	if !regexp.MustCompile(`^[1-4] 江苏 [1-9]\d* 个案例$`).MatchString(seen["jiangsu"]) {
		t.Errorf("jiangsu tile: %q", seen["jiangsu"])
	}
	if seen["xizang"] != "0 西藏 0 个案例" {
		t.Errorf("xizang tile: %q", seen["xizang"])
	}
	if !strings.Contains(body, `<ul class="legend"`) || !strings.Contains(body, `<span class="swatch l4"`) {
		t.Errorf("map without a legend")
	}
	// In English, the tiles and the rest of the page read in English.
	_, _, en := get("/stats?lang=en")
	if !strings.Contains(en, `<title>Jiangsu `) || !strings.Contains(en, ">Inner</text>") {
		t.Errorf("English map labels")
	}
	if m := hanRE.FindString(tagRE.ReplaceAllString(mainRE.FindString(en), "")); m != "" {
		t.Errorf("English stats page has Chinese (%q)", m)
	}
	if m := regexp.MustCompile(`[A-Za-z]{3,}`).FindString(tagRE.ReplaceAllString(mainRE.FindString(body), "")); m != "" {
		t.Errorf("Chinese stats page has English (%q)", m)
	}
}
