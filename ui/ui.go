package ui

import (
	"bytes"
	"cmp"
	"crypto/rand"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"mime"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"casebank/corpus"
	"casebank/corpus/app"
	"casebank/corpus/export"
	"casebank/index"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// contentSecurityPolicy allows only our own script and stylesheet: no inline
// code, so injected markup cannot run even if escaping ever failed.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// UI renders casebank's pages.
type UI struct {
	app    *app.Service
	pages  map[string]*template.Template
	assets map[string]asset // by file name
	// signinKey signs the sign-in form's pre-session cookie.
	signinKey []byte
}

type asset struct {
	body []byte
	hash string
	mime string
}

// New parses the templates and fingerprints the static assets; the pages
// read and write through svc.
func New(svc *app.Service) (*UI, error) {
	u := &UI{app: svc, pages: map[string]*template.Template{}, assets: map[string]asset{}, signinKey: make([]byte, 32)}
	rand.Read(u.signinKey) // never fails (crypto/rand)
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		u.assets[path.Base(p)] = asset{body: body, hash: hex.EncodeToString(sum[:6]), mime: mime.TypeByExtension(path.Ext(p))}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("ui: static: %w", err)
	}
	funcs := template.FuncMap{
		"asset": func(name string) (string, error) {
			a, ok := u.assets[name]
			if !ok {
				return "", fmt.Errorf("no asset %q", name)
			}
			return "/static/" + name + "?v=" + a.hash, nil
		},
		"join":       strings.Join,
		"has":        func(xs []string, x string) bool { return slices.Contains(xs, x) },
		"short":      shortValue,
		"facetName":  facetName,
		"lower":      strings.ToLower,
		"tr":         tr,
		"textOf":     func(v corpus.Value) corpus.Text { return corpus.Text{ZH: v.ZH, EN: v.EN} },
		"pick":       pick,
		"textOfBank": func(b *corpus.Bank) corpus.Text { return corpus.Text{ZH: b.Name, EN: b.NameEN} },
		"placeEN":    placeEN,
		"tagWhy":     tagWhy,
		"sourceName": sourceName,
		// inLang hands a sub-template its value with the page's language.
		"inLang": func(lang string, v any) map[string]any { return map[string]any{"Lang": lang, "V": v} },
		"list":   func(xs ...any) []any { return xs },
	}
	for _, page := range []string{"search", "case", "error", "signin", "newcase", "confirm", "bank", "stats", "review", "compare", "codebook", "codebookconfirm"} {
		t, err := template.New("layout").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/"+page+".html")
		if err != nil {
			return nil, fmt.Errorf("ui: parse %s: %w", page, err)
		}
		u.pages[page] = t
	}
	return u, nil
}

// Register adds the page routes to e.
func (u *UI) Register(e *echo.Echo) {
	e.GET("/", u.searchPage)
	e.GET("/cases/:id", u.casePage)
	e.GET("/static/:name", u.static)
	e.GET("/lang", u.setLang)
	e.GET("/banks/:id", u.bankPage)
	e.GET("/stats", u.statsPage)
	e.GET("/compare", u.comparePage)
	e.GET("/feed.atom", u.feed)
	u.registerEditor(e)
	u.registerCodebook(e)
}

// PageError renders an error as an HTML page; the server's error handler
// calls it for non-API paths.
func (u *UI) PageError(c echo.Context, status int, body app.ErrorBody) error {
	msg := body.Error.Message
	if status == http.StatusNotFound && body.Error.Code == corpus.ENOTFOUND && strings.HasPrefix(msg, "Not Found") {
		msg = tr(u.lang(c), "页面不存在", "Page not found")
	}
	return u.render(c, status, "error", map[string]any{"Status": status, "Message": msg, "Report": corpus.ReportTitle})
}

