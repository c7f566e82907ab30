package api

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"casebank/corpus"
	"casebank/corpus/app"
)

// The review queue of a report import's drafts: editors only, since
// drafts are not public until published.
func (s *Server) registerDrafts(v1 *echo.Group) {
	editor := s.Require(corpus.RoleEditor)
	v1.GET("/drafts", s.listDrafts, editor)
	v1.GET("/drafts/:id", s.getDraft, editor)
	v1.POST("/drafts/:id/publish", s.publishDraft, editor)
	v1.DELETE("/drafts/:id", s.rejectDraft, editor)
	v1.GET("/draft-banks", s.listDraftBanks, editor)
	v1.POST("/draft-banks/:id", s.reviewDraftBank, editor)
}

// DraftsJSON is the answer of GET /api/v1/drafts.
type DraftsJSON struct {
	Drafts []*corpus.Draft `json:"drafts"`
	Counts DraftCounts     `json:"counts"`
	// Banks are the banks open drafts propose that await review.
	Banks []*corpus.ProposedBank `json:"banks"`
}

// DraftCounts counts every draft by status, whatever the list shows.
type DraftCounts = corpus.DraftCounts

func (s *Server) listDrafts(c echo.Context) error {
	status := c.QueryParam("status")
	switch status {
	case "", corpus.DraftOpen, corpus.DraftPublished, corpus.DraftRejected:
	default:
		return &corpus.Error{Code: corpus.EINVALID, Message: fmt.Sprintf("status is open, published or rejected, not %s", corpus.QuoteShort(status)),
			Fields: []corpus.FieldError{{Field: "status", Message: "unknown status", Allowed: corpus.AllowedCodes(corpus.DraftOpen, corpus.DraftPublished, corpus.DraftRejected)}}}
	}
	all, err := s.App.Drafts(c.Request().Context(), "")
	if err != nil {
		return err
	}
	out := DraftsJSON{Drafts: []*corpus.Draft{}}
	out.Counts, out.Banks = corpus.CountDrafts(all)
	for _, d := range all {
		if status == "" || d.Status == status {
			out.Drafts = append(out.Drafts, d)
		}
	}
	return c.JSON(http.StatusOK, out)
}

// listDraftBanks lists the banks open drafts propose, awaiting review.
func (s *Server) listDraftBanks(c echo.Context) error {
	all, err := s.App.Drafts(c.Request().Context(), "")
	if err != nil {
		return err
	}
	_, banks := corpus.CountDrafts(all)
	return c.JSON(http.StatusOK, map[string]any{"banks": banks, "total": len(banks)})
}

// reviewDraftBank maps a proposed bank to a registry bank or registers it.
func (s *Server) reviewDraftBank(c echo.Context) error {
	var rv corpus.BankReview
	if err := decodeJSON(c, &rv); err != nil {
		return err
	}
	res, w, err := s.App.ReviewBank(c.Request().Context(), c.Param("id"), rv, by(c))
	if err != nil {
		return unprocessable(err)
	}
	return s.written(c, w, http.StatusOK, res)
}

// draftID reads the path's draft number; one that is no number names no
// draft.
func draftID(c echo.Context) (uint64, error) {
	id, err := strconv.ParseUint(c.Param("id"), 10, 64)
	if err != nil {
		return 0, corpus.Errorf(corpus.ENOTFOUND, "draft %s not found", corpus.QuoteShort(c.Param("id")))
	}
	return id, nil
}

func (s *Server) getDraft(c echo.Context) error {
	id, err := draftID(c)
	if err != nil {
		return err
	}
	d, err := s.App.Draft(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, d)
}

// publishDraft stores the reviewed record (the body, a case as POST
// /api/v1/cases takes it) as an ordinary case.
func (s *Server) publishDraft(c echo.Context) error {
	id, err := draftID(c)
	if err != nil {
		return err
	}
	var cs corpus.Case
	if err := decodeJSON(c, &cs); err != nil {
		return err
	}
	created, w, err := s.App.PublishDraft(c.Request().Context(), id, &cs, by(c))
	if err != nil {
		return unprocessable(err)
	}
	c.Response().Header().Set(echo.HeaderLocation, "/api/v1/cases/"+created.ID)
	return s.written(c, w, http.StatusCreated, created)
}

func (s *Server) rejectDraft(c echo.Context) error {
	id, err := draftID(c)
	if err != nil {
		return err
	}
	if err := s.App.RejectDraft(c.Request().Context(), id, by(c)); err != nil {
		return err
	}
	s.searchable(c, app.Searchable{})
	return c.NoContent(http.StatusNoContent)
}
