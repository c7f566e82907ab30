package ui

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"casebank/corpus"
	"casebank/corpus/app"
	"casebank/corpus/tagger"
)

func (u *UI) registerEditor(e *echo.Echo) {
	e.GET("/signin", u.signinPage)
	e.POST("/signin", u.signin)
	e.POST("/signout", u.signout)
	editor := u.requirePage(corpus.RoleEditor)
	e.GET("/cases/new", u.newCasePage, editor)
	e.POST("/cases/new", u.newCase, editor)
	e.POST("/cases/:id/tags", u.editTags, editor)
	e.POST("/bulk-tags", u.bulkTags, editor)
	u.registerReview(e)
}

// session returns the signed-in editor's session, or nil.
func (u *UI) session(c echo.Context) *corpus.Session {
	if s, ok := c.Get("casebank.session").(*corpus.Session); ok {
		return s
	}
	ck, err := c.Cookie(app.SessionCookie)
	if err != nil || ck.Value == "" {
		return nil
	}
	s, err := u.app.FindSession(c.Request().Context(), ck.Value)
	if err != nil {
		return nil
	}
	c.Set("casebank.session", s)
	return s
}

// requirePage sends visitors without the role to the sign-in page; a
// signed-in browser's writes are checked for their CSRF token, and counted
// against its token's write rate, as the API's are.
func (u *UI) requirePage(role string) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if u.session(c) == nil {
				return c.Redirect(http.StatusSeeOther, "/signin?next="+url.QueryEscape(c.Request().URL.RequestURI()))
			}
			r, err := u.app.Admit(c.Request(), c.RealIP(), role)
			if err != nil {
				return err
			}
			c.SetRequest(r)
			return next(c)
		}
	}
}

// by names the editor requirePage let in, for the change log.
func by(c echo.Context) string { return app.PrincipalFrom(c.Request().Context()).Name }

func (u *UI) signinPage(c echo.Context) error {
	return u.renderSignin(c, http.StatusOK, safeNext(c.QueryParam("next")), "")
}

// renderSignin shows the sign-in form, bound to this browser's pre-session
// cookie.
func (u *UI) renderSignin(c echo.Context, status int, next, msg string) error {
	data := map[string]any{"Next": next, "SigninCSRF": u.signinToken(c)}
	if msg != "" {
		data["Error"] = msg
	}
	return u.render(c, status, "signin", data)
}

// The sign-in form carries a value that must match a cookie set with the
// form, so that another site cannot post its own token to /signin and sign a
// visitor in as the attacker (login CSRF). The value is signed with a key of
// this process, so a cookie planted by someone else (from a sibling
// subdomain, say) is refused too; a restart voids open sign-in forms.
const (
	signinCookie = "casebank_signin"
	signinField  = "signin_csrf"
)

// signinToken returns the browser's pre-session value, setting the cookie
// when it has no valid one.
func (u *UI) signinToken(c echo.Context) string {
	if ck, err := c.Cookie(signinCookie); err == nil && u.issued(ck.Value) {
		return ck.Value
	}
	nonce := rand.Text() // 26 base32 characters, 128 bits
	v := nonce + "." + u.signature(nonce)
	c.SetCookie(&http.Cookie{Name: signinCookie, Value: v, Path: "/signin", HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: secure(c)})
	return v
}

