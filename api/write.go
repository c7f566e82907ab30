package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"casebank/corpus"
	"casebank/corpus/app"
	"casebank/corpus/export"
	"casebank/corpus/report"
	"casebank/corpus/tagger"
	"casebank/index"
)

// registerWrites adds the endpoints that change data, each behind its role.
func (s *Server) registerWrites(v1 *echo.Group) {
	editor, admin := s.Require(corpus.RoleEditor), s.Require(corpus.RoleAdmin)
	v1.POST("/cases", s.createCase, editor)
	v1.PUT("/cases/:id", s.replaceCase, editor)
	v1.PATCH("/cases/:id/tags", s.patchTags, editor)
	v1.DELETE("/cases/:id", s.deleteCase, admin)
	v1.POST("/bulk-tags", s.bulkTags, editor)
	v1.POST("/codebook", s.codebook, admin)
	s.registerTokens(v1)
	v1.PUT("/glossary", s.putGlossary, admin)
	v1.PUT("/policies/:id", s.putPolicy, editor)
	v1.POST("/import", s.importData, editor)
	v1.GET("/jobs", s.listJobs, editor)
	v1.GET("/jobs/:id", s.getJob, editor)
	// Editors only: the new-case form is an editor page, and a suggestion
	// reads the model of the whole corpus.
	v1.POST("/suggest-tags", s.suggestTags, editor)
	v1.GET("/cases/:id/history", s.history)
	v1.GET("/cases/:id/cite", s.citeCase)
	v1.GET("/cite", s.citeMany)
	s.registerDrafts(v1)
}

// decodeJSON reads exactly one JSON object with known fields into v.
func decodeJSON(c echo.Context, v any) error {
	if ct := c.Request().Header.Get(echo.HeaderContentType); ct != "" {
		if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != echo.MIMEApplicationJSON {
			return corpus.Errorf(app.EMEDIATYPE, "send JSON with Content-Type: application/json, not %q", ct)
		}
	}
	body, err := readBody(c)
	if err != nil {
		return err
	}
	if !utf8.Valid(body) {
		return corpus.Errorf(corpus.EINVALID, "the body is not valid UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var syn *json.SyntaxError
		var typ *json.UnmarshalTypeError
		switch {
		case errors.Is(err, io.EOF):
			return corpus.Errorf(corpus.EINVALID, "the body is empty: send a JSON object")
		case errors.As(err, &syn):
			return corpus.Errorf(corpus.EINVALID, "malformed JSON at byte %d: %v", syn.Offset, syn)
		case errors.As(err, &typ):
			return corpus.Errorf(corpus.EINVALID, "field %q must be %s, not %s", typ.Field, typ.Type, typ.Value)
		case errors.Is(err, io.ErrUnexpectedEOF):
			return corpus.Errorf(corpus.EINVALID, "the JSON ends too early")
		default:
			return corpus.Errorf(corpus.EINVALID, "bad JSON: %v", err)
		}
	}
	if dec.More() {
		return corpus.Errorf(corpus.EINVALID, "send one JSON object, not several")
	}
	return nil
}

// SearchableHeader is set to "later" on a write's answer when the write is
// stored but the index is behind (healthz shows the lag).
const SearchableHeader = "X-Casebank-Searchable"

// unprocessable turns a validation error into 422; other errors pass.
func unprocessable(err error) error {
	var ce *corpus.Error
	if errors.As(err, &ce) && ce.Code == corpus.EINVALID && len(ce.Fields) > 0 {
		cp := *ce
		cp.Code = app.EUNPROCESSABLE
		return &cp
	}
	return err
}

// written answers a stored write. A write the store committed is a success
// even when the index cannot take it now: the answer then says it becomes
// searchable later.
func (s *Server) written(c echo.Context, w app.Searchable, status int, v any) error {
	s.searchable(c, w)
	if cs, ok := v.(*corpus.Case); ok {
		c.Response().Header().Set("ETag", etag(cs.Version))
	}
	return c.JSON(status, v)
}

// searchable marks the answer of a write the index has not taken yet.
func (s *Server) searchable(c echo.Context, w app.Searchable) {
	if !w.Later() {
		return
	}
	if errors.Is(w.Behind, index.ErrStillIndexing) {
		s.Logger.Info("write stored; the index is still taking it in", "id", c.Get(requestIDKey))
	} else {
		s.Logger.Error("write stored; index behind the store", "id", c.Get(requestIDKey), "err", w.Behind)
	}
	c.Response().Header().Set(SearchableHeader, "later")
}

func etag(version int) string { return fmt.Sprintf(`"v%d"`, version) }

// ifMatch reads the version an update expects, from If-Match or the body.
func ifMatch(c echo.Context, body int) (int, error) {
	h := strings.TrimSpace(c.Request().Header.Get("If-Match"))
	if h == "" {
		return body, nil
	}
	v := strings.TrimPrefix(strings.Trim(strings.TrimPrefix(h, "W/"), `"`), "v")
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, corpus.Errorf(corpus.EINVALID, "If-Match must be the ETag of the case, like \"v3\"")
	}
	if body != 0 && body != n {
		return 0, corpus.Errorf(corpus.EINVALID, "If-Match says version %d, the body says %d", n, body)
	}
	return n, nil
}

