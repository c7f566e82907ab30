package ui

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"net/url"
	"strconv"
	"strings"

	"casebank/corpus"
)

// The charts are inline SVG built here, styled by class from app.css: no
// script and no style attribute, so the CSP needs no exception, and they
// print.

// radarAxis is one spoke of a radar, its label linked to a search.
type radarAxis struct{ Label, URL string }

// radarSeries is one polygon: a year's scores, a bank's case counts, or a
// bank type's scores drawn for reference on their own scale.
type radarSeries struct {
	Name   string
	Class  string // colour and kind, from app.css
	Values []float64
	Digits int  // decimals shown
	Ref    bool // on the reference scale, dashed
}

// radarChart is a radar with its scale: four rings up to Max (and, when
// RefMax is set, the reference series' rings up to RefMax, read on the
// lower spoke), the values of the series at Vertex printed at its
// corners, and a table of every value behind a <details>.
type radarChart struct {
	ID, Title    string
	Axes         []radarAxis
	Series       []radarSeries
	Max, RefMax  float64
	Vertex       int  // series whose values are printed at the corners; -1: none
	Dots         bool // a dot at each corner of the main series
	TableOpen    bool // the table of values starts open
	Lang         string
	Caption      string // under the legend, what the scales mean
	Column       string // the table's first column heading
	MaxDigits    int    // decimals of the ring values
	RefMaxDigits int
}

func num(v float64, digits int) string { return strconv.FormatFloat(v, 'f', digits, 64) }

// niceMax rounds a count up so that the four rings fall on whole numbers.
func niceMax(v float64) float64 {
	if v <= 4 {
		return 4
	}
	return 4 * math.Ceil(v/4)
}