func (u *UI) signature(nonce string) string {
	mac := hmac.New(sha256.New, u.signinKey)
	mac.Write([]byte(nonce))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// issued reports whether v is a pre-session value this process signed.
func (u *UI) issued(v string) bool {
	nonce, sig, ok := strings.Cut(v, ".")
	return ok && nonce != "" && hmac.Equal([]byte(sig), []byte(u.signature(nonce)))
}

// sameOrigin reports whether the request's Origin header, or lacking it its
// Referer, names this site (scheme as the browser used it, and host). A
// request with neither (older browsers, privacy settings) passes: the signed
// cookie still binds it to our form.
func sameOrigin(c echo.Context) bool {
	r := c.Request()
	from := r.Header.Get("Origin")
	if from == "" {
		from = r.Header.Get("Referer")
		if from == "" {
			return true
		}
	}
	o, err := url.Parse(from) // "null" (an opaque origin) parses without a host
	if err != nil || o.Host == "" {
		return false
	}
	scheme := c.Scheme()
	return strings.EqualFold(o.Scheme, scheme) && strings.EqualFold(hostPort(o.Host, o.Scheme), hostPort(r.Host, scheme))
}

// hostPort returns host with the scheme's default port dropped.
func hostPort(host, scheme string) string {
	if h, port, err := net.SplitHostPort(host); err == nil &&
		(scheme == "http" && port == "80" || scheme == "https" && port == "443") {
		return h
	}
	return host
}

// secure reports whether the browser reached us over https, directly or
// through a trusted proxy: then cookies are sent only over https.
func secure(c echo.Context) bool { return c.Scheme() == "https" }

// safeNext returns next if it is a path on this site, else "/". Browsers
// drop tabs and newlines inside URLs and read a backslash as a slash, so
// "/<tab>/evil.example" or "/\evil.example" would leave the site.
func safeNext(next string) string {
	bad := func(s string) bool {
		return strings.ContainsFunc(s, func(r rune) bool { return r <= ' ' || r == 0x7f || r == '\\' })
	}
	if !strings.HasPrefix(next, "/") || bad(next) || !utf8.ValidString(next) {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" ||
		!strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "//") || bad(u.Path) {
		return "/"
	}
	return next
}

func (u *UI) signin(c echo.Context) error {
	next := safeNext(c.FormValue("next"))
	ck, err := c.Cookie(signinCookie)
	if form := c.FormValue(signinField); err != nil || !u.issued(ck.Value) || !sameOrigin(c) ||
		subtle.ConstantTimeCompare([]byte(form), []byte(ck.Value)) != 1 {
		return u.renderSignin(c, http.StatusForbidden, next,
			tr(u.lang(c), "登录表单已过期或来自其他网站，请在本页重新登录。", "The sign-in form expired or came from another site: sign in again on this page."))
	}
	id, _, err := u.app.SignIn(c.Request().Context(), c.RealIP(), c.FormValue("token"))
	if err != nil {
		status, body := app.Status(err)
		if status >= 500 {
			return err
		}
		if secs, ok := app.RetryAfter(err); ok {
			c.Response().Header().Set("Retry-After", strconv.Itoa(secs))
		}
		return u.renderSignin(c, status, next, body.Error.Message)
	}
	c.SetCookie(&http.Cookie{Name: signinCookie, Value: "", Path: "/signin", HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: secure(c), MaxAge: -1})
	c.SetCookie(&http.Cookie{Name: app.SessionCookie, Value: id, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: secure(c), MaxAge: int(corpus.SessionTTL.Seconds())})
	return c.Redirect(http.StatusSeeOther, next)
}

func (u *UI) signout(c echo.Context) error {
	if ck, err := c.Cookie(app.SessionCookie); err == nil {
		if s := u.session(c); s == nil || c.FormValue("csrf") != s.CSRF {
			return corpus.Errorf(corpus.EFORBIDDEN, "missing or wrong CSRF token: reload the page and try again")
		}
		if err := u.app.SignOut(c.Request().Context(), ck.Value); err != nil {
			return err
		}
	}
	c.SetCookie(&http.Cookie{Name: app.SessionCookie, Value: "", Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: secure(c), MaxAge: -1})
	return c.Redirect(http.StatusSeeOther, "/")
}

// caseForm is the new-case form's state, kept across the suggest round trip.
type caseForm struct {
	Bank, NewBankName, NewBankType, NewBankRegion         string
	Year                                                  string
	TitleZH, TitleEN, SummaryZH, SummaryEN, Body, Outcome string
	Products, Technologies, Partners                      string
	SourceReport, SourceSection, SourceTable              string
	Dimensions, Themes                                    []string
	Suggestions                                           *tagger.Suggestions
	Decided                                               map[string]string // "theme:ai" → accept/reject
}

func readCaseForm(c echo.Context) caseForm {
	f := caseForm{Bank: c.FormValue("bank"), NewBankName: c.FormValue("new_bank_name"), NewBankType: c.FormValue("new_bank_type"),
		NewBankRegion: c.FormValue("new_bank_region"), Year: c.FormValue("year"),
		TitleZH: c.FormValue("title_zh"), TitleEN: c.FormValue("title_en"), SummaryZH: c.FormValue("summary_zh"),
		SummaryEN: c.FormValue("summary_en"), Body: c.FormValue("body"), Outcome: c.FormValue("outcome"),
		Products: c.FormValue("products"), Technologies: c.FormValue("technologies"), Partners: c.FormValue("partners"),
		SourceReport: c.FormValue("source_report"), SourceSection: c.FormValue("source_section"), SourceTable: c.FormValue("source_table"),
		Decided: map[string]string{}}
	params, _ := c.FormParams()
	f.Dimensions, f.Themes = params["dimension"], params["theme"]
	for k, v := range params {
		if tag, ok := strings.CutPrefix(k, "decide:"); ok && len(v) > 0 {
			f.Decided[tag] = v[0]
		}
	}
	return f
}

func splitList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '，' || r == '、' || r == ';' || r == '；' || r == '\n' })
}

