package ui

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"casebank/corpus"
	"casebank/corpus/app"
	"casebank/index"
)

// compareHead is how many case links a cell of the comparison shows; the
// rest are one search away.
const compareHead = 5

// comparedBank is one column of the comparison.
type comparedBank struct {
	ID, Name, Type, Region, City string
	Cases                        int
	URL                          string // the search of its cases
}

// bankChoice and bankPick fill the form that picks other banks.
type bankChoice struct{ ID, Name string }

type bankPick struct {
	N  int
	ID string
}

// compareCell is one bank's cases of one dimension.
type compareCell struct {
	Count int
	Cases []simView // the first compareHead
	More  int
	URL   string // the search of them all
}

type compareRow struct {
	Label, URL string
	Cells      []compareCell
}

// themeShare is a theme some of the compared banks have cases on.
type themeShare struct {
	Label, URL string
	Counts     []int // by bank, 0 where it has none
	Banks      []string
}

// comparePage sets two to four banks side by side: profile, cases by
// dimension, themes shared and not, and a radar of their case counts
// against their bank types' honeycomb scores.
func (u *UI) comparePage(c echo.Context) error {
	lang := u.lang(c)
	var given []string
	for _, v := range c.QueryParams()["banks"] {
		for _, s := range strings.Split(v, ",") {
			if s = strings.TrimSpace(s); s != "" {
				given = append(given, s)
			}
		}
	}
	ctx := c.Request().Context()
	// The count first: five names are refused whether or not they exist.
	switch {
	case len(given) == 0:
		return u.compareError(c, http.StatusBadRequest, tr(lang, "请在 banks 参数中给出 2 至 4 家银行，例如 /compare?banks=jiangsu-bank,nanjing-bank。",
			"Give two to four banks in the banks parameter, e.g. /compare?banks=jiangsu-bank,nanjing-bank."))
	case len(given) > app.MaxCompared:
		return u.compareError(c, http.StatusBadRequest, fmt.Sprintf(tr(lang, "对比最多 4 家银行，给出了 %d 家：%s。",
			"A comparison takes at most four banks; %d were given: %s."), len(given), shortList(given)))
	}
	var banks []*corpus.Bank
	for _, g := range given {
		b, err := u.app.FindBank(ctx, g)
		if corpus.ErrorCode(err) == corpus.ENOTFOUND {
			return u.compareError(c, http.StatusNotFound, fmt.Sprintf(tr(lang, "没有名为“%s”的银行。", "No bank is called “%s”."), shortList([]string{g})))
		}
		if err != nil {
			return err
		}
		// The same bank named twice (by id and by name) is compared once.
		if !slices.ContainsFunc(banks, func(o *corpus.Bank) bool { return o.ID == b.ID }) {
			banks = append(banks, b)
		}
	}
	if len(banks) < app.MinCompared {
		return u.compareError(c, http.StatusBadRequest, fmt.Sprintf(tr(lang, "对比需要 2 至 4 家银行，%s 只指向 1 家。",
			"A comparison takes two to four banks; %s names only one."), shortList(given)))
	}
	l, err := u.labels(c)
	if err != nil {
		return err
	}
	digests := make([]*index.BankDigest, len(banks))
	for i, b := range banks {
		if digests[i], err = u.app.FindBankDigest(ctx, b.ID, compareHead); err != nil {
			return err
		}
	}
	// The report's scores only: no need to count the corpus.
	hc, err := corpus.DefaultHoneycomb()
	if err != nil {
		return err
	}
	var cols []comparedBank
	var ids []string
	for i, b := range banks {
		cb := comparedBank{ID: b.ID, Name: pick(l.lang, corpus.Text{ZH: b.Name, EN: b.NameEN}), Type: l.heading(corpus.FacetBankType, b.Type),
			Region: l.heading(corpus.FacetRegion, b.Region), Cases: digests[i].Cases, URL: "/?bank=" + url.QueryEscape(b.ID)}
		if l.lang != "en" {
			cb.City = b.City // the registry names cities in Chinese only
		}
		cols = append(cols, cb)
		ids = append(ids, b.ID)
	}
	all, err := u.app.FindBanks(ctx)
	if err != nil {
		return err
	}
	var choices []bankChoice
	for _, b := range all {
		choices = append(choices, bankChoice{ID: b.ID, Name: pick(l.lang, corpus.Text{ZH: b.Name, EN: b.NameEN})})
	}
	slices.SortStableFunc(choices, func(a, b bankChoice) int { return strings.Compare(a.Name, b.Name) })
	var picks []bankPick
	for i := range app.MaxCompared {
		p := bankPick{N: i + 1}
		if i < len(banks) {
			p.ID = banks[i].ID
		}
		picks = append(picks, p)
	}
	rows, counts := compareRows(l, banks, digests)
	shared, some, only := compareThemes(l, banks, digests)
	return u.render(c, http.StatusOK, "compare", map[string]any{
		"All": choices, "Picks": picks, "Banks": cols, "Rows": rows, "Shared": shared, "Some": some, "Only": only, "IDs": strings.Join(ids, ","),
		"Radar": compareRadar(l, banks, cols, counts, hc),
	})
}

