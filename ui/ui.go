package ui

import (
	"bytes"
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

	"github.com/labstack/echo/v4"

	"casebank/api"
	"casebank/corpus"
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
	// API authenticates editors (sessions, CSRF) and performs their writes.
	API    *api.Server
	store  *corpus.Store
	index  *index.Index
	pages  map[string]*template.Template
	assets map[string]asset // by file name
}

type asset struct {
	body []byte
	hash string
	mime string
}

// New parses the templates and fingerprints the static assets.
func New(store *corpus.Store, ix *index.Index) (*UI, error) {
	u := &UI{store: store, index: ix, pages: map[string]*template.Template{}, assets: map[string]asset{}}
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
		"join":      strings.Join,
		"has":       func(xs []string, x string) bool { return slices.Contains(xs, x) },
		"short":     shortValue,
		"facetName": facetName,
	}
	for _, page := range []string{"search", "case", "error", "signin", "newcase", "confirm"} {
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
	u.registerEditor(e)
}

// PageError renders an error as an HTML page; api.Server calls it for
// non-API paths.
func (u *UI) PageError(c echo.Context, status int, body api.ErrorBody) error {
	msg := body.Error.Message
	if status == http.StatusNotFound && body.Error.Code == corpus.ENOTFOUND && strings.HasPrefix(msg, "Not Found") {
		msg = "页面不存在 Page not found"
	}
	return u.render(c, status, "error", map[string]any{"Status": status, "Message": msg, "Report": corpus.ReportTitle})
}

func (u *UI) render(c echo.Context, status int, page string, data any) error {
	if m, ok := data.(map[string]any); ok {
		if sess := u.session(c); sess != nil {
			m["User"] = sess
		}
		if _, ok := m["Report"]; !ok {
			m["Report"] = corpus.ReportTitle
		}
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

// labels resolves codes to Chinese labels for display.
type labels struct {
	tax *corpus.Taxonomy
}

func (l labels) of(kind, code string) string {
	if v, ok := l.tax.Lookup(kind, code); ok {
		return v.ZH
	}
	return code
}

func (l labels) tags(c *corpus.Case) []string {
	return append(labelsOf(l, corpus.KindDimension, c.Dimensions), labelsOf(l, corpus.KindTheme, c.Themes)...)
}

func facetName(field string) string {
	switch field {
	case index.FacetKind:
		return "类型 Kind"
	case index.FacetDimension:
		return "维度 Dimension"
	case index.FacetBankType:
		return "银行类型 Bank type"
	case index.FacetTheme:
		return "主题 Theme"
	case index.FacetRegion:
		return "地区 Region"
	case index.FacetYear:
		return "年份 Year"
	case index.FacetBank:
		return "银行 Bank"
	}
	return field
}

type hiddenField struct{ Name, Value string }

type facetLink struct {
	Label    string
	Count    int
	Selected bool
	URL      string
}

type facetView struct {
	Field  string
	Values []facetLink
}

type hitView struct {
	Policy                     bool
	ID                         string
	Title                      corpus.Text
	BankName, BankType, Region string
	Year                       int
	Source                     string
	Evidence                   []template.HTML
	Tags                       []string
}

type chip struct {
	Field, Value, Words, RemoveURL string
}

type resultView struct {
	Query      string // the search's parameters, for export, citation and bulk links
	Chips      []chip
	Total      uint64
	Relaxed    bool
	Hits       []hitView
	Facets     []facetView
	Page       int
	Prev, Next string
}

func (u *UI) searchPage(c echo.Context) error {
	data := map[string]any{"Raw": c.QueryParam("q"), "Report": corpus.ReportTitle}
	if u.session(c) != nil {
		tax, err := u.store.Taxonomy()
		if err != nil {
			return err
		}
		data["Tax"] = tax
	}
	params := c.QueryParams()
	var hidden []hiddenField
	for _, k := range []string{"kind", "dimension", "bank_type", "theme", "region", "year", "bank", "noinfer", "infer"} {
		for _, v := range params[k] {
			hidden = append(hidden, hiddenField{k, v})
		}
	}
	data["Hidden"] = hidden
	req, err := api.ParseSearch(c)
	if err == nil {
		var res *index.Result
		if res, err = u.index.Search(c.Request().Context(), req); err == nil {
			tax, terr := u.store.Taxonomy()
			if terr != nil {
				return terr
			}
			data["Result"] = u.resultView(res, params, labels{tax})
		}
	}
	if err != nil {
		status, body := api.Status(err)
		if status >= 500 {
			return err
		}
		data["Error"] = body.Error.Message
		return u.render(c, status, "search", data)
	}
	return u.render(c, http.StatusOK, "search", data)
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
		v.Chips = append(v.Chips, chip{Field: strings.Fields(facetName(in.Field))[0], Value: in.Label.ZH, Words: in.Words, RemoveURL: "/?" + q.Encode()})
	}
	for _, h := range res.Hits {
		c := h.Case
		if c == nil {
			p := h.Policy
			v.Hits = append(v.Hits, hitView{ID: p.ID, Policy: true, Title: corpus.Text{ZH: p.Name, EN: p.NameEN},
				BankName: p.Issuer, BankType: "政策", Region: l.of(corpus.KindRegion, p.Region), Year: p.Year(),
				Source: strings.TrimSpace(p.Source.Section + " " + p.Source.Table), Evidence: evidence(h.Highlights),
				Tags: labelsOf(l, corpus.KindTheme, p.Themes)})
			continue
		}
		hv := hitView{ID: c.ID, Title: c.Title, BankName: c.Bank.Name, Year: c.Year,
			BankType: l.of(corpus.KindBankType, c.Bank.Type), Region: l.of(corpus.KindRegion, c.Bank.Region),
			Source: strings.TrimSpace(c.Source.Section + " " + c.Source.Table), Tags: l.tags(c)}
		hv.Evidence = evidence(h.Highlights)
		v.Hits = append(v.Hits, hv)
	}
	for _, f := range res.Facets {
		fv := facetView{Field: f.Field}
		for _, val := range f.Values {
			fv.Values = append(fv.Values, facetLink{Label: val.Label.ZH, Count: val.Count, Selected: val.Selected,
				URL: toggleParam(params, f.Field, val.Code)})
		}
		v.Facets = append(v.Facets, fv)
	}
	if res.Page > 1 {
		v.Prev = withParam(params, "page", strconv.Itoa(res.Page-1))
	}
	if uint64(res.Page*res.Size) < res.Total {
		v.Next = withParam(params, "page", strconv.Itoa(res.Page+1))
	}
	return v
}

// evidence picks up to two highlighted fragments, most telling field first.
func evidence(hl map[string][]string) []template.HTML {
	var out []template.HTML
	for _, field := range []string{"title.zh", "summary.zh", "body", "products", "outcome", "summary.en", "title.en"} {
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
	cs, err := u.store.FindCaseByID(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	tax, err := u.store.Taxonomy()
	if err != nil {
		return err
	}
	l := labels{tax}
	hist, err := u.store.History(c.Request().Context(), cs.ID)
	if err != nil {
		return err
	}
	return u.render(c, http.StatusOK, "case", map[string]any{
		"Case": cs, "History": hist, "Tax": tax, "BankName": cs.Bank.Name, "BankType": l.of(corpus.KindBankType, cs.Bank.Type),
		"Region": l.of(corpus.KindRegion, cs.Bank.Region), "Tags": l.tags(cs), "Report": corpus.ReportTitle,
	})
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