func (s *Server) createCase(c echo.Context) error {
	var cs corpus.Case
	if err := decodeJSON(c, &cs); err != nil {
		return err
	}
	created, w, err := s.App.CreateCase(c.Request().Context(), &cs, nil, by(c))
	if err != nil {
		return unprocessable(err)
	}
	c.Response().Header().Set(echo.HeaderLocation, "/api/v1/cases/"+created.ID)
	return s.written(c, w, http.StatusCreated, created)
}

func (s *Server) replaceCase(c echo.Context) error {
	var cs corpus.Case
	if err := decodeJSON(c, &cs); err != nil {
		return err
	}
	if cs.ID != "" && cs.ID != c.Param("id") {
		return corpus.Errorf(app.EUNPROCESSABLE, "the body's id %q is not the URL's %q", cs.ID, c.Param("id"))
	}
	cs.ID = c.Param("id")
	version, err := ifMatch(c, cs.Version)
	if err != nil {
		return err
	}
	if version == 0 {
		return corpus.Errorf(app.EPRECONDITION, "say which version you edited: send its \"version\" or an If-Match header, so that no one else's change is overwritten")
	}
	updated, w, err := s.App.UpdateCase(c.Request().Context(), &cs, version, by(c))
	if err != nil {
		return unprocessable(err)
	}
	return s.written(c, w, http.StatusOK, updated)
}

func (s *Server) patchTags(c echo.Context) error {
	var p corpus.TagPatch
	if err := decodeJSON(c, &p); err != nil {
		return err
	}
	version, err := ifMatch(c, p.Version)
	if err != nil {
		return err
	}
	p.Version = version
	updated, w, err := s.App.PatchTags(c.Request().Context(), c.Param("id"), p, by(c))
	if err != nil {
		return unprocessable(err)
	}
	return s.written(c, w, http.StatusOK, updated)
}

func (s *Server) deleteCase(c echo.Context) error {
	version, err := ifMatch(c, 0)
	if err != nil {
		return err
	}
	w, err := s.App.DeleteCase(c.Request().Context(), c.Param("id"), version, by(c))
	if err != nil {
		return err
	}
	s.searchable(c, w)
	return c.NoContent(http.StatusNoContent)
}

// bulkRequest names cases by id or by a search (the same parameters as
// GET /api/v1/search, every page of it).
type bulkRequest struct {
	corpus.BulkTag
	Search *struct {
		Q      string        `json:"q"`
		Filter corpus.Filter `json:"filters"`
	} `json:"search,omitempty"`
}

func (s *Server) bulkTags(c echo.Context) error {
	var req bulkRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	var search *index.Request
	if req.Search != nil {
		search = &index.Request{Text: req.Search.Q, Filter: req.Search.Filter}
	}
	res, w, err := s.App.BulkTag(c.Request().Context(), req.BulkTag, search, by(c))
	if err != nil {
		return unprocessable(err)
	}
	return s.written(c, w, http.StatusOK, res)
}

func (s *Server) codebook(c echo.Context) error {
	var ch corpus.CodebookChange
	if err := decodeJSON(c, &ch); err != nil {
		return err
	}
	res, w, err := s.App.ChangeCodebook(c.Request().Context(), ch, by(c))
	if err != nil {
		return unprocessable(err)
	}
	return s.written(c, w, http.StatusOK, res)
}