func (f caseForm) toCase() *corpus.Case {
	year, _ := strconv.Atoi(f.Year)
	c := &corpus.Case{Kind: corpus.KindCase, Year: year, Bank: corpus.Bank{ID: f.Bank},
		Title: corpus.Text{ZH: f.TitleZH, EN: f.TitleEN}, Summary: corpus.Text{ZH: f.SummaryZH, EN: f.SummaryEN},
		Body: f.Body, Outcome: f.Outcome, Products: splitList(f.Products), Technologies: splitList(f.Technologies),
		Partners: splitList(f.Partners), Dimensions: f.Dimensions, Themes: f.Themes,
		Source: corpus.Source{Report: f.SourceReport, Year: year, Section: f.SourceSection, Table: f.SourceTable}}
	if f.Bank == "" && f.NewBankName != "" {
		c.Bank = corpus.Bank{ID: "bank-" + strings.ToLower(strconv.FormatUint(uint64(hash(f.NewBankName)), 36)),
			Name: f.NewBankName, Type: f.NewBankType, Region: f.NewBankRegion}
	}
	// Accepted suggestions become tags.
	for tag, d := range f.Decided {
		kind, code, _ := strings.Cut(tag, ":")
		if d != "accept" {
			continue
		}
		switch kind {
		case corpus.FacetTheme:
			c.Themes = append(c.Themes, code)
		case corpus.FacetDimension:
			c.Dimensions = append(c.Dimensions, code)
		}
	}
	return c
}

func hash(s string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h = (h ^ uint32(s[i])) * 16777619
	}
	return h
}

func (u *UI) formData(c echo.Context, f caseForm) (map[string]any, error) {
	tax, err := u.app.Taxonomy()
	if err != nil {
		return nil, err
	}
	banks, err := u.app.FindBanks(c.Request().Context())
	if err != nil {
		return nil, err
	}
	return map[string]any{"Form": f, "Tax": tax, "Banks": banks}, nil
}

func (u *UI) newCasePage(c echo.Context) error {
	data, err := u.formData(c, caseForm{Decided: map[string]string{}})
	if err != nil {
		return err
	}
	return u.render(c, http.StatusOK, "newcase", data)
}