func (u *UI) render(c echo.Context, status int, page string, data any) error {
	if m, ok := data.(map[string]any); ok {
		if sess := u.session(c); sess != nil {
			m["User"] = sess
		}
		lang := u.lang(c)
		m["Lang"] = lang
		other := "en"
		if lang == "en" {
			other = "zh"
		}
		m["LangSwitch"] = "/lang?to=" + other + "&next=" + url.QueryEscape(c.Request().URL.RequestURI())
		if _, ok := m["Report"]; !ok {
			m["Report"] = corpus.ReportTitle
		}
		// The footer names the report in the page's language.
		m["FooterReport"] = tr(lang, corpus.ReportTitle, corpus.ReportTitleEN)
	}
	var buf bytes.Buffer
	if err := u.pages[page].ExecuteTemplate(&buf, "layout", data); err != nil {
		return fmt.Errorf("ui: render %s: %w", page, err)
	}
	h := c.Response().Header()
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set("Cache-Control", "no-cache")
	return c.HTMLBlob(status, buf.Bytes())
}

func (u *UI) static(c echo.Context) error {
	a, ok := u.assets[c.Param("name")]
	if !ok {
		return corpus.Errorf(corpus.ENOTFOUND, "no static file %q", c.Param("name"))
	}
	if c.QueryParam("v") == a.hash {
		c.Response().Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	}
	return c.Blob(http.StatusOK, a.mime, a.body)
}

// labels resolves codes to labels in the page's language.
type labels struct {
	tax  *corpus.Taxonomy
	lang string
}

// labels names codes in the request's language.
func (u *UI) labels(c echo.Context) (labels, error) {
	tax, err := u.app.Taxonomy()
	if err != nil {
		return labels{}, err
	}
	return labels{tax, u.lang(c)}, nil
}

func (l labels) of(kind, code string) string {
	if v, ok := l.tax.Lookup(kind, code); ok {
		return pick(l.lang, corpus.Text{ZH: v.ZH, EN: v.EN})
	}
	if kind == corpus.FacetCity {
		return pick(l.lang, corpus.CityLabel(code))
	}
	return code
}