func (r radarChart) HTML() template.HTML {
	const w, h, cx, cy, rmax = 420.0, 340.0, 210.0, 168.0, 108.0
	esc := html.EscapeString
	n := len(r.Axes)
	point := func(i int, rad float64) (float64, float64) {
		a := -math.Pi/2 + 2*math.Pi*float64(i)/float64(n)
		return cx + rad*math.Cos(a), cy + rad*math.Sin(a)
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<figure class="radar" id="%s"><svg viewBox="0 0 %.0f %.0f" role="group" aria-labelledby="%s-t"><title id="%s-t">%s</title>`,
		esc(r.ID), w, h, esc(r.ID), esc(r.ID), esc(r.Title))
	fracs := []float64{0.25, 0.5, 0.75, 1}
	for _, f := range fracs {
		var pts []string
		for i := range n {
			x, y := point(i, rmax*f)
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", x, y))
		}
		fmt.Fprintf(&b, `<polygon class="grid" points="%s"/>`, strings.Join(pts, " "))
	}
	for i, a := range r.Axes {
		x, y := point(i, rmax)
		fmt.Fprintf(&b, `<line class="axis" x1="%.0f" y1="%.0f" x2="%.1f" y2="%.1f"/>`, cx, cy, x, y)
		lx, ly := point(i, rmax+14)
		anchor := "middle"
		switch {
		case lx > cx+1:
			anchor = "start"
		case lx < cx-1:
			anchor = "end"
		}
		switch {
		case ly < cy-rmax:
			ly -= 2
		case ly > cy+rmax:
			ly += 12
		default:
			ly += 5
		}
		label := `<text class="label" x="%.1f" y="%.1f" text-anchor="%s">%s</text>`
		if a.URL != "" {
			label = `<a href="` + esc(a.URL) + `">` + label + `</a>`
		}
		fmt.Fprintf(&b, label, lx, ly, anchor, esc(a.Label))
	}
	// Ring values between two spokes, where no corner falls: the main
	// scale upper right, the reference scale lower left.
	edge := math.Cos(math.Pi / float64(n)) // a ring's edge midpoint, as a share of its radius
	between := func(i float64, rad float64) (float64, float64) {
		a := -math.Pi/2 + 2*math.Pi*(i+0.5)/float64(n)
		return cx + rad*edge*math.Cos(a), cy + rad*edge*math.Sin(a)
	}
	for _, f := range fracs {
		x, y := between(0, rmax*f)
		fmt.Fprintf(&b, `<text class="tick" x="%.1f" y="%.1f" text-anchor="middle">%s</text>`, x, y+4, num(r.Max*f, r.MaxDigits))
		if r.RefMax > 0 {
			x, y := between(float64(n/2), rmax*f)
			fmt.Fprintf(&b, `<text class="tick refscale" x="%.1f" y="%.1f" text-anchor="middle">%s</text>`, x, y+4, num(r.RefMax*f, r.RefMaxDigits))
		}
	}
	for _, s := range r.Series {
		scale := r.Max
		if s.Ref {
			scale = r.RefMax
		}
		var pts, vals []string
		for i, a := range r.Axes {
			v := s.Values[i]
			x, y := point(i, rmax*math.Min(v/scale, 1))
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", x, y))
			vals = append(vals, a.Label+" "+num(v, s.Digits))
		}
		fmt.Fprintf(&b, `<polygon class="%s" points="%s"><title>%s: %s</title></polygon>`,
			esc(s.Class), strings.Join(pts, " "), esc(s.Name), esc(strings.Join(vals, tr(r.Lang, "，", ", "))))
		if r.Dots && !s.Ref {
			// A dot at each corner, so that a polygon squeezed to a line
			// (a bank with cases of one dimension) still shows.
			for _, p := range pts {
				x, y, _ := strings.Cut(p, ",")
				fmt.Fprintf(&b, `<circle class="dot %s" cx="%s" cy="%s" r="3.5"/>`, esc(s.Class), x, y)
			}
		}
	}
	if r.Vertex >= 0 && r.Vertex < len(r.Series) {
		s := r.Series[r.Vertex]
		scale := r.Max
		if s.Ref {
			scale = r.RefMax
		}
		for i := range r.Axes {
			x, y := point(i, rmax*math.Min(s.Values[i]/scale, 1)+11)
			fmt.Fprintf(&b, `<text class="val" x="%.1f" y="%.1f" text-anchor="middle">%s</text>`, x, y+4, num(s.Values[i], s.Digits))
		}
	}
	b.WriteString(`</svg><figcaption><span class="name">` + esc(r.Title) + `</span> `)
	for _, s := range r.Series {
		fmt.Fprintf(&b, `<span class="key %s">%s</span> `, esc(s.Class), esc(s.Name))
	}
	if r.Caption != "" {
		b.WriteString(`<span class="scale">` + esc(r.Caption) + `</span>`)
	}
	b.WriteString(`</figcaption>`)
	open := ""
	if r.TableOpen {
		open = " open"
	}
	fmt.Fprintf(&b, `<details class="numbers"%s><summary>%s</summary><table><thead><tr><th scope="col">%s</th>`,
		open, esc(tr(r.Lang, "数值", "Values")), esc(r.Column))
	for _, s := range r.Series {
		fmt.Fprintf(&b, `<th scope="col">%s</th>`, esc(s.Name))
	}
	b.WriteString(`</tr></thead><tbody>`)
	for i, a := range r.Axes {
		fmt.Fprintf(&b, `<tr><th scope="row">%s</th>`, esc(a.Label))
		for _, s := range r.Series {
			fmt.Fprintf(&b, `<td>%s</td>`, num(s.Values[i], s.Digits))
		}
		b.WriteString(`</tr>`)
	}
	b.WriteString(`</tbody></table></details></figure>`)
	return template.HTML(b.String()) // every text in it was escaped above
}

// honeycombRadar draws one bank type's honeycomb scores on six axes, a
// polygon per year, the newest year's scores at the corners. Axis labels
// link to the search for that dimension and bank type.
func honeycombRadar(l labels, hc *corpus.Honeycomb, bankType string) template.HTML {
	years := honeycombYears(hc, bankType)
	title := l.heading(corpus.FacetBankType, bankType)
	r := radarChart{ID: "radar-" + bankType, Title: title, Max: 100, Lang: l.lang, Column: tr(l.lang, "维度", "Dimension"),
		Vertex: len(years) - 1, Caption: tr(l.lang, "蜂巢模型指数，0–100", "Honeycomb index, 0–100")}
	for _, d := range l.tax.Dimensions {
		r.Axes = append(r.Axes, radarAxis{Label: l.heading(corpus.FacetDimension, d.Code),
			URL: "/?" + url.Values{"dimension": {d.Code}, "bank_type": {bankType}}.Encode()})
	}
	for k, y := range years {
		s := radarSeries{Name: strconv.Itoa(y.year), Class: fmt.Sprintf("year y%d", k), Digits: 2}
		for _, d := range l.tax.Dimensions {
			s.Values = append(s.Values, y.scores[d.Code])
		}
		r.Series = append(r.Series, s)
	}
	return r.HTML()
}

type yearScores struct {
	year   int
	scores map[string]float64 // by dimension
}

// honeycombYears are a bank type's scores by year, oldest first; none for
// a type the report does not score.
func honeycombYears(hc *corpus.Honeycomb, bankType string) []yearScores {
	var out []yearScores
	for _, s := range hc.Scores {
		if s.BankType != bankType {
			continue
		}
		i := 0
		for i < len(out) && out[i].year < s.Year {
			i++
		}
		if i == len(out) || out[i].year != s.Year {
			out = append(out[:i], append([]yearScores{{year: s.Year, scores: map[string]float64{}}}, out[i:]...)...)
		}
		out[i].scores[s.Dimension] = s.Score
	}
	return out
}

// provinceTiles lays China's provinces out on a grid, roughly where they
// lie: column, row.
var provinceTiles = map[string][2]int{
	"heilongjiang": {7, 0},
	"neimenggu":    {4, 1}, "beijing": {5, 1}, "jilin": {7, 1},
	"xinjiang": {1, 2}, "gansu": {2, 2}, "ningxia": {3, 2}, "shanxi": {4, 2}, "hebei": {5, 2}, "tianjin": {6, 2}, "liaoning": {7, 2},
	"xizang": {0, 3}, "qinghai": {1, 3}, "sichuan": {2, 3}, "shaanxi": {3, 3}, "henan": {4, 3}, "shandong": {5, 3},
	"yunnan": {2, 4}, "chongqing": {3, 4}, "hubei": {4, 4}, "anhui": {5, 4}, "jiangsu": {6, 4}, "shanghai": {7, 4},
	"guizhou": {3, 5}, "hunan": {4, 5}, "jiangxi": {5, 5}, "zhejiang": {6, 5},
	"guangxi": {3, 6}, "guangdong": {4, 6}, "fujian": {5, 6}, "taiwan": {6, 6},
	"hainan": {3, 7}, "macau": {4, 7}, "hongkong": {5, 7},
}

// regionLink is a region's count outside the map (a macro-region or the
// whole country) or in the map's table.
type regionLink struct {
	Label, URL string
	Count      int
}

// regionLegend is one colour of the map and the counts it stands for.
type regionLegend struct {
	Level int
	Text  string
}

// provinceMap draws the case counts by province as a tile grid, each tile
// a link to that region's search; regions that are not one province
// (east, nationwide) are listed apart.
func provinceMap(l labels, byRegion map[string]int) (svg template.HTML, table, apart []regionLink, legend []regionLegend) {
	const tw, th, gap = 60.0, 50.0, 4.0
	esc := html.EscapeString
	maxCount := 1
	for code, n := range byRegion {
		if _, ok := provinceTiles[code]; ok {
			maxCount = max(maxCount, n)
		}
	}
	level := func(n int) int { return int(math.Ceil(4 * float64(n) / float64(maxCount))) }
	var b strings.Builder
	title := tr(l.lang, "各省案例数", "Cases by province")
	fmt.Fprintf(&b, `<svg class="tiles" viewBox="0 0 %.0f %.0f" role="group" aria-labelledby="map-t"><title id="map-t">%s</title>`,
		8*(tw+gap), 8*(th+gap), esc(title))
	for _, r := range l.tax.Regions {
		pos, ok := provinceTiles[r.Code]
		n := byRegion[r.Code]
		link := regionLink{Label: l.heading(corpus.FacetRegion, r.Code), URL: "/?region=" + url.QueryEscape(r.Code), Count: n}
		if !ok {
			if n > 0 {
				apart = append(apart, link)
			}
			continue
		}
		table = append(table, link)
		x, y := float64(pos[0])*(tw+gap), float64(pos[1])*(th+gap)
		// The <title> names the link (and is its tooltip); an aria-label
		// would have to repeat the tile's text word for word.
		what := fmt.Sprintf(tr(l.lang, "%s %d 个案例", "%s %d cases"), link.Label, n)
		if n == 1 && l.lang == "en" {
			what = link.Label + " 1 case"
		}
		fmt.Fprintf(&b, `<a class="tile l%d" href="%s"><title>%s</title><rect x="%.0f" y="%.0f" width="%.0f" height="%.0f" rx="4"/>`,
			level(n), esc(link.URL), esc(what), x, y, tw, th)
		// A two-word English name takes two lines; long names a smaller size.
		lines := []string{link.Label}
		if l.lang == "en" {
			if i := strings.IndexByte(link.Label, ' '); i > 0 {
				lines = []string{link.Label[:i], link.Label[i+1:]}
			}
		}
		cls := "name"
		for _, ln := range lines {
			if len([]rune(ln)) > 7 {
				cls = "name small"
			}
		}
		for i, ln := range lines {
			ty := y + 20 + float64(i)*12 - float64(len(lines)-1)*6
			fmt.Fprintf(&b, `<text class="%s" x="%.0f" y="%.0f" text-anchor="middle">%s</text>`, cls, x+tw/2, ty, esc(ln))
		}
		fmt.Fprintf(&b, `<text class="n" x="%.0f" y="%.0f" text-anchor="middle">%d</text></a>`, x+tw/2, y+th-9, n)
	}
	b.WriteString(`</svg>`)
	legend = append(legend, regionLegend{Level: 0, Text: "0"})
	for k := 1; k <= 4; k++ {
		lo, hi := (k-1)*maxCount/4+1, k*maxCount/4
		switch {
		case lo > hi:
			continue
		case lo == hi:
			legend = append(legend, regionLegend{Level: k, Text: strconv.Itoa(lo)})
		default:
			legend = append(legend, regionLegend{Level: k, Text: fmt.Sprintf("%d–%d", lo, hi)})
		}
	}
	return template.HTML(b.String()), table, apart, legend
}