// newCase either suggests tags for the draft (action=suggest) or saves it,
// recording which suggestions the editor accepted and rejected.
func (u *UI) newCase(c echo.Context) error {
	f := readCaseForm(c)
	data, err := u.formData(c, f)
	if err != nil {
		return err
	}
	if c.FormValue("action") == "suggest" {
		return u.suggestTags(c, f, data)
	}
	// The case and the decisions on its suggested tags are one write: its
	// history shows them in its creation entry.
	created, _, err := u.app.CreateCase(c.Request().Context(), f.toCase(), f.decisions(), by(c))
	if err != nil {
		status, body := app.Status(err)
		if status >= 500 {
			return err
		}
		data["Error"] = formError(u.lang(c), body.Error.Message, len(body.Error.Fields))
		data["Fields"] = formFieldErrors(u.lang(c), body.Error.Fields)
		return u.render(c, http.StatusUnprocessableEntity, "newcase", data)
	}
	// A stored write stands: when the index is behind, it catches up later.
	return c.Redirect(http.StatusSeeOther, "/cases/"+created.ID)
}

// suggestTags shows the draft again with tags suggested for it.
func (u *UI) suggestTags(c echo.Context, f caseForm, data map[string]any) error {
	text := strings.Join([]string{f.TitleZH, f.TitleEN, f.SummaryZH, f.SummaryEN, f.Body, f.Outcome, f.Products, f.Technologies}, "\n")
	bank := f.Bank
	if bank == "" {
		bank = f.NewBankName
	}
	sg, err := u.app.SuggestTags(c.Request().Context(), tagger.Draft{Text: text, Bank: bank})
	if err != nil {
		status, body := app.Status(err)
		data["Error"] = body.Error.Message
		return u.render(c, status, "newcase", data)
	}
	f.Suggestions = sg
	data["Form"] = f
	return u.render(c, http.StatusOK, "newcase", data)
}

// decisions are the suggestions the editor accepted and rejected, or nil
// when there were none.
func (f caseForm) decisions() *corpus.Decisions {
	d := &corpus.Decisions{}
	for tag, choice := range f.Decided {
		switch choice {
		case "accept":
			d.Accepted = append(d.Accepted, tag)
		case "reject":
			d.Rejected = append(d.Rejected, tag)
		}
	}
	if len(d.Accepted)+len(d.Rejected) == 0 {
		return nil
	}
	slices.Sort(d.Accepted)
	slices.Sort(d.Rejected)
	return d
}

func (u *UI) editTags(c echo.Context) error {
	params, _ := c.FormParams()
	version, _ := strconv.Atoi(c.FormValue("version"))
	dims, themes := params["dimension"], params["theme"]
	if dims == nil {
		dims = []string{}
	}
	if themes == nil {
		themes = []string{}
	}
	p := corpus.TagPatch{Version: version, SetDimensions: dims, SetThemes: themes}
	if _, _, err := u.app.PatchTags(c.Request().Context(), c.Param("id"), p, by(c)); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/cases/"+url.PathEscape(c.Param("id")))
}

// bulkTags previews a tag change on every case of a search, then applies it
// when the editor confirms.
func (u *UI) bulkTags(c echo.Context) error {
	q, err := url.ParseQuery(c.FormValue("search"))
	if err != nil {
		return corpus.Errorf(corpus.EINVALID, "bad search: %v", err)
	}
	req, err := app.ParseSearch(q)
	if err != nil {
		return err
	}
	bt := corpus.BulkTag{Kind: c.FormValue("kind"), Code: c.FormValue("code"), Action: c.FormValue("action"),
		Preview: c.FormValue("confirm") != "yes"}
	res, _, err := u.app.BulkTag(c.Request().Context(), bt, &req, by(c))
	if err != nil {
		return err
	}
	if !bt.Preview {
		return c.Redirect(http.StatusSeeOther, "/?"+q.Encode())
	}
	l, err := u.labels(c)
	if err != nil {
		return err
	}
	action := tr(l.lang, "添加", "add")
	if bt.Action == "remove" {
		action = tr(l.lang, "移除", "remove")
	}
	return u.render(c, http.StatusOK, "confirm", map[string]any{"Bulk": bt, "Result": res, "Search": c.FormValue("search"),
		"Summary": fmt.Sprintf("%s %s %s", action, facetName(l.lang, bt.Kind), l.of(bt.Kind, bt.Code))})
}