// heading is a label as a heading or axis: English labels are lower-case
// for use in a sentence, a heading starts with a capital.
func (l labels) heading(kind, code string) string {
	s := l.of(kind, code)
	if l.lang != "en" || s == "" {
		return s
	}
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

// pick returns the English text on English pages when there is one.
func pick(lang string, t corpus.Text) string {
	if lang == "en" && t.EN != "" {
		return t.EN
	}
	if t.ZH == "" {
		return t.EN
	}
	return t.ZH
}

// sourceName names where a tag suggestion comes from (the tagger's
// Source) in the page's language.
func sourceName(lang, source string) string {
	zh, en := map[string]string{"corpus": "案例语料", "codebook": "编码表", "terms": "技术与产品名", "subject": "文本主体", "registry": "银行名录"}[source], source
	if zh == "" {
		zh = source
	}
	return tr(lang, zh, en)
}

// tr chooses between a Chinese and an English string.
func tr(lang, zh, en string) string {
	if lang == "en" {
		return en
	}
	return zh
}

func (l labels) tags(c *corpus.Case) []string {
	return append(labelsOf(l, corpus.FacetDimension, c.Dimensions), labelsOf(l, corpus.FacetTheme, c.Themes)...)
}

func facetName(lang, field string) string {
	if f, ok := corpus.FacetByName(field); ok {
		return pick(lang, f.Label)
	}
	return field
}

type hiddenField struct{ Name, Value string }

type facetLink struct {
	Label    string
	Count    int
	Selected bool
	URL      string
	Match    string // code and the other language's label, lower-cased, for the facet search box
}

// facetView is one facet's values: the first facetHead shown, the rest
// behind a "show more" that opens by itself when it holds a selected value.
type facetView struct {
	Field    string
	Values   []facetLink
	More     []facetLink
	MoreOpen bool
}

const facetHead = 8

// metaPart is one field of a hit's line of facts, linked when URL is set.
type metaPart struct{ Text, URL string }

// pageLink is a page number in the pager; Gap stands for the pages left out.
type pageLink struct {
	N            int
	URL          string
	Current, Gap bool
}

// sortLink is one order the results can be listed in.
type sortLink struct {
	Label, URL string
	Current    bool
}

type hitView struct {
	Main, Alt                  string // title in the page's language, and in the other
	BankID                     string
	Policy                     bool
	ID                         string
	Title                      corpus.Text
	BankName, BankType, Region string
	Year                       int
	Source                     string
	Evidence                   []template.HTML
	Meta                       []metaPart // the non-empty facts, for one line
	Tags                       []string
	// Outside names the filters read from the query that the hit misses;
	// Divider puts the "other matches" line above the first such hit.
	Outside []string
	Divider bool
}

type chip struct {
	Field, Value, Words, RemoveURL string
}

type tryLink struct{ Text, URL string }

type resultView struct {
	Tries      []tryLink // for an empty result: what to try instead
	Query      string    // the search's parameters, for export, citation and bulk links
	Chips      []chip
	Total      uint64
	Relaxed    bool
	Hits       []hitView
	Inside     uint64
	Unmatched  []string // words no case matched
	Corrected  string   // the query searched instead
	Policies   []hitView
	PolicyN    uint64
	Facets     []facetView
	Page       int
	Prev, Next string
	Pages      []pageLink // shown when there is more than one
	PageCount  int
	Sorts      []sortLink
	ClearURL   string // drops every filter; "" when none is set
}

func (u *UI) searchPage(c echo.Context) error {
	data := map[string]any{"Raw": c.QueryParam("q"), "Report": corpus.ReportTitle}
	if u.session(c) != nil {
		tax, err := u.app.Taxonomy()
		if err != nil {
			return err
		}
		data["Tax"] = tax
	}
	params := c.QueryParams()
	var hidden []hiddenField
	for _, k := range append(corpus.FacetNames(), "noinfer", "infer", "sort") {
		for _, v := range params[k] {
			hidden = append(hidden, hiddenField{k, v})
		}
	}
	data["Hidden"] = hidden
	data["Feed"] = feedURL(params, u.lang(c))
	req, err := app.ParseSearch(params)
	if err == nil {
		var res *index.Result
		if res, err = u.app.Search(c.Request().Context(), req); err == nil {
			l, lerr := u.labels(c)
			if lerr != nil {
				return lerr
			}
			data["Result"] = u.resultView(res, params, l)
		}
	}
	if err != nil {
		status, body := app.Status(err)
		if status >= 500 {
			return err
		}
		data["Error"] = body.Error.Message
		return u.render(c, status, "search", data)
	}
	return u.render(c, http.StatusOK, "search", data)
}

// hitViewOf is a hit as the page shows it.
func hitViewOf(h index.Hit, l labels) hitView {
	v := hitViewFields(h, l)
	// Only the facts the record has, so no "·" stands alone.
	for _, p := range []metaPart{{v.BankName, ""}, {v.BankType, ""}, {v.Region, ""}, {yearText(v.Year), ""}, {v.Source, ""}} {
		if p.Text != "" {
			v.Meta = append(v.Meta, p)
		}
	}
	if len(v.Meta) > 0 && v.BankID != "" && v.Meta[0].Text == v.BankName {
		v.Meta[0].URL = "/banks/" + v.BankID
	}
	return v
}

func yearText(y int) string {
	if y == 0 {
		return ""
	}
	return strconv.Itoa(y)
}

func hitViewFields(h index.Hit, l labels) hitView {
	var outside []string
	for _, f := range h.Outside {
		outside = append(outside, l.of(f.Field, f.Code))
	}
	c := h.Case
	if c == nil {
		p := h.Policy
		title := corpus.Text{ZH: p.Name, EN: p.NameEN}
		return hitView{ID: p.ID, Policy: true, Title: title, Main: pick(l.lang, title), Alt: alt(l.lang, title),
			BankName: p.Issuer, BankType: tr(l.lang, "政策", "policy"), Region: codeLabel(l, corpus.FacetRegion, p.Region), Year: p.Year(),
			Source: strings.TrimSpace(p.Source.Section + " " + p.Source.Table), Evidence: evidence(l.lang, h.Highlights),
			Tags: labelsOf(l, corpus.FacetTheme, p.Themes), Outside: outside}
	}
	return hitView{ID: c.ID, Title: c.Title, Main: pick(l.lang, c.Title), Alt: alt(l.lang, c.Title),
		BankName: pick(l.lang, corpus.Text{ZH: c.Bank.Name, EN: c.Bank.NameEN}), BankID: c.Bank.ID, Year: c.Year,
		BankType: codeLabel(l, corpus.FacetBankType, c.Bank.Type), Region: codeLabel(l, corpus.FacetRegion, c.Bank.Region),
		Source: strings.TrimSpace(c.Source.Section + " " + c.Source.Table), Tags: l.tags(c),
		Evidence: evidence(l.lang, h.Highlights), Outside: outside}
}

func (u *UI) resultView(res *index.Result, params url.Values, l labels) *resultView {
	v := &resultView{Total: res.Total, Relaxed: res.Query.Relaxed, Page: res.Page}
	sq := cloneValues(params)
	sq.Del("page")
	sq.Del("size")
	v.Query = sq.Encode()
	for _, in := range res.Query.Inferred {
		if !in.Applied {
			continue
		}
		q := cloneValues(params)
		q.Del("page")
		q.Add("noinfer", in.Field)
		v.Chips = append(v.Chips, chip{Field: facetName(l.lang, in.Field), Value: pick(l.lang, in.Label), Words: in.Words, RemoveURL: "/?" + q.Encode()})
	}
	v.Inside, v.Unmatched, v.Corrected, v.PolicyN = res.Inside, res.Query.Unmatched, res.Query.Corrected, res.PoliciesTotal
	from := uint64((res.Page - 1) * res.Size)
	for i, h := range res.Hits {
		hv := hitViewOf(h, l)
		hv.Divider = len(h.Outside) > 0 && (i == 0 && from > 0 || i > 0 && len(res.Hits[i-1].Outside) == 0)
		v.Hits = append(v.Hits, hv)
	}
	for _, h := range res.Policies {
		v.Policies = append(v.Policies, hitViewOf(h, l))
	}
	for _, f := range res.Facets {
		fv := facetView{Field: f.Field}
		for i, val := range f.Values {
			link := facetLink{Label: pick(l.lang, val.Label), Count: val.Count, Selected: val.Selected,
				URL: toggleParam(params, f.Field, val.Code)}
			if len(f.Values) > facetHead {
				// The shown label is matched from the page; the code and
				// the other language's label are only in the attribute.
				link.Match = facetMatch(val.Code, alt(l.lang, val.Label))
			}
			if i < facetHead {
				fv.Values = append(fv.Values, link)
			} else {
				fv.More = append(fv.More, link)
				fv.MoreOpen = fv.MoreOpen || val.Selected
			}
		}
		v.Facets = append(v.Facets, fv)
	}
	if res.Total == 0 {
		v.Tries = tries(l, res, params)
	}
	if res.Page > 1 {
		v.Prev = withParam(params, "page", strconv.Itoa(res.Page-1))
	}
	if uint64(res.Page*res.Size) < res.Total {
		v.Next = withParam(params, "page", strconv.Itoa(res.Page+1))
	}
	v.PageCount, v.Pages = pagesOf(params, res.Total, res.Page, res.Size)
	v.Sorts = sortLinks(l, params)
	v.ClearURL = clearURL(params, len(v.Chips) > 0)
	return v
}

// facetMatch is what a facet value matches besides its shown label: its
// other label and its code, the code left out when each of its words is in
// that label already (jiangsu-bank in "bank of jiangsu"), to keep the first
// page light.
func facetMatch(code, other string) string {
	other = strings.ToLower(other)
	for _, w := range strings.FieldsFunc(strings.ToLower(code), func(r rune) bool { return r == '-' || r == '_' }) {
		if !strings.Contains(other, w) {
			return strings.ToLower(code) + " " + other
		}
	}
	return other
}

// maxResults is how deep pages reach (index.Search refuses beyond).
const maxResults = 10000

// pagesOf numbers the pages: the first, the last, and two either side of
// the current one, gaps between.
func pagesOf(params url.Values, total uint64, page, size int) (int, []pageLink) {
	if size < 1 {
		return 0, nil
	}
	n := int((min(total, maxResults) + uint64(size) - 1) / uint64(size))
	if n < 2 {
		return n, nil
	}
	var out []pageLink
	for i := 1; i <= n; i++ {
		if i != 1 && i != n && (i < page-2 || i > page+2) {
			if len(out) > 0 && !out[len(out)-1].Gap {
				out = append(out, pageLink{Gap: true})
			}
			continue
		}
		out = append(out, pageLink{N: i, URL: withParam(params, "page", strconv.Itoa(i)), Current: i == page})
	}
	return n, out
}

// sortLinks offers the three orders, the current one marked.
func sortLinks(l labels, params url.Values) []sortLink {
	cur := params.Get("sort")
	if cur == "" {
		cur = index.SortRelevance
	}
	var out []sortLink
	for _, s := range []struct{ code, zh, en string }{
		{index.SortRelevance, "相关度", "relevance"}, {index.SortNewest, "最新", "newest"}, {index.SortBank, "银行", "bank"},
	} {
		q := cloneValues(params)
		q.Del("page")
		q.Del("sort")
		if s.code != index.SortRelevance {
			q.Set("sort", s.code)
		}
		out = append(out, sortLink{Label: tr(l.lang, s.zh, s.en), URL: "/?" + q.Encode(), Current: s.code == cur})
	}
	return out
}

// clearURL is the search without any filter, given or read from the words
// (inferred ones turned off); "" when there is none to clear.
func clearURL(params url.Values, inferred bool) string {
	q := cloneValues(params)
	q.Del("page")
	set := inferred
	for _, f := range corpus.FacetNames() {
		if len(q[f]) > 0 {
			set = true
		}
		q.Del(f)
	}
	if !set {
		return ""
	}
	q.Del("noinfer")
	if inferred {
		q.Set("infer", "false")
	}
	return "/?" + q.Encode()
}

// codeLabel is l.of for a code that may be missing.
func codeLabel(l labels, kind, code string) string {
	if code == "" {
		return ""
	}
	return l.of(kind, code)
}

// alt is the title in the other language, shown under the main one.
func alt(lang string, t corpus.Text) string {
	if main := pick(lang, t); main == t.ZH {
		return t.EN
	}
	return t.ZH
}

// evidence picks up to two highlighted fragments, most telling field first;
// English pages prefer English fields.
func evidence(lang string, hl map[string][]string) []template.HTML {
	var out []template.HTML
	// The titles are shown above the evidence already.
	fields := []string{"summary.zh", "body", "products", "outcome", "summary.en"}
	if lang == "en" {
		fields = []string{"summary.en", "summary.zh", "body", "products", "outcome"}
	}
	for _, field := range fields {
		for _, frag := range hl[field] {
			// The index escaped every character except its own <mark> tags.
			out = append(out, template.HTML(frag))
		}
		if len(out) >= 2 {
			return out[:2]
		}
	}
	return out
}

func labelsOf(l labels, kind string, codes []string) []string {
	out := make([]string, len(codes))
	for i, c := range codes {
		out[i] = l.of(kind, c)
	}
	return out
}

// toggleParam returns the search URL with value added to or removed from key,
// back on the first page.
func toggleParam(params url.Values, key, value string) string {
	q := cloneValues(params)
	q.Del("page")
	vals := q[key]
	q.Del(key)
	found := false
	for _, v := range vals {
		if v == value {
			found = true
			continue
		}
		q.Add(key, v)
	}
	if !found {
		q.Add(key, value)
	}
	return "/?" + q.Encode()
}

func withParam(params url.Values, key, value string) string {
	q := cloneValues(params)
	q.Set(key, value)
	return "/?" + q.Encode()
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

func (u *UI) casePage(c echo.Context) error {
	cs, err := u.app.FindCaseByID(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	l, err := u.labels(c)
	if err != nil {
		return err
	}
	hist, err := u.app.History(c.Request().Context(), cs.ID)
	if err != nil {
		return err
	}
	sims, err := u.app.SimilarCases(c.Request().Context(), cs.ID, 5, app.NoCache(c.Request().Header))
	if corpus.ErrorCode(err) == corpus.EUNAVAILABLE {
		// The index is being rebuilt, or a similar case cannot be read:
		// the case itself is still worth showing.
		sims, err = nil, nil
	}
	if err != nil {
		return err
	}
	citation, err := export.Cite([]*corpus.Case{cs}, export.BibTeX)
	if err != nil {
		return err
	}
	return u.render(c, http.StatusOK, "case", map[string]any{
		"Case": cs, "History": hist, "Tax": l.tax, "Similar": similarViews(l, sims), "Citation": citation,
		"Title": pick(l.lang, cs.Title), "AltTitle": alt(l.lang, cs.Title), "Summary": pick(l.lang, cs.Summary),
		"BankName": pick(l.lang, corpus.Text{ZH: cs.Bank.Name, EN: cs.Bank.NameEN}), "BankType": l.of(corpus.FacetBankType, cs.Bank.Type),
		"Text":   caseTextOf(l.lang, cs),
		"Region": l.of(corpus.FacetRegion, cs.Bank.Region), "Tags": l.tags(cs), "Report": corpus.ReportTitle,
		"SourceEN": sourceEN(cs.Source),
	})
}

// sourceEN cites a case's place in the report in English: the report's
// English title, its section and table; the Chinese caption is in the
// original's box.
func sourceEN(s corpus.Source) string {
	report := s.Report
	if hasHan(report) {
		report = corpus.ReportTitleEN
		if s.Year != 0 && s.Year != 2025 {
			report = strings.Replace(report, "(2025)", "("+strconv.Itoa(s.Year)+")", 1)
		}
	}
	out := report
	for _, p := range []string{s.Section, s.Table} {
		if p != "" {
			out += ", " + placeEN(p)
		}
	}
	return out
}

// caseText is a case's practice, outcome, figures and names in the page's
// language: English where the case has it, the Chinese (marked so) where
// not; Original says whether the Chinese is worth offering beside it.
type caseText struct {
	Body, BodyLang, Outcome, OutcomeLang string
	Figures                              []corpus.Figure
	Products, Technologies, Partners     []string
	NamesLang                            string
	Original                             bool
}

func caseTextOf(lang string, c *corpus.Case) caseText {
	t := caseText{Body: c.Body, BodyLang: "zh", Outcome: c.Outcome, OutcomeLang: "zh", Figures: c.Figures,
		Products: c.Products, Technologies: c.Technologies, Partners: c.Partners, NamesLang: "zh"}
	if lang != "en" {
		return t
	}
	if c.BodyEN != "" {
		t.Body, t.BodyLang, t.Original = c.BodyEN, "en", true
	}
	if c.OutcomeEN != "" {
		t.Outcome, t.OutcomeLang = c.OutcomeEN, "en"
	}
	t.Figures = make([]corpus.Figure, len(c.Figures))
	for i, f := range c.Figures {
		t.Figures[i] = corpus.Figure{Label: cmp.Or(f.LabelEN, f.Label), Value: cmp.Or(f.ValueEN, f.Value)}
	}
	english := func(zh, en []string) []string {
		if len(en) == len(zh) {
			return en
		}
		return zh
	}
	t.Products, t.Technologies, t.Partners = english(c.Products, c.ProductsEN), english(c.Technologies, c.TechnologiesEN), english(c.Partners, c.PartnersEN)
	if len(c.ProductsEN)+len(c.TechnologiesEN)+len(c.PartnersEN) > 0 {
		t.NamesLang = "en"
	}
	return t
}

// simView is a similar case on a case's page, with up to four reasons.
type simView struct {
	ID, Title, Bank string
	Reasons         []string
}

func similarViews(l labels, sims []index.Similar) []simView {
	var out []simView
	for _, sm := range sims {
		v := simView{ID: sm.Case.ID, Title: pick(l.lang, sm.Case.Title), Bank: pick(l.lang, corpus.Text{ZH: sm.Case.Bank.Name, EN: sm.Case.Bank.NameEN})}
		for _, r := range sm.Reasons[:min(4, len(sm.Reasons))] {
			v.Reasons = append(v.Reasons, reasonText(l.lang, r))
		}
		out = append(out, v)
	}
	return out
}

// shortValue shows an old or new value of a history entry in a line.
func shortValue(v any) string {
	var s string
	switch x := v.(type) {
	case nil:
		return "∅"
	case string:
		s = x
	case []any:
		parts := make([]string, len(x))
		for i, p := range x {
			parts[i] = fmt.Sprint(p)
		}
		s = strings.Join(parts, "、")
	default:
		b, _ := json.Marshal(x)
		s = string(b)
	}
	if r := []rune(s); len(r) > 80 {
		s = string(r[:80]) + "…"
	}
	return s
}

// lang is the page language: a lang parameter, else the remembered choice,
// else Chinese.
func (u *UI) lang(c echo.Context) string {
	if l := c.QueryParam("lang"); l == "en" || l == "zh" {
		return l
	}
	if ck, err := c.Cookie("lang"); err == nil && ck.Value == "en" {
		return "en"
	}
	return "zh"
}

// setLang remembers the language choice and goes back to the page.
func (u *UI) setLang(c echo.Context) error {
	to := c.QueryParam("to")
	if to != "en" && to != "zh" {
		return &corpus.Error{Code: corpus.EINVALID, Message: "to must be en or zh", Fields: []corpus.FieldError{{Field: "to", Message: "unknown language", Allowed: corpus.AllowedCodes("zh", "en")}}}
	}
	c.SetCookie(&http.Cookie{Name: "lang", Value: to, Path: "/", MaxAge: 365 * 24 * 3600, SameSite: http.SameSiteLaxMode, HttpOnly: true, Secure: secure(c)})
	return c.Redirect(http.StatusSeeOther, safeNext(c.QueryParam("next")))
}

// tries suggests what to do about an empty result: drop a filter, or search
// the glossary's equivalents in the other language.
func tries(l labels, res *index.Result, params url.Values) []tryLink {
	var out []tryLink
	for _, field := range corpus.FacetNames() {
		for _, v := range params[field] {
			q := cloneValues(params)
			q.Del("page")
			q.Del(field)
			for _, keep := range params[field] {
				if keep != v {
					q.Add(field, keep)
				}
			}
			out = append(out, tryLink{Text: tr(l.lang, "去掉筛选 ", "drop the filter ") + facetName(l.lang, field) + ": " + v, URL: "/?" + q.Encode()})
		}
	}
	for _, in := range res.Query.Inferred {
		q := cloneValues(params)
		q.Add("noinfer", in.Field)
		out = append(out, tryLink{Text: tr(l.lang, "不按“", "without ") + pick(l.lang, in.Label) + tr(l.lang, "”筛选", " as a filter"), URL: "/?" + q.Encode()})
	}
	var other []string
	for _, e := range res.Query.Expanded {
		for _, t := range e.Terms {
			if t != strings.ToLower(e.Words) && t != e.Words {
				other = append(other, t)
				break
			}
		}
	}
	if len(other) > 0 {
		q := cloneValues(params)
		q.Set("q", strings.Join(other, " "))
		q.Del("page")
		out = append(out, tryLink{Text: tr(l.lang, "换个说法：", "try: ") + strings.Join(other, " "), URL: "/?" + q.Encode()})
	}
	return out
}