func (u *UI) compareError(c echo.Context, status int, msg string) error {
	return u.render(c, status, "error", map[string]any{"Status": status, "Message": msg})
}

// compareRows gives each bank's count of cases per dimension (a case counts
// under every dimension it has, as a dimension filter finds it) and the
// first of them.
func compareRows(l labels, banks []*corpus.Bank, digests []*index.BankDigest) ([]compareRow, [][]float64) {
	counts := make([][]float64, len(banks))
	var rows []compareRow
	for _, d := range l.tax.Dimensions {
		r := compareRow{Label: l.heading(corpus.FacetDimension, d.Code), URL: "/?dimension=" + d.Code}
		for i, b := range banks {
			cell := compareCell{URL: "/?" + url.Values{"bank": {b.ID}, "dimension": {d.Code}}.Encode(), Count: digests[i].ByDimension[d.Code]}
			for _, cs := range digests[i].First[d.Code] {
				cell.Cases = append(cell.Cases, simView{ID: cs.ID, Title: pick(l.lang, cs.Title)})
			}
			cell.More = cell.Count - len(cell.Cases)
			counts[i] = append(counts[i], float64(cell.Count))
			r.Cells = append(r.Cells, cell)
		}
		rows = append(rows, r)
	}
	return rows, counts
}

// compareThemes sorts the themes the banks have cases on into those every
// bank has, those some have, and each bank's own.
func compareThemes(l labels, banks []*corpus.Bank, digests []*index.BankDigest) (shared, some []themeShare, only [][]themeShare) {
	only = make([][]themeShare, len(banks))
	for _, t := range l.tax.Themes {
		ts := themeShare{Label: l.heading(corpus.FacetTheme, t.Code), URL: "/?theme=" + t.Code, Counts: make([]int, len(banks))}
		var holders []int
		for i := range banks {
			if ts.Counts[i] = digests[i].ByTheme[t.Code]; ts.Counts[i] > 0 {
				holders = append(holders, i)
				ts.Banks = append(ts.Banks, pick(l.lang, corpus.Text{ZH: banks[i].Name, EN: banks[i].NameEN}))
			}
		}
		switch len(holders) {
		case 0:
		case len(banks):
			shared = append(shared, ts)
		case 1:
			only[holders[0]] = append(only[holders[0]], ts)
		default:
			some = append(some, ts)
		}
	}
	return shared, some, only
}

// compareRadar overlays the banks' case counts per dimension and, dashed
// on the 0–100 scale, the honeycomb scores of their bank types in the
// report's newest year.
func compareRadar(l labels, banks []*corpus.Bank, cols []comparedBank, counts [][]float64, hc *corpus.Honeycomb) template.HTML {
	top := 0.0
	for _, cs := range counts {
		for _, n := range cs {
			top = max(top, n)
		}
	}
	r := radarChart{ID: "compare-radar", Title: tr(l.lang, "各维度案例数", "Cases by dimension"), Max: niceMax(top), Vertex: -1, Dots: true,
		TableOpen: true, Lang: l.lang, Column: tr(l.lang, "维度", "Dimension")}
	for _, d := range l.tax.Dimensions {
		r.Axes = append(r.Axes, radarAxis{Label: l.heading(corpus.FacetDimension, d.Code), URL: "/?dimension=" + d.Code})
	}
	for i := range banks {
		r.Series = append(r.Series, radarSeries{Name: cols[i].Name, Class: fmt.Sprintf("bank b%d", i), Values: counts[i]})
	}
	var types []string
	for _, b := range banks {
		if slices.Contains(types, b.Type) {
			continue
		}
		years := honeycombYears(hc, b.Type)
		if len(years) == 0 {
			continue
		}
		types = append(types, b.Type)
		y := years[len(years)-1]
		s := radarSeries{Name: fmt.Sprintf(tr(l.lang, "%s %d 年指数", "%s, %d index"), l.heading(corpus.FacetBankType, b.Type), y.year),
			Class: fmt.Sprintf("ref r%d", len(types)-1), Digits: 2, Ref: true}
		for _, d := range l.tax.Dimensions {
			s.Values = append(s.Values, y.scores[d.Code])
		}
		r.Series = append(r.Series, s)
	}
	if len(types) > 0 {
		r.RefMax = 100
		r.Caption = tr(l.lang, "实线：案例数（刻度在右上方）；虚线：银行类型的蜂巢模型指数（0–100，斜体刻度在左下方）。",
			"Solid: cases (scale at the upper right); broken lines: the bank types' honeycomb index (0–100, scale in italics at the lower left).")
	} else {
		r.Caption = tr(l.lang, "报告未给出这些银行类型的蜂巢模型指数。", "The report gives no honeycomb index for these bank types.")
	}
	return r.HTML()
}

// shortList names the values a refusal is about, each and all cut short.
func shortList(vs []string) string {
	var out []string
	for i, v := range vs {
		if i == 2*app.MaxCompared {
			out = append(out, "…")
			break
		}
		if r := []rune(v); len(r) > 40 {
			v = string(r[:40]) + "…"
		}
		out = append(out, v)
	}
	return strings.Join(out, ", ")
}