// caseFormLabels names a case's field paths as the new-case form labels
// them: an error says "标题（中文）", not "title.zh".
var caseFormLabels = map[string][2]string{
	"title":           {"标题", "Title"},
	"title.zh":        {"标题（中文）", "Title (Chinese)"},
	"title.en":        {"标题（英文）", "Title (English)"},
	"summary":         {"摘要", "Summary"},
	"summary.zh":      {"摘要（中文）", "Summary (Chinese)"},
	"summary.en":      {"摘要（英文）", "Summary (English)"},
	"body":            {"做法", "Practice"},
	"body_en":         {"做法（英文）", "Practice (English)"},
	"outcome":         {"成效", "Outcome"},
	"outcome_en":      {"成效（英文）", "Outcome (English)"},
	"products":        {"产品与系统", "Products and systems"},
	"products_en":     {"产品与系统（英文）", "Products and systems (English)"},
	"technologies":    {"技术", "Technologies"},
	"technologies_en": {"技术（英文）", "Technologies (English)"},
	"partners":        {"合作方", "Partners"},
	"partners_en":     {"合作方（英文）", "Partners (English)"},
	"figures":         {"数据", "Figures"},
	"dimensions":      {"维度", "Dimensions"},
	"themes":          {"主题", "Themes"},
	"year":            {"年份", "Year"},
	"bank":            {"银行", "Bank"},
	"bank.id":         {"已登记的银行", "Registered bank"},
	"bank.name":       {"新银行名称", "New bank's name"},
	"bank.name_en":    {"银行英文名称", "Bank's English name"},
	"bank.aliases":    {"银行别名", "Bank's other names"},
	"bank.type":       {"银行类型", "Bank type"},
	"bank.region":     {"银行地区", "Bank's region"},
	"bank.city":       {"银行所在城市", "Bank's city"},
	"source":          {"来源", "Source"},
	"source.report":   {"来源：报告", "Source: report"},
	"source.section":  {"来源：章节", "Source: section"},
	"source.table":    {"来源：表格", "Source: table"},
	"source.heading":  {"来源：标题", "Source: heading"},
	"source.part":     {"来源：部分", "Source: part"},
	"source.excerpt":  {"来源：摘录", "Source: excerpt"},
}

// fieldPathIndex matches a list index in a field path ("products[3]").
var fieldPathIndex = regexp.MustCompile(`\[(\d+)\]`)

// formFieldErrors relabels the errors' field paths with the form's labels
// and says their messages in the page's language; an unknown path or
// message stays as it is.
func formFieldErrors(lang string, fields []corpus.FieldError) []corpus.FieldError {
	out := make([]corpus.FieldError, len(fields))
	for i, f := range fields {
		out[i] = f
		out[i].Message = messageIn(lang, f.Message)
		var n string
		path := fieldPathIndex.ReplaceAllStringFunc(f.Field, func(m string) string {
			n = m[1 : len(m)-1]
			return ""
		})
		// A figure's parts ("figures[0].label") are named by the list.
		if strings.HasPrefix(path, "figures.") {
			path = "figures"
		}
		l, ok := caseFormLabels[path]
		if !ok {
			continue
		}
		out[i].Field = tr(lang, l[0], l[1])
		if n != "" {
			k, _ := strconv.Atoi(n)
			out[i].Field += tr(lang, "第"+strconv.Itoa(k+1)+"项", " (item "+strconv.Itoa(k+1)+")")
		}
	}
	return out
}