func (s *Server) putGlossary(c echo.Context) error {
	var g corpus.Glossary
	if err := decodeJSON(c, &g); err != nil {
		return err
	}
	w, err := s.App.PutGlossary(c.Request().Context(), &g, by(c))
	if err != nil {
		return unprocessable(err)
	}
	return s.written(c, w, http.StatusOK, &g)
}

func (s *Server) putPolicy(c echo.Context) error {
	var p corpus.Policy
	if err := decodeJSON(c, &p); err != nil {
		return err
	}
	if p.ID == "" {
		p.ID = c.Param("id")
	}
	if p.ID != c.Param("id") {
		return unprocessable(&corpus.Error{Code: corpus.EINVALID, Message: fmt.Sprintf("the body's id %q is not the URL's %q", p.ID, c.Param("id")),
			Fields: []corpus.FieldError{{Field: "id", Message: "differs from the URL"}}})
	}
	if p.Kind == "" {
		p.Kind = corpus.KindPolicy
	}
	stored, w, err := s.App.PutPolicy(c.Request().Context(), &p, by(c))
	if err != nil {
		return unprocessable(err)
	}
	return s.written(c, w, http.StatusOK, stored)
}

// DefaultMaxImportBytes bounds an import's body unless Server says
// otherwise: a JSONL file up to it (checked and written a batch at a time,
// from a temporary file), report text up to MaxBodyBytes (its import is one
// transaction).
const DefaultMaxImportBytes = 64 << 20

func (s *Server) maxImportBytes() int64 {
	if s.MaxImportBytes > 0 {
		return s.MaxImportBytes
	}
	return DefaultMaxImportBytes
}

// importTime is how long an import's upload and a synchronous import may
// take, past the server's deadlines for ordinary requests.
const importTime = 10 * time.Minute

// importData imports JSONL or report text: at once, or, past
// AsyncImportRecords records or with ?async=true, as a job (see jobs.go).
// Either way the body is read whole and checked first, so that a bad one
// is refused with 4xx while the client waits.
func (s *Server) importData(c echo.Context) error {
	if ct := c.Request().Header.Get(echo.HeaderContentType); ct != "" {
		if mt, _, err := mime.ParseMediaType(ct); err == nil && strings.HasPrefix(mt, "multipart/") {
			return corpus.Errorf(app.EMEDIATYPE, "send the file itself as the body (curl --data-binary @FILE), not a form upload (%s)", mt)
		}
	}
	async := false
	if v := c.QueryParam("async"); v != "" {
		var err error
		if async, err = strconv.ParseBool(v); err != nil {
			return &corpus.Error{Code: corpus.EINVALID, Message: fmt.Sprintf("async must be true or false, not %s", corpus.QuoteShort(v)),
				Fields: []corpus.FieldError{{Field: "async", Message: "not a boolean", Allowed: corpus.AllowedCodes("true", "false")}}}
		}
	}
	f, records, err := spoolImport(c, s.maxImportBytes())
	if err != nil {
		return err
	}
	head := make([]byte, 4096) // enough to tell JSONL from report text
	n, _ := f.ReadAt(head, 0)
	jsonl := corpus.IsJSONL(head[:n])
	if !jsonl {
		st, err := f.Stat()
		if err == nil && st.Size() > MaxBodyBytes {
			removeSpool(f)
			return corpus.Errorf(corpus.ETOOLARGE, "report text is at most %d bytes (a JSONL import up to %d)", MaxBodyBytes, s.maxImportBytes())
		}
		if bytes.HasPrefix(head[:n], []byte("%PDF-")) {
			removeSpool(f)
			return corpus.Errorf(app.EMEDIATYPE, "send the report's text (pdftotext -layout report.pdf), not its PDF; or import the PDF with casebank import report.pdf")
		}
		// An edition no layout knows, or any with ?drafts=true, becomes
		// drafts to review, as casebank import makes them.
		if asDrafts, err := s.asDrafts(c, f); err != nil || asDrafts {
			if err != nil {
				removeSpool(f)
				return err
			}
			return s.importDrafts(c, f, async)
		}
		records = app.ReportItems(f)
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			removeSpool(f)
			return fmt.Errorf("import: %w", err)
		}
	}
	if async || records > AsyncImportRecords {
		return s.startImportJob(c, f, jsonl)
	}
	defer removeSpool(f)
	opts := corpus.ImportOptions{By: by(c)}
	ctx := c.Request().Context()
	var res *corpus.ImportResult
	var w app.Searchable
	if jsonl {
		res, w, err = s.App.ImportJSONL(ctx, f, opts)
	} else {
		res, w, err = s.App.ImportReport(ctx, f, opts)
	}
	if err != nil {
		return unprocessable(err)
	}
	return s.written(c, w, http.StatusOK, res)
}

