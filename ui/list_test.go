package ui_test

import (
	"context"
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

var articleRE = regexp.MustCompile(`(?s)<article class="hit[^"]*">.*?</article>`)

func TestResultListShowsEachTitleOnceAndNoStraySeparators(t *testing.T) {
	_, get := newSite(t)
	c, err := testStore.FindCaseByID(context.Background(), "r2025-t1-4-jiangsu-bank")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ path, main, alt string }{
		{"/?q=DeepSeek&size=100", c.Title.ZH, c.Title.EN},
		{"/?q=DeepSeek&size=100&lang=en", c.Title.EN, c.Title.ZH},
	} {
		_, _, body := get(tc.path)
		var hit string
		for _, a := range articleRE.FindAllString(body, -1) {
			if strings.Contains(a, `href="/cases/`+c.ID+`"`) {
				hit = html.UnescapeString(regexp.MustCompile(`<[^>]+>`).ReplaceAllString(a, ""))
			}
		}
		if hit == "" {
			t.Fatalf("%s: no hit for %s", tc.path, c.ID)
		}
		if n := strings.Count(hit, tc.main); n != 1 {
			t.Errorf("%s: the title %q shows %d times in\n%s", tc.path, tc.main, n, hit)
		}
		if tc.alt != "" && strings.Count(hit, tc.alt) != 1 {
			t.Errorf("%s: the other title %q shows %d times", tc.path, tc.alt, strings.Count(hit, tc.alt))
		}
		for _, meta := range regexp.MustCompile(`<p class="meta">(.*?)</p>`).FindAllStringSubmatch(body, -1) {
			m := strings.TrimSpace(meta[1])
			if strings.HasPrefix(m, "·") || strings.HasSuffix(m, "·") || strings.Contains(m, "·  ·") || strings.Contains(m, "· ·") {
				t.Errorf("%s: stray separator in %q", tc.path, m)
			}
		}
	}
}

func TestPagerSortAndClearFilters(t *testing.T) {
	_, get := newSite(t)
	_, _, body := get("/?q=&size=2&page=2")
	if !strings.Contains(body, `aria-current="page" class="current">2</a>`) || !strings.Contains(body, `>1</a>`) || !strings.Contains(body, `>3</a>`) {
		t.Errorf("pager lacks numbered pages with the current one marked:\n%s", between(body, `<nav class="pager"`, `</nav>`))
	}
	if !regexp.MustCompile(`共 \d+ 个结果，第 2/\d+ 页`).MatchString(body) {
		t.Errorf("no total with page of pages: %q", between(body, `<p class="total">`, `</p>`))
	}
	// Sort is a parameter, the current order marked, kept by the form.
	if !strings.Contains(body, `<strong aria-current="true">相关度</strong>`) || !strings.Contains(body, `sort=newest`) || !strings.Contains(body, `sort=bank`) {
		t.Errorf("no sort links: %s", between(body, `<nav class="sort"`, `</nav>`))
	}
	_, _, body = get("/?q=DeepSeek&sort=newest")
	if !strings.Contains(body, `<strong aria-current="true">最新</strong>`) || !strings.Contains(body, `<input type="hidden" name="sort" value="newest">`) {
		t.Errorf("sort=newest is not marked or not kept by the form")
	}
	code, _, body := get("/?q=DeepSeek&sort=oldest")
	if code != 400 || !strings.Contains(body, "sort") {
		t.Errorf("sort=oldest: %d", code)
	}
	// No filter, no "clear all"; a filter, a link that drops it and keeps the words.
	if _, _, body = get("/?q=DeepSeek&infer=false"); strings.Contains(body, "清除全部筛选") {
		t.Errorf("clear-all link without a filter")
	}
	_, _, body = get("/?q=DeepSeek&bank_type=city_commercial&region=jiangsu")
	href := html.UnescapeString(between(body, `<p class="clear"><a href="`, `"`))
	u, err := url.Parse(href)
	if err != nil || href == "" || u.Query().Get("q") != "DeepSeek" || u.Query().Has("bank_type") || u.Query().Has("region") {
		t.Errorf("clear-all link %q", href)
	}
	// Inferred filters are cleared by turning inference off.
	_, _, body = get("/?q=" + url.QueryEscape("城商行 DeepSeek"))
	if href := html.UnescapeString(between(body, `<p class="clear"><a href="`, `"`)); !strings.Contains(href, "infer=false") {
		t.Errorf("clear-all with inferred filters: %q", href)
	}
}

func TestFacetsShowMoreAndZeroResultsHideTools(t *testing.T) {
	_, get := newSite(t)
	_, _, body := get("/?q=")
	if !strings.Contains(body, `<details class="more"><summary>更多 (`) {
		t.Errorf("no show-more for a long facet")
	}
	for _, sec := range regexp.MustCompile(`(?s)<section>\s*<h2>.*?</section>`).FindAllString(body, -1) {
		head := sec
		if i := strings.Index(sec, `<details class="more"`); i >= 0 {
			head = sec[:i]
		}
		if n := strings.Count(head, "<li>"); n > 8 {
			t.Errorf("a facet shows %d values before show-more", n)
		}
	}
	// A selected value behind show-more opens it; the label and count are
	// two flex items, so the label is not centred.
	if _, _, body = get("/?q=&region=jiangsu"); !strings.Contains(body, `class="selected" aria-current="true"><span><span aria-hidden="true">✓ </span>`) {
		t.Errorf("selected facet markup: %s", between(body, `class="selected"`, `</li>`))
	}
	_, _, body = get("/?q=qqqzzzxxyy")
	if !strings.Contains(body, "没有找到案例") {
		t.Fatalf("expected no results")
	}
	if strings.Contains(body, "/api/v1/export") || strings.Contains(body, "/api/v1/cite") {
		t.Errorf("export or cite links on zero results")
	}
}

func TestPhoneFilterControlOpensTheFacets(t *testing.T) {
	_, get := newSite(t)
	for _, tc := range []struct{ path, label string }{{"/?q=DeepSeek", "筛选"}, {"/?q=DeepSeek&lang=en", "Filters"}} {
		_, _, body := get(tc.path)
		d := strings.Index(body, `<details class="filters" id="filters">`)
		s := strings.Index(body, "<summary>"+tc.label)
		f := strings.Index(body, `<aside class="facets"`)
		h := strings.Index(body, `<section class="hits"`)
		if d < 0 || !(d < s && s < f && f < h) {
			t.Errorf("%s: the filter control must hold the facets, above the results (%d %d %d %d)", tc.path, d, s, f, h)
		}
	}
}
