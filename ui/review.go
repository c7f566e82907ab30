package ui

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"casebank/corpus"
)

// The review page of a report import's drafts: the banks they propose,
// to map to a registry bank or register, then the drafts grouped by table
// and section, each with its suggestions to accept or reject, published
// one by one or a whole table at once.
func (u *UI) registerReview(e *echo.Echo) {
	editor := u.requirePage(corpus.RoleEditor)
	e.GET("/review", u.reviewPage, editor)
	e.POST("/review/bulk", u.reviewBulk, editor)
	e.POST("/review/banks/:id", u.reviewBank, editor)
	e.POST("/review/:id", u.reviewOne, editor)
}

type reviewGroup struct {
	Where, Heading string
	Title          string // in Chinese: 表3 战略层面代表性做法, or the section's heading
	Drafts         []reviewDraft
	// Waiting counts the drafts whose bank awaits review: the group is
	// published whole only after.
	Waiting int
}

type reviewDraft struct {
	*corpus.Draft
	Dims, Themes []string // accepted unless unticked
}

// reviewNote is what the page says above the queue: after a write, or why
// one was refused.
type reviewNote struct {
	Error   bool
	ZH, EN  string
	DraftID uint64
}

func (u *UI) reviewPage(c echo.Context) error {
	return u.renderReview(c, http.StatusOK, doneNote(c.QueryParam("done")))
}

func (u *UI) renderReview(c echo.Context, status int, note *reviewNote) error {
	ctx := c.Request().Context()
	all, err := u.app.Drafts(ctx, "")
	if err != nil {
		return err
	}
	tax, err := u.app.Taxonomy()
	if err != nil {
		return err
	}
	registry, err := u.app.FindBanks(ctx)
	if err != nil {
		return err
	}
	counts, banks := corpus.CountDrafts(all)
	var groups []*reviewGroup
	byWhere := map[string]*reviewGroup{}
	for _, d := range all {
		if d.Status != corpus.DraftOpen {
			continue
		}
		g := byWhere[d.Where()]
		if g == nil {
			g = &reviewGroup{Where: d.Where(), Heading: d.Source.Heading, Title: d.Where() + " " + d.Source.Heading}
			if d.Source.Table == "" && d.Source.Heading != "" {
				g.Title = d.Source.Heading
			}
			byWhere[d.Where()] = g
			groups = append(groups, g)
		}
		if d.NewBank {
			g.Waiting++
		}
		dims, themes := d.Accepted()
		g.Drafts = append(g.Drafts, reviewDraft{Draft: d, Dims: dims, Themes: themes})
	}
	return u.render(c, status, "review", map[string]any{"Groups": groups, "Counts": counts, "Banks": banks,
		"Registry": registry, "Tax": tax, "L": labels{tax: tax, lang: u.lang(c)}, "Note": note})
}

// doneNote reads the note a redirect after a write carries: what, and a
// number (published 3, rejected #7, bank registered).
func doneNote(done string) *reviewNote {
	what, n, _ := strings.Cut(done, "-")
	switch what {
	case "published":
		return &reviewNote{ZH: "已发布草稿 #" + n + "。", EN: "Draft #" + n + " published."}
	case "rejected":
		return &reviewNote{ZH: "已拒绝草稿 #" + n + "。", EN: "Draft #" + n + " rejected."}
	case "bulk":
		return &reviewNote{ZH: "已按建议发布 " + n + " 篇草稿。", EN: n + " drafts published as suggested."}
	case "alias":
		return &reviewNote{ZH: "已将新银行映射到已登记的银行，其草稿可以发布了。", EN: "The proposed bank is mapped to a registered bank; its drafts can be published."}
	case "registered":
		return &reviewNote{ZH: "已登记新银行，其草稿可以发布了。", EN: "The new bank is registered; its drafts can be published."}
	}
	return nil
}

// refused re-renders the page saying why a write was refused, in the
// page's language: the store's messages are English.
func (u *UI) refused(c echo.Context, err error, id uint64, zh, en string) error {
	var ce *corpus.Error
	if !errors.As(err, &ce) {
		return err
	}
	status := http.StatusUnprocessableEntity
	switch ce.Code {
	case corpus.ECONFLICT:
		status = http.StatusConflict
	case corpus.ENOTFOUND:
		status = http.StatusNotFound
	case corpus.EINVALID:
	default:
		return err
	}
	return u.renderReview(c, status, &reviewNote{Error: true, ZH: zh, EN: en, DraftID: id})
}