// asDrafts says whether report text f is imported as drafts: asked with
// ?drafts=true, or an edition no layout knows.
func (s *Server) asDrafts(c echo.Context, f *os.File) (bool, error) {
	if v := c.QueryParam("drafts"); v != "" {
		asked, err := strconv.ParseBool(v)
		if err != nil {
			return false, &corpus.Error{Code: corpus.EINVALID, Message: fmt.Sprintf("drafts must be true or false, not %s", corpus.QuoteShort(v)),
				Fields: []corpus.FieldError{{Field: "drafts", Message: "not a boolean", Allowed: corpus.AllowedCodes("true", "false")}}}
		}
		if asked {
			return true, nil
		}
	}
	text, err := readSpool(f)
	if err != nil {
		return false, err
	}
	known, err := s.App.KnowsLayout(c.Request().Context(), text)
	return !known, err
}

// readSpool reads a spooled upload whole and rewinds it.
func readSpool(f *os.File) ([]byte, error) {
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	text, err := io.ReadAll(f)
	if err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	return text, nil
}

// DraftImportJSON is the answer of an import of report text as drafts:
// what was found per table and section, and what the store did.
type DraftImportJSON struct {
	Kind    string               `json:"kind"` // "drafts"
	Summary *report.Summary      `json:"summary"`
	Drafts  *corpus.DraftsResult `json:"drafts"`
}

// importDrafts stores report text f as drafts: checked while the client
// waits, then at once or, past AsyncImportRecords items or with
// ?async=true, as a job. It owns f.
func (s *Server) importDrafts(c echo.Context, f *os.File, async bool) error {
	started := false
	defer func() {
		if !started {
			removeSpool(f)
		}
	}()
	text, err := readSpool(f)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	items, err := s.App.CheckDrafts(ctx, text)
	if err != nil {
		return unprocessable(err)
	}
	author := by(c)
	if async || items > AsyncImportRecords {
		j, err := s.jobs.add(JobJSON{Kind: "import", Format: "drafts", By: author, Total: items})
		if err != nil {
			return err
		}
		started = true
		s.jobs.run(j, func(ctx context.Context, progress func(done, total int)) (*corpus.ImportResult, app.Searchable, error) {
			sum, res, err := s.App.ImportDrafts(ctx, bytes.NewReader(text), author)
			if err == nil {
				j.setDrafts(&DraftImportJSON{Kind: "drafts", Summary: sum, Drafts: res})
			}
			return nil, app.Searchable{}, err
		}, func() { removeSpool(f) })
		v := j.snapshot()
		c.Response().Header().Set(echo.HeaderLocation, "/api/v1/jobs/"+v.ID)
		return c.JSON(http.StatusAccepted, map[string]any{"job": v})
	}
	sum, res, err := s.App.ImportDrafts(ctx, bytes.NewReader(text), author)
	if err != nil {
		return unprocessable(err)
	}
	return c.JSON(http.StatusOK, &DraftImportJSON{Kind: "drafts", Summary: sum, Drafts: res})
}

// spoolImport copies an import's body, at most limit bytes, to a temporary
// file (which the import reads twice: checked whole, then written) and
// counts its records, the lines that are not blank.
func spoolImport(c echo.Context, limit int64) (*os.File, int, error) {
	rc := http.NewResponseController(c.Response())
	_ = rc.SetReadDeadline(time.Now().Add(importTime)) // not every server has deadlines
	_ = rc.SetWriteDeadline(time.Now().Add(importTime))
	f, err := os.CreateTemp("", "casebank-upload-*")
	if err != nil {
		return nil, 0, fmt.Errorf("import: spool the upload: %w", err)
	}
	var count recordCounter
	_, err = io.Copy(io.MultiWriter(f, &count), http.MaxBytesReader(c.Response(), c.Request().Body, limit))
	if err == nil {
		_, err = f.Seek(0, io.SeekStart)
	}
	var tooLarge *http.MaxBytesError
	var fileErr *fs.PathError
	switch {
	case err == nil:
		return f, count.records(), nil
	case errors.As(err, &tooLarge):
		err = corpus.Errorf(corpus.ETOOLARGE, "the import is larger than %d bytes", limit)
	case errors.As(err, &fileErr):
		err = fmt.Errorf("import: spool the upload: %w", err) // a full disk is a 503
	default:
		err = corpus.Errorf(corpus.EINVALID, "reading the body: %v", err)
	}
	removeSpool(f)
	return nil, 0, err
}

