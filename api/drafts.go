package api

import (
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
}

// DraftsJSON is the answer of GET /api/v1/drafts.
type DraftsJSON struct {
	Drafts []*corpus.Draft `json:"drafts"`
	Counts DraftCounts     `json:"counts"`
}

// DraftCounts counts every draft by status, whatever the list shows.
type DraftCounts struct {
	Extracted int `json:"extracted"`
	Open      int `json:"open"`
	Published int `json:"published"`
	Rejected  int `json:"rejected"`
	NewBanks  int `json:"new_banks"` // banks the open drafts propose
}

func (s *Server) listDrafts(c echo.Context) error {
	status := c.QueryParam("status")
	switch status {
	case "", corpus.DraftOpen, corpus.DraftPublished, corpus.DraftRejected:
	default:
		return corpus.Errorf(corpus.EINVALID, "status is open, published or rejected, not %s", corpus.QuoteShort(status))
	}
	all, err := s.App.Drafts(c.Request().Context(), "")
	if err != nil {
		return err
	}
	out := DraftsJSON{Drafts: []*corpus.Draft{}}
	banks := map[string]bool{}
	for _, d := range all {
		out.Counts.Extracted++
		switch d.Status {
		case corpus.DraftOpen:
			out.Counts.Open++
			if d.NewBank {
				banks[d.Bank.ID] = true
			}
		case corpus.DraftPublished:
			out.Counts.Published++
		case corpus.DraftRejected:
			out.Counts.Rejected++
		}
		if status == "" || d.Status == status {
			out.Drafts = append(out.Drafts, d)
		}
	}
	out.Counts.NewBanks = len(banks)
	return c.JSON(http.StatusOK, out)
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
