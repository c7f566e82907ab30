package ui

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"casebank/corpus"
)

// The review page of a report import's drafts: grouped by table and
// section, each with its suggestions to accept or reject, published one by
// one or a whole table at once.
func (u *UI) registerReview(e *echo.Echo) {
	editor := u.requirePage(corpus.RoleEditor)
	e.GET("/review", u.reviewPage, editor)
	e.POST("/review/bulk", u.reviewBulk, editor)
	e.POST("/review/:id", u.reviewOne, editor)
}

type reviewGroup struct {
	Where, Heading string
	Drafts         []reviewDraft
}

type reviewDraft struct {
	*corpus.Draft
	Dims, Themes []string // accepted unless unticked
}

func (u *UI) reviewPage(c echo.Context) error {
	all, err := u.app.Drafts(c.Request().Context(), "")
	if err != nil {
		return err
	}
	counts := map[string]int{}
	newBanks := map[string]bool{}
	var groups []*reviewGroup
	byWhere := map[string]*reviewGroup{}
	for _, d := range all {
		counts[d.Status]++
		if d.Status != corpus.DraftOpen {
			continue
		}
		if d.NewBank {
			newBanks[d.Bank.ID] = true
		}
		g := byWhere[d.Where()]
		if g == nil {
			g = &reviewGroup{Where: d.Where(), Heading: d.Source.Heading}
			byWhere[d.Where()] = g
			groups = append(groups, g)
		}
		dims, themes := d.Accepted()
		g.Drafts = append(g.Drafts, reviewDraft{Draft: d, Dims: dims, Themes: themes})
	}
	return u.render(c, http.StatusOK, "review", map[string]any{"Groups": groups, "Extracted": len(all),
		"Open": counts[corpus.DraftOpen], "Published": counts[corpus.DraftPublished], "Rejected": counts[corpus.DraftRejected],
		"NewBanks": len(newBanks), "Message": c.QueryParam("done")})
}

// reviewOne publishes a draft with the ticked tags, or rejects it.
func (u *UI) reviewOne(c echo.Context) error {
	id, err := strconv.ParseUint(c.Param("id"), 10, 64)
	if err != nil {
		return corpus.Errorf(corpus.ENOTFOUND, "draft %s not found", corpus.QuoteShort(c.Param("id")))
	}
	ctx := c.Request().Context()
	if c.FormValue("action") == "reject" {
		if err := u.app.RejectDraft(ctx, id, by(c)); err != nil {
			return err
		}
		return c.Redirect(http.StatusSeeOther, "/review?done="+strconv.FormatUint(id, 10)+"+rejected")
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
	if t := c.FormValue("title_zh"); t != "" {
		cs.Title.ZH = t
	}
	if _, _, err := u.app.PublishDraft(ctx, id, cs, by(c)); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/review?done="+strconv.FormatUint(id, 10)+"+published")
}

// reviewBulk publishes every open draft of one table or section with the
// tags accepted by default, after the researcher has looked them over.
func (u *UI) reviewBulk(c echo.Context) error {
	where := c.FormValue("where")
	ctx := c.Request().Context()
	open, err := u.app.Drafts(ctx, corpus.DraftOpen)
	if err != nil {
		return err
	}
	n := 0
	for _, d := range open {
		if d.Where() != where {
			continue
		}
		dims, themes := d.Accepted()
		if _, _, err := u.app.PublishDraft(ctx, d.ID, d.Case(dims, themes), by(c)); err != nil {
			return err
		}
		n++
	}
	return c.Redirect(http.StatusSeeOther, "/review?done="+strconv.Itoa(n)+"+published")
}
