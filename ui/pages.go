package ui

import (
	"html/template"
	"math"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"unicode"

	"github.com/labstack/echo/v4"

	"casebank/corpus"
	"casebank/corpus/app"
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
	// Compare with the closest peers, as many as a comparison takes.
	compareURL, compareWith := "", []string{}
	if len(p.Peers) > 0 {
		ids := []string{b.ID}
		for _, peer := range p.Peers[:min(len(p.Peers), app.MaxCompared-1)] {
			ids = append(ids, peer.Bank.ID)
			compareWith = append(compareWith, pick(l.lang, corpus.Text{ZH: peer.Bank.Name, EN: peer.Bank.NameEN}))
		}
		compareURL = "/compare?" + url.Values{"banks": {strings.Join(ids, ",")}}.Encode()
	}
	return u.render(c, http.StatusOK, "bank", map[string]any{"CompareURL": compareURL, "CompareWith": compareWith, "Aliases": aliasesIn(l.lang, b.Aliases),
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
		radars = append(radars, honeycombRadar(l, st.Honeycomb, bt))
	}
	cols, rows := heatmap(l, st.ByDimensionBankType)
	tiles, provinces, apart, legend := provinceMap(l, st.ByRegion)
	return u.render(c, http.StatusOK, "stats", map[string]any{
		"Radars": radars, "Cols": cols, "Rows": rows, "Themes": themeBars(l, st.ByTheme), "Cases": st.Cases, "Source": st.Honeycomb.Source,
		"Map": tiles, "Provinces": provinces, "Apart": apart, "Legend": legend,
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
			themes = append(themes, themeBar{Label: l.heading(corpus.FacetTheme, t.Code), URL: "/?theme=" + t.Code, Count: n, Width: 100 * n / maxTheme})
		}
	}
	sort.SliceStable(themes, func(i, j int) bool { return themes[i].Count > themes[j].Count })
	return themes
}

// aliasesIn are the names a bank is also known by that a page in lang can
// show: English pages leave the Chinese ones out.
func aliasesIn(lang string, aliases []string) []string {
	if lang != "en" {
		return aliases
	}
	var out []string
	for _, a := range aliases {
		if !strings.ContainsFunc(a, func(r rune) bool { return unicode.Is(unicode.Han, r) }) {
			out = append(out, a)
		}
	}
	return out
}