// reviewOne publishes a draft with the ticked tags and the edited title,
// or rejects it.
func (u *UI) reviewOne(c echo.Context) error {
	id, err := strconv.ParseUint(c.Param("id"), 10, 64)
	if err != nil {
		return corpus.Errorf(corpus.ENOTFOUND, "draft %s not found", corpus.QuoteShort(c.Param("id")))
	}
	n := strconv.FormatUint(id, 10)
	ctx := c.Request().Context()
	if c.FormValue("action") == "reject" {
		if err := u.app.RejectDraft(ctx, id, by(c)); err != nil {
			return u.refused(c, err, id, "草稿 #"+n+" 已发布，不能再拒绝。", "Draft #"+n+" is published and cannot be rejected.")
		}
		return c.Redirect(http.StatusSeeOther, "/review?done=rejected-"+n)
	}
	d, err := u.app.Draft(ctx, id)
	if err != nil {
		return err
	}
	form, err := c.FormParams()
	if err != nil {
		return err
	}
	cs := d.Case(form["dimension"], form["theme"])
	if t := strings.TrimSpace(c.FormValue("title_zh")); t != "" {
		cs.Title.ZH = t
	}
	cs.Title.EN = strings.TrimSpace(c.FormValue("title_en"))
	if _, _, err := u.app.PublishDraft(ctx, id, cs, by(c)); err != nil {
		switch {
		case d.NewBank:
			return u.refused(c, err, id, "草稿 #"+n+" 的银行尚未登记：请先在上方审阅这家新银行。", "Draft #"+n+"'s bank is not registered yet: review the proposed bank above first.")
		case d.Status != corpus.DraftOpen:
			return u.refused(c, err, id, "草稿 #"+n+" 已审阅过。", "Draft #"+n+" has been reviewed already.")
		}
		return u.refused(c, err, id, "草稿 #"+n+" 未能发布：请至少勾选一个维度，并检查标题。", "Draft #"+n+" was not published: tick at least one dimension and check its title.")
	}
	return c.Redirect(http.StatusSeeOther, "/review?done=published-"+n)
}

// reviewBulk publishes every open draft of one table or section with the
// tags accepted by default, after the researcher has looked them over;
// a group with a bank awaiting review is refused whole.
func (u *UI) reviewBulk(c echo.Context) error {
	where := c.FormValue("where")
	ctx := c.Request().Context()
	open, err := u.app.Drafts(ctx, corpus.DraftOpen)
	if err != nil {
		return err
	}
	var group []*corpus.Draft
	for _, d := range open {
		if d.Where() != where {
			continue
		}
		if d.NewBank {
			return u.refused(c, corpus.Errorf(corpus.ECONFLICT, "draft %d's bank awaits review", d.ID), d.ID,
				"本组有待审阅的新银行（草稿 #"+strconv.FormatUint(d.ID, 10)+"）：请先审阅，再批量发布。",
				"A bank of this group awaits review (draft #"+strconv.FormatUint(d.ID, 10)+"): review it first, then publish the group.")
		}
		group = append(group, d)
	}
	if len(group) == 0 {
		return u.refused(c, corpus.Errorf(corpus.ENOTFOUND, "no open drafts in %s", where), 0, "这一组没有待审的草稿。", "This group has no open drafts.")
	}
	for _, d := range group {
		dims, themes := d.Accepted()
		if _, _, err := u.app.PublishDraft(ctx, d.ID, d.Case(dims, themes), by(c)); err != nil {
			n := strconv.FormatUint(d.ID, 10)
			return u.refused(c, err, d.ID, "草稿 #"+n+" 未能按建议发布，请单独审阅。", "Draft #"+n+" could not be published as suggested: review it on its own.")
		}
	}
	return c.Redirect(http.StatusSeeOther, "/review?done=bulk-"+strconv.Itoa(len(group)))
}

// reviewBank maps a proposed bank to a registry bank, or registers it.
func (u *UI) reviewBank(c echo.Context) error {
	var rv corpus.BankReview
	done := "alias"
	if c.FormValue("action") == "new" {
		rv, done = corpus.BankReview{Type: c.FormValue("type"), Region: c.FormValue("region"), NameEN: strings.TrimSpace(c.FormValue("name_en"))}, "registered"
	} else {
		rv.Bank = c.FormValue("bank")
		if rv.Bank == "" {
			return u.refused(c, corpus.Errorf(corpus.EINVALID, "no bank chosen"), 0, "请选择一家已登记的银行。", "Choose a registered bank.")
		}
	}
	if _, _, err := u.app.ReviewBank(c.Request().Context(), c.Param("id"), rv, by(c)); err != nil {
		if done == "registered" {
			return u.refused(c, err, 0, "未能登记新银行：请选择类型和地区（若名录已有这家银行，请改为映射）。", "The bank was not registered: choose its type and region (if the registry has it, map it instead).")
		}
		return u.refused(c, err, 0, "未能映射这家新银行：请选择名录中的银行。", "The proposed bank was not mapped: choose a registered bank.")
	}
	return c.Redirect(http.StatusSeeOther, "/review?done="+done)
}

// placeEN names a table or section in English (Table 3, Section 5): the
// report's own words are Chinese.
func placeEN(where string) string {
	kind, n := corpus.PlaceOf(where)
	name := map[string]string{"table": "Table", "topic": "Special topic", "section": "Section"}[kind]
	if n == "" {
		return name
	}
	return name + " " + n
}

// Of names a code of kind (dimension, theme, bank_type, region) in the
// page's language, for the templates.
func (l labels) Of(kind, code string) string { return l.of(kind, code) }

// tagWhy says in the page's language why a draft's tag is suggested: the
// stored reasons are English and name Chinese words, so a Chinese page
// names the words and an English one the kind of evidence.
func tagWhy(lang string, t corpus.DraftTag) string {
	words := strings.Join(t.Words, "、")
	switch t.Source {
	case "report":
		if words == "" {
			return tr(lang, "报告的章节位置", "where the report places it")
		}
		return tr(lang, "报告的表题或标题点名“"+words+"”", "the report's caption or heading names it")
	case "registry":
		return tr(lang, "银行名录登记的类型", "the bank registry's type")
	case "name":
		return tr(lang, "由行名推测", "guessed from the bank's name")
	}
	if words == "" {
		return tr(lang, "标签模型的建议", "the tag model's suggestion")
	}
	return tr(lang, "标签模型依据："+words, "the tag model, from words of the text")
}
