package ui

import (
	"net/http"
	"net/url"
	"regexp"

	"github.com/labstack/echo/v4"

	"casebank/corpus"
	"casebank/corpus/app"
)

// The codebook page: every dimension, theme and bank type with its labels,
// aliases and case counts; admins add, rename, merge and retire themes
// through the same app.Service.ChangeCodebook the API calls, after a
// preview. Editors see it read-only.
func (u *UI) registerCodebook(e *echo.Echo) {
	e.GET("/codebook", u.codebookPage, u.requirePage(corpus.RoleEditor))
	e.POST("/codebook", u.codebookChange, u.requirePage(corpus.RoleAdmin))
}

// codeRow is one code of the codebook with the cases that carry it.
type codeRow struct {
	Code, ZH, EN         string
	AliasesZH, AliasesEN []string
	Count                int
	URL                  string // its search
}

type codeTable struct {
	Field, Heading string
	Rows           []codeRow
}

// codebookTables counts from the index's facet columns (app.Stats), reading
// no case, so the page stays fast however many cases there are.
func (u *UI) codebookTables(c echo.Context, l labels) ([]codeTable, error) {
	st, err := u.app.Stats(c.Request().Context())
	if err != nil {
		return nil, err
	}
	// A case carries a dimension once, so its row of the dimension × bank
	// type table adds up to the cases of the dimension.
	byDim := map[string]int{}
	for d, byType := range st.ByDimensionBankType {
		for _, n := range byType {
			byDim[d] += n
		}
	}
	var out []codeTable
	for _, t := range []struct {
		field  string
		counts map[string]int
	}{{corpus.FacetDimension, byDim}, {corpus.FacetTheme, st.ByTheme}, {corpus.FacetBankType, st.ByBankType}} {
		tb := codeTable{Field: t.field, Heading: facetName(l.lang, t.field)}
		for _, v := range l.tax.Values(t.field) {
			tb.Rows = append(tb.Rows, codeRow{Code: v.Code, ZH: v.ZH, EN: v.EN, AliasesZH: v.AliasesZH, AliasesEN: v.AliasesEN,
				Count: t.counts[v.Code], URL: "/?" + url.Values{t.field: {v.Code}}.Encode()})
		}
		out = append(out, tb)
	}
	return out, nil
}

func (u *UI) codebookPage(c echo.Context) error {
	return u.renderCodebook(c, http.StatusOK, corpus.CodebookChange{}, "")
}

// renderCodebook shows the codebook, with the form's values and an error
// when a change was refused.
func (u *UI) renderCodebook(c echo.Context, status int, form corpus.CodebookChange, msg string) error {
	l, err := u.labels(c)
	if err != nil {
		return err
	}
	tables, err := u.codebookTables(c, l)
	if err != nil {
		return err
	}
	data := map[string]any{"Tables": tables, "Themes": l.tax.Themes,
		"Done": doneMessage(l, c.QueryParam("done"), c.QueryParam("code")),
		"Cur":  map[string]corpus.CodebookChange{form.Op: form}, // a refused form keeps its values
	}
	if msg != "" {
		data["Error"] = msg
	}
	return u.render(c, status, "codebook", data)
}

var codeShape = regexp.MustCompile(`^[a-z0-9_]{1,64}$`)

// doneMessage says, in the page's language, which change was applied.
func doneMessage(l labels, op, code string) string {
	verbs := map[string][2]string{"add": {"已添加主题", "Added the theme"}, "rename": {"已重命名主题", "Renamed the theme"},
		"merge": {"已合并主题", "Merged the theme"}, "retire": {"已停用主题", "Retired the theme"}}
	v, ok := verbs[op]
	if !ok || !codeShape.MatchString(code) { // anyone can forge the link: show only what looks like a code
		return ""
	}
	return tr(l.lang, v[0]+" ", v[1]+" ") + code
}

// codebookChange previews a change (what it does, how many cases it
// touches) and applies it when the admin confirms the preview.
func (u *UI) codebookChange(c echo.Context) error {
	ch := corpus.CodebookChange{Op: c.FormValue("op"), Code: c.FormValue("code"), Into: c.FormValue("into"),
		ZH: c.FormValue("zh"), EN: c.FormValue("en"), Preview: c.FormValue("confirm") != "yes"}
	res, _, err := u.app.ChangeCodebook(c.Request().Context(), ch, by(c))
	if err != nil {
		status, body := app.Status(err)
		if status >= 500 {
			return err
		}
		if status == http.StatusBadRequest && len(body.Error.Fields) > 0 {
			status = http.StatusUnprocessableEntity // a form's fields, as the API answers
		}
		return u.renderCodebook(c, status, ch, refusal(u.lang(c), ch, body))
	}
	if !ch.Preview {
		// A stored change stands: when the index is behind, it catches up later.
		return c.Redirect(http.StatusSeeOther, "/codebook?"+url.Values{"done": {ch.Op}, "code": {ch.Code}}.Encode())
	}
	l, err := u.labels(c)
	if err != nil {
		return err
	}
	st, err := u.app.Stats(c.Request().Context())
	if err != nil {
		return err
	}
	from, _ := l.tax.Lookup(corpus.FacetTheme, ch.Code)
	into, _ := l.tax.Lookup(corpus.FacetTheme, ch.Into)
	shown := res.Affected[:min(len(res.Affected), maxPreviewIDs)]
	return u.render(c, http.StatusOK, "codebookconfirm", map[string]any{"Change": ch, "Result": res,
		"From": from, "Into": into, "Carrying": st.ByTheme[ch.Code], "Shown": shown, "More": len(res.Affected) - len(shown)})
}

// maxPreviewIDs is how many affected cases a preview lists by name.
const maxPreviewIDs = 50

// refusal says why a change was refused in the page's language: the
// service's message in English, its gist per field in Chinese.
func refusal(lang string, ch corpus.CodebookChange, body app.ErrorBody) string {
	e := body.Error
	if lang == "en" {
		msg := e.Message
		for _, f := range e.Fields {
			msg += "; " + f.Field + ": " + f.Message
		}
		return msg
	}
	switch e.Code {
	case corpus.ECONFLICT:
		return "主题代码 " + ch.Code + " 已存在。"
	case corpus.ENOTFOUND:
		for _, f := range e.Fields {
			if f.Field == "into" {
				return "没有主题 " + ch.Into + "。"
			}
		}
		return "没有主题 " + ch.Code + "。"
	}
	fields := map[string]string{"code": "代码须为小写字母、数字或下划线，且不超过长度上限", "zh": "中文标签必填且不超过长度上限",
		"en": "英文标签必填且不超过长度上限", "into": "须合并到另一个已有主题", "op": "未知的操作"}
	msg := "修改无效"
	for _, f := range e.Fields {
		if m, ok := fields[f.Field]; ok {
			msg += "：" + m
		}
	}
	return msg + "。"
}
