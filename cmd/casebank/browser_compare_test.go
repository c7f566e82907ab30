package main

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// From a bank's page to the comparison with its peers: both banks, the
// radar with a polygon a bank and its numbers; the stats radars show their
// scores, and a province tile leads to that region's search.
func TestBrowserCompareAndCharts(t *testing.T) {
	base, _ := browserSite(t)
	ctx := browser(t, 1280, 900)
	do(t, ctx, chromedp.Navigate(base+"/banks/jiangsu-bank"), chromedp.WaitVisible(chromedp.CSS(".compare-link a")))
	follow(t, ctx, ".compare-link a")
	do(t, ctx, chromedp.WaitVisible(chromedp.CSS("#compare-radar svg")))
	heads := get(t, ctx, chromedp.Evaluate[[]string](`[...document.querySelector("table.cmp").querySelectorAll("thead th")].map(th => th.textContent.trim())`))
	if len(heads) < 2 || heads[0] != "江苏银行" {
		t.Fatalf("compare page heads %q", heads)
	}
	// One visible polygon a bank, and the table of numbers open beside it
	// with a row a dimension and a column a bank (and a bank type).
	if n := get(t, ctx, chromedp.Evaluate[int](`[...document.querySelectorAll("#compare-radar polygon.bank")].filter(p => p.checkVisibility()).length`)); n != len(heads) {
		t.Errorf("%d bank polygons for %d banks", n, len(heads))
	}
	cells := get(t, ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("#compare-radar details.numbers tbody tr:nth-child(3) td")].filter(td => td.checkVisibility()).map(td => td.textContent)`))
	if len(cells) < len(heads) || cells[0] == "" {
		t.Errorf("radar numbers (technology row) %q", cells)
	}
	if got := get(t, ctx, chromedp.Evaluate[string](`document.querySelector("#compare-radar details.numbers tbody tr:nth-child(3) th").textContent`)); got != "技术" {
		t.Errorf("third row of the radar's numbers is %q", got)
	}
	if n := get(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll("#compare-radar text.tick").length`)); n < 4 {
		t.Errorf("the compare radar has %d scale values", n)
	}
	screenshot(t, ctx, "compare")
	// A case link of the comparison opens the case.
	follow(t, ctx, "table.cases td li a")
	do(t, ctx, chromedp.WaitVisible(chromedp.ID("citation")))

	do(t, ctx, chromedp.Navigate(base+"/stats"), chromedp.WaitVisible(chromedp.CSS(".radar svg")))
	// The newest year's six scores at the corners of each of three radars.
	vals := get(t, ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll(".radars text.val")].filter(e => e.checkVisibility()).map(e => e.textContent)`))
	if len(vals) != 18 || vals[0] != "83.78" {
		t.Errorf("radar corner values %q", vals)
	}
	// The table under a radar opens without script.
	table := `document.querySelector("#radar-city_commercial details.numbers table")`
	if get(t, ctx, chromedp.Evaluate[bool](table+`.checkVisibility()`)) {
		t.Errorf("the radar's table is open before it is asked for")
	}
	do(t, ctx, chromedp.Click(chromedp.CSS("#radar-city_commercial details.numbers summary")))
	if !get(t, ctx, chromedp.Evaluate[bool](table+`.checkVisibility()`)) {
		t.Errorf("the radar's table does not open")
	}
	// The map: a tile a province; the Jiangsu tile leads to the region's
	// search, which finds as many cases as the tile says.
	if n := get(t, ctx, chromedp.Evaluate[int](`[...document.querySelectorAll("svg.tiles a.tile")].filter(a => a.checkVisibility()).length`)); n != 34 {
		t.Errorf("%d province tiles", n)
	}
	count := get(t, ctx, chromedp.Evaluate[string](`document.querySelector('svg.tiles a[href="/?region=jiangsu"] text.n').textContent`))
	follow(t, ctx, `svg.tiles a[href="/?region=jiangsu"]`)
	do(t, ctx, chromedp.WaitVisible(chromedp.CSS(".total")))
	loc := get(t, ctx, chromedp.Location())
	total := get(t, ctx, chromedp.Text(chromedp.CSS(".total")))
	if !strings.HasSuffix(loc, "/?region=jiangsu") || number(total) != number(count) || number(count) == 0 {
		t.Errorf("tile says %s cases; %s shows %q", count, loc, total)
	}
}

// On a 390 px phone the heatmap's headers read across (no character a
// line), the tables scroll in their own boxes and no page is wider than
// the screen.
func TestBrowserChartsOnAPhone(t *testing.T) {
	base, _ := browserSite(t)
	ctx := browser(t, 390, 844)
	do(t, ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateScale(2)))
	for _, lang := range []string{"zh", "en"} {
		do(t, ctx, chromedp.Navigate(base+"/stats?lang="+lang), chromedp.WaitVisible(chromedp.CSS(".heatmap")))
		// Lines a header's text takes: the line boxes of its contents (the
		// cell itself is as tall as the row's tallest).
		lines := get(t, ctx, chromedp.Evaluate[[]int](`[...document.querySelectorAll(".heatmap thead th")].map(th => {
			const r = document.createRange(); r.selectNodeContents(th);
			return new Set([...r.getClientRects()].map(q => Math.round(q.top))).size })`))
		heads := get(t, ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll(".heatmap thead th")].map(th => th.textContent)`))
		if len(lines) < 5 {
			t.Fatalf("%s: %d heatmap headers", lang, len(lines))
		}
		for i, n := range lines {
			if n > 3 || n > 1 && len([]rune(heads[i])) <= n {
				t.Errorf("%s: heatmap header %q takes %d lines at 390 px", lang, heads[i], n)
			}
		}
		if get(t, ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth + 1`)) {
			t.Errorf("%s: the stats page overflows the phone width", lang)
		}
		if lang == "zh" {
			screenshot(t, ctx, "stats-phone")
		}
	}
	do(t, ctx, chromedp.Navigate(base+"/compare?banks=jiangsu-bank,nanjing-bank,weizhong-bank"), chromedp.WaitVisible(chromedp.CSS("#compare-radar")))
	if get(t, ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth + 1`)) {
		t.Errorf("the compare page overflows the phone width")
	}
	if !get(t, ctx, chromedp.Evaluate[bool](`(() => { const r = document.querySelector("#compare-radar svg").getBoundingClientRect();
		return r.left >= 0 && r.right <= window.innerWidth && r.width > 300 })()`)) {
		t.Errorf("the compare radar does not fit the phone")
	}
	screenshot(t, ctx, "compare-phone")
}