func removeSpool(f *os.File) {
	f.Close()
	os.Remove(f.Name())
}

// recordCounter counts the lines written to it that are not blank.
type recordCounter struct {
	n       int
	content bool // the line so far has more than white space
}

func (r *recordCounter) Write(p []byte) (int, error) {
	for _, b := range p {
		switch b {
		case '\n':
			if r.content {
				r.n++
			}
			r.content = false
		case ' ', '\t', '\r':
		default:
			r.content = true
		}
	}
	return len(p), nil
}

func (r *recordCounter) records() int {
	if r.content {
		return r.n + 1
	}
	return r.n
}

func (s *Server) suggestTags(c echo.Context) error {
	var d tagger.Draft
	if err := decodeJSON(c, &d); err != nil {
		return err
	}
	sg, err := s.App.SuggestTags(c.Request().Context(), d)
	if err != nil {
		return unprocessable(err)
	}
	return c.JSON(http.StatusOK, sg)
}

func (s *Server) history(c echo.Context) error {
	h, err := s.App.History(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"case": c.Param("id"), "history": h})
}

var citeTypes = map[string]struct{ mime, ext string }{
	export.BibTeX: {"application/x-bibtex; charset=utf-8", "bib"},
	export.RIS:    {"application/x-research-info-systems; charset=utf-8", "ris"},
	export.CSL:    {"application/vnd.citationstyles.csl+json; charset=utf-8", "json"},
}

func (s *Server) citeCase(c echo.Context) error {
	cs, err := s.App.FindCaseByID(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	return s.cite(c, []*corpus.Case{cs}, cs.ID)
}

// citeMany cites the cases given as ids, or every case of a search.
func (s *Server) citeMany(c echo.Context) error {
	ids := app.SplitValues(c.QueryParams()["ids"])
	if len(ids) == 0 {
		req, err := app.ParseSearch(c.QueryParams())
		if err != nil {
			return err
		}
		if ids, err = s.App.SearchIDs(c.Request().Context(), req, corpus.MaxBulkIDs); err != nil {
			return err
		}
	}
	if len(ids) > corpus.MaxBulkIDs {
		return &corpus.Error{Code: app.EUNPROCESSABLE, Message: fmt.Sprintf("at most %d cases in one citation file: narrow the search or split the ids", corpus.MaxBulkIDs),
			Fields: []corpus.FieldError{{Field: "ids", Message: fmt.Sprintf("at most %d cases", corpus.MaxBulkIDs)}}}
	}
	cases, err := s.App.FindCasesByIDs(c.Request().Context(), ids)
	if err != nil {
		return err
	}
	if len(cases) < len(ids) {
		return corpus.Errorf(corpus.ENOTFOUND, "%d of the %d ids are not cases", len(ids)-len(cases), len(ids))
	}
	return s.cite(c, cases, "casebank")
}

func (s *Server) cite(c echo.Context, cases []*corpus.Case, name string) error {
	format := c.QueryParam("format")
	if format == "" {
		format = export.BibTeX
	}
	text, err := export.Cite(cases, format)
	if err != nil {
		return err
	}
	t := citeTypes[format]
	c.Response().Header().Set(echo.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="%s.%s"`, name, t.ext))
	return c.Blob(http.StatusOK, t.mime, []byte(text))
}

// readBody reads the request body; one over the limit is a 413.
func readBody(c echo.Context) ([]byte, error) {
	body, err := io.ReadAll(c.Request().Body)
	var tooLarge *http.MaxBytesError
	switch {
	case err == nil:
		return body, nil
	case errors.As(err, &tooLarge), errors.Is(err, echo.ErrStatusRequestEntityTooLarge):
		return nil, corpus.Errorf(corpus.ETOOLARGE, "the body is larger than %d bytes", MaxBodyBytes)
	default:
		return nil, corpus.Errorf(corpus.EINVALID, "reading the body: %v", err)
	}
}
