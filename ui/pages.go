package ui

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/labstack/echo/v4"

	"casebank/corpus"
	"casebank/index"
)

// bankPage shows a bank's profile, its cases by dimension and its peers.
func (u *UI) bankPage(c echo.Context) error {
	p, err := u.app.FindBankProfile(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	l, err := u.labels(c)
	if err != nil {
		return err
	}
	b := p.Bank
	return u.render(c, http.StatusOK, "bank", map[string]any{
		"Bank": b, "Name": pick(l.lang, corpus.Text{ZH: b.Name, EN: b.NameEN}), "Type": l.of(corpus.FacetBankType, b.Type),
		"Region": l.of(corpus.FacetRegion, b.Region), "Groups": dimensionGroups(l, p.Cases), "Peers": peerViews(l, p.Peers), "Count": len(p.Cases),
	})
}

// caseGroup is the cases of one dimension on a bank's page.
type caseGroup struct {
	Label string
	Cases []*corpus.Case
}

// dimensionGroups groups cases by their first dimension, in taxonomy order.
func dimensionGroups(l labels, cases []*corpus.Case) []caseGroup {
	var groups []caseGroup
	for _, d := range l.tax.Dimensions {
		g := caseGroup{Label: l.heading(corpus.FacetDimension, d.Code)}
		for _, cs := range cases {
			if len(cs.Dimensions) > 0 && cs.Dimensions[0] == d.Code {
				g.Cases = append(g.Cases, cs)
			}
		}
		if len(g.Cases) > 0 {
			groups = append(groups, g)
		}
	}
	return groups
}

// peerView is a similar bank on a bank's page.
type peerView struct {
	ID, Name string
	Reasons  []string
}

func peerViews(l labels, peers []index.Peer) []peerView {
	var out []peerView
	for _, p := range peers {
		v := peerView{ID: p.Bank.ID, Name: pick(l.lang, corpus.Text{ZH: p.Bank.Name, EN: p.Bank.NameEN})}
		for _, r := range p.Reasons {
			v.Reasons = append(v.Reasons, reasonText(l.lang, r))
		}
		out = append(out, v)
	}
	return out
}

// reasonText says why a case or bank is similar, in the page's language.
func reasonText(lang string, r index.Reason) string {
	kinds := map[string]corpus.Text{
		"theme": {ZH: "同主题", EN: "same theme"}, "dimension": {ZH: "同维度", EN: "same dimension"},
		"bank_type": {ZH: "同类型", EN: "same type"}, "region": {ZH: "同地区", EN: "same region"},
		"nearby_region": {ZH: "邻近地区", EN: "nearby region"}, "name": {ZH: "共同提到", EN: "both mention"},
	}
	k, ok := kinds[r.Kind]
	if !ok {
		k = corpus.Text{ZH: r.Kind, EN: r.Kind}
	}
	return pick(lang, k) + ": " + pick(lang, r.Label)
}

// statsPage draws the report's honeycomb index as radar charts and the
// corpus as heatmaps; every axis and cell links to its search.
func (u *UI) statsPage(c echo.Context) error {
	l, err := u.labels(c)
	if err != nil {
		return err
	}
	st, err := u.app.Stats(c.Request().Context())
	if err != nil {
		return err
	}
	var radars []template.HTML
	for _, bt := range []string{"city_commercial", "rural_commercial", "private"} {
		radars = append(radars, radar(l, st.Honeycomb, bt))
	}
	cols, rows := heatmap(l, st.ByDimensionBankType)
	return u.render(c, http.StatusOK, "stats", map[string]any{
		"Radars": radars, "Cols": cols, "Rows": rows, "Themes": themeBars(l, st.ByTheme), "Cases": st.Cases, "Source": st.Honeycomb.Source,
	})
}

type heatCell struct {
	Count int
	URL   string
	Level int // 0..4, for the colour
}

type heatRow struct {
	Label, URL string
	Cells      []heatCell
}

// heatmap lays out case counts as a row per dimension and a column per
// bank type that has cases.
func heatmap(l labels, byDimensionBankType map[string]map[string]int) (cols []string, rows []heatRow) {
	maxCount := 1
	for _, byType := range byDimensionBankType {
		for _, n := range byType {
			maxCount = max(maxCount, n)
		}
	}
	count := func(d, bt string) int { return byDimensionBankType[d][bt] }
	var types []corpus.Value
	for _, bt := range l.tax.BankTypes {
		for _, d := range l.tax.Dimensions {
			if count(d.Code, bt.Code) > 0 {
				types = append(types, bt)
				break
			}
		}
	}
	for _, d := range l.tax.Dimensions {
		r := heatRow{Label: l.heading(corpus.FacetDimension, d.Code), URL: "/?dimension=" + d.Code}
		for _, bt := range types {
			n := count(d.Code, bt.Code)
			r.Cells = append(r.Cells, heatCell{Count: n, URL: "/?" + url.Values{"dimension": {d.Code}, "bank_type": {bt.Code}}.Encode(),
				Level: int(math.Ceil(4 * float64(n) / float64(maxCount)))})
		}
		rows = append(rows, r)
	}
	for _, bt := range types {
		cols = append(cols, l.heading(corpus.FacetBankType, bt.Code))
	}
	return cols, rows
}

type themeBar struct {
	Label, URL string
	Count      int
	Width      int
}

// themeBars are the themes with cases, most cases first.
func themeBars(l labels, byTheme map[string]int) []themeBar {
	maxTheme := 1
	for _, n := range byTheme {
		maxTheme = max(maxTheme, n)
	}
	var themes []themeBar
	for _, t := range l.tax.Themes {
		if n := byTheme[t.Code]; n > 0 {
			themes = append(themes, themeBar{Label: l.of(corpus.FacetTheme, t.Code), URL: "/?theme=" + t.Code, Count: n, Width: 100 * n / maxTheme})
		}
	}
	sort.SliceStable(themes, func(i, j int) bool { return themes[i].Count > themes[j].Count })
	return themes
}

// radar draws one bank type's honeycomb scores on six axes, a polygon per
// year, as inline SVG (no scripts, legible in print). Axis labels link to
// the search for that dimension and bank type.
func radar(l labels, hc *corpus.Honeycomb, bankType string) template.HTML {
	const size, cx, cy, rmax = 320.0, 160.0, 150.0, 105.0
	dims := l.tax.Dimensions
	years := map[int]map[string]float64{}
	for _, s := range hc.Scores {
		if s.BankType != bankType {
			continue
		}
		if years[s.Year] == nil {
			years[s.Year] = map[string]float64{}
		}
		years[s.Year][s.Dimension] = s.Score
	}
	var ys []int
	for y := range years {
		ys = append(ys, y)
	}
	sort.Ints(ys)
	point := func(i int, r float64) (float64, float64) {
		a := -math.Pi/2 + 2*math.Pi*float64(i)/float64(len(dims))
		return cx + r*math.Cos(a), cy + r*math.Sin(a)
	}
	title := l.heading(corpus.FacetBankType, bankType)
	var b strings.Builder
	// A group, not an img: the axis labels inside it are links.
	fmt.Fprintf(&b, `<figure class="radar"><svg viewBox="0 0 %.0f %.0f" role="group" aria-labelledby="r-%s"><title id="r-%s">%s %s</title>`,
		size, size, bankType, bankType, html.EscapeString(title), html.EscapeString(tr(l.lang, "蜂巢模型指数", "honeycomb index")))
	for _, frac := range []float64{0.25, 0.5, 0.75, 1} {
		var pts []string
		for i := range dims {
			x, y := point(i, rmax*frac)
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", x, y))
		}
		fmt.Fprintf(&b, `<polygon class="grid" points="%s"/>`, strings.Join(pts, " "))
	}
	for i, d := range dims {
		x, y := point(i, rmax)
		lx, ly := point(i, rmax+22)
		fmt.Fprintf(&b, `<line class="axis" x1="%.0f" y1="%.0f" x2="%.1f" y2="%.1f"/>`, cx, cy, x, y)
		href := "/?" + url.Values{"dimension": {d.Code}, "bank_type": {bankType}}.Encode()
		fmt.Fprintf(&b, `<a href="%s"><text x="%.1f" y="%.1f" text-anchor="middle">%s</text></a>`, html.EscapeString(href), lx, ly+4, html.EscapeString(l.heading(corpus.FacetDimension, d.Code)))
	}
	for k, y := range ys {
		var pts []string
		for i, d := range dims {
			x, yy := point(i, rmax*years[y][d.Code]/100)
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", x, yy))
		}
		fmt.Fprintf(&b, `<polygon class="year y%d" points="%s"><title>%d</title></polygon>`, k, strings.Join(pts, " "), y)
	}
	b.WriteString(`</svg><figcaption>` + html.EscapeString(title) + `: `)
	for k, y := range ys {
		fmt.Fprintf(&b, `<span class="key y%d">%d</span> `, k, y)
	}
	b.WriteString(`</figcaption></figure>`)
	return template.HTML(b.String()) // every text in it was escaped above
}
