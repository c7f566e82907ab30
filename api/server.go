package api

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"casebank/corpus"
	"casebank/corpus/app"
	"casebank/index"
)

// MaxBodyBytes bounds request bodies; larger ones get 413.
const MaxBodyBytes = 2 << 20

// Server holds the API's dependencies.
type Server struct {
	App    *app.Service
	Logger *slog.Logger
	// Version is reported by /healthz.
	Version string
	// PageError, when set, renders errors for non-API paths as HTML pages.
	PageError func(c echo.Context, status int, body app.ErrorBody) error
	// TrustedProxies are the proxies whose X-Forwarded-For and
	// X-Forwarded-Proto are believed; from anyone else they are ignored.
	TrustedProxies []*net.IPNet
	// MaxImportBytes bounds a JSONL import's body; 0 means
	// DefaultMaxImportBytes.
	MaxImportBytes int64

	xffIgnored sync.Once // warns once of forwarding headers from an untrusted peer
	metrics    *metrics
	jobs       *jobs                     // background imports
	holdJobs   func(ctx context.Context) // tests: see HoldJobs
}

// Echo builds the echo instance with the API routes, the error handler and
// the request middleware. Pages are registered on it by package ui.
func (s *Server) Echo() *echo.Echo {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.JSONSerializer = jsonSerializer{}
	s.metrics = s.newMetrics()
	s.jobs = newJobs(s.Logger)
	s.jobs.hold = s.holdJobs
	e.Pre(headAsGet)
	e.IPExtractor, e.SchemeExtractor = s.clientAddress()
	e.HTTPErrorHandler = s.errorHandler()
	e.Use(headAgain)
	e.Use(allowHead)
	e.Use(wellFormedQuery)
	e.Use(middleware.RecoverWithConfig(middleware.RecoverConfig{DisableStackAll: true, LogErrorFunc: func(c echo.Context, err error, stack []byte) error {
		s.Logger.Error("panic", "path", c.Request().URL.Path, "err", err, "stack", string(stack))
		return err
	}}))
	e.Use(s.requestLog)
	e.Use(searchSource)
	// An import has its own, larger limit (see importData).
	e.Use(middleware.BodyLimitWithConfig(middleware.BodyLimitConfig{Limit: strconv.Itoa(MaxBodyBytes/1024) + "K",
		Skipper: func(c echo.Context) bool { return c.Path() == "/api/v1/import" }}))
	e.Use(securityHeaders)

	e.GET("/healthz", s.healthz)
	e.GET("/metrics", s.metrics.handler())
	v1 := e.Group("/api/v1")
	v1.GET("/search", s.search)
	v1.GET("/cases/:id", s.getCaseWithETag)
	v1.GET("/cases/:id/similar", s.similar)
	v1.GET("/suggest", s.suggest)
	v1.GET("/taxonomy", s.taxonomy)
	v1.GET("/glossary", s.glossary)
	v1.GET("/banks", s.banks)
	v1.GET("/banks/:id", s.bank)
	v1.GET("/policies", s.policies)
	v1.GET("/policies/:id", s.policy)
	v1.GET("/stats", s.stats)
	v1.GET("/export", s.export)
	v1.GET("/backup", s.backup, s.Require(corpus.RoleAdmin))
	s.registerWrites(v1)
	registerDocs(e)
	// No catch-all route: a served path asked with another method is then
	// echo's 405 with Allow (OPTIONS: 204 with Allow), and a path nobody
	// serves echo's 404, which the error handler words.
	return e
}

// errorHandler answers errors as JSON, or, for pages when PageError is set,
// as HTML.
func (s *Server) errorHandler() echo.HTTPErrorHandler {
	jsonErrors := ErrorHandler(s.Logger)
	return func(err error, c echo.Context) {
		path := c.Request().URL.Path
		if errors.Is(err, echo.ErrNotFound) && strings.HasPrefix(path, "/api/") {
			err = corpus.Errorf(corpus.ENOTFOUND, "no API endpoint %s %s; /api/docs lists them", c.Request().Method, path)
		}
		retryAfter(c, err)
		if s.PageError != nil && !strings.HasPrefix(path, "/api/") && path != "/healthz" && !c.Response().Committed {
			status, body := Status(err)
			if status >= 500 {
				s.Logger.Error("page failed", "path", path, "err", err)
			}
			if perr := s.PageError(c, status, body); perr == nil {
				return
			}
		}
		jsonErrors(err, c)
	}
}

// headAsGet routes HEAD as GET (echo routes HEAD only where it is
// registered); headAgain gives the request back its method once routed, so
// that net/http sends GET's headers without the body (RFC 9110 §9.3.2),
// with the Content-Length it would have had.
func headAsGet(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if c.Request().Method == http.MethodHead {
			c.Request().Method = http.MethodGet
			c.Set(headKey, true)
		}
		return next(c)
	}
}

// allowHead adds HEAD to an Allow header (a 405's, OPTIONS') that lists
// GET: echo names only the methods routes were registered with, and HEAD is
// served wherever GET is.
func allowHead(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		res := c.Response()
		res.Before(func() {
			allow := res.Header().Get(echo.HeaderAllow)
			methods := strings.Split(allow, ", ")
			if slices.Contains(methods, http.MethodGet) && !slices.Contains(methods, http.MethodHead) {
				res.Header().Set(echo.HeaderAllow, allow+", "+http.MethodHead)
			}
		})
		return next(c)
	}
}

func headAgain(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if IsHead(c) {
			c.Request().Method = http.MethodHead
		}
		return next(c)
	}
}

// wellFormedQuery refuses a query string Go would parse only in part
// (q=%ZZ is dropped silently, and the search would then answer everything).
func wellFormedQuery(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if _, err := url.ParseQuery(c.Request().URL.RawQuery); err != nil {
			return corpus.Errorf(corpus.EINVALID, "malformed query string: %v", err)
		}
		return next(c)
	}
}

// Keys of what the middleware keeps in echo's context.
const (
	headKey      = "casebank.head"
	requestIDKey = "casebank.request_id"
)

// IsHead reports whether the request came as HEAD.
func IsHead(c echo.Context) bool { ok, _ := c.Get(headKey).(bool); return ok }

// securityHeaders go on every response (HSTS only over https, where browsers
// heed it); pages replace the CSP with theirs.
func securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
		if c.Scheme() == "https" {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		return next(c)
	}
}

// requestLog gives every request an id (X-Request-ID, kept if the client
// sent a sane one) and logs it: writes and failures at Info, reads at Debug.
func (s *Server) requestLog(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		id := c.Request().Header.Get(echo.HeaderXRequestID)
		if len(id) == 0 || len(id) > 64 || strings.ContainsFunc(id, func(r rune) bool { return r < '!' || r > '~' }) {
			id = newRequestID()
		}
		c.Response().Header().Set(echo.HeaderXRequestID, id)
		c.Set(requestIDKey, id)
		err := next(c)
		if err != nil {
			c.Error(err)
		}
		status := c.Response().Status
		level := slog.LevelDebug
		if app.Unsafe(c.Request().Method) || status >= 400 {
			level = slog.LevelInfo
		}
		method := c.Request().Method
		if IsHead(c) {
			method = http.MethodHead
		}
		s.metrics.observe(c, method, status, time.Since(start))
		s.Logger.Log(c.Request().Context(), level, "request", "id", id, "method", method,
			"path", c.Request().URL.Path, "status", status, "ms", float64(time.Since(start).Microseconds())/1000)
		return nil
	}
}

func newRequestID() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func (s *Server) healthz(c echo.Context) error {
	h, err := s.App.Health(c.Request().Context())
	if err != nil {
		return err
	}
	// A damaged index is being rebuilt: searches may answer 503 until then.
	status, code := "ok", http.StatusOK
	switch h.Index {
	case "damaged":
		status, code = "degraded", http.StatusServiceUnavailable
	case "behind":
		status = "degraded"
	}
	return c.JSON(code, map[string]any{
		"status": status, "version": s.Version, "records": h.Records, "cases": h.Cases, "policies": h.Policies,
		"log_seq": h.LogSeq, "index_seq": h.IndexSeq, "index": h.Index,
		"index_lag": h.Lag(),
	})
}

func (s *Server) search(c echo.Context) error {
	req, err := app.ParseSearch(c.QueryParams())
	if err != nil {
		return err
	}
	// A client asking for a fresh answer gets one computed now.
	req.Fresh = app.NoCache(c.Request().Header)
	res, err := s.App.Search(c.Request().Context(), req)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, SearchResponse(res))
}

func (s *Server) taxonomy(c echo.Context) error {
	t, err := s.App.Taxonomy()
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, t)
}

func (s *Server) glossary(c echo.Context) error {
	g, err := s.App.Glossary()
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, g)
}

func (s *Server) banks(c echo.Context) error {
	banks, err := s.App.CountBanks(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"banks": banks, "total": len(banks)})
}

func (s *Server) bank(c echo.Context) error {
	p, err := s.App.FindBankProfile(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	summaries := make([]HitJSON, len(p.Cases))
	for i, cs := range p.Cases {
		summaries[i] = hitJSON(cs)
	}
	return c.JSON(http.StatusOK, map[string]any{"bank": p.Bank, "cases": summaries, "peers": p.Peers})
}

func (s *Server) policies(c echo.Context) error {
	ps, err := s.App.FindPolicies(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"policies": ps, "total": len(ps)})
}

func (s *Server) policy(c echo.Context) error {
	p, err := s.App.FindPolicyByID(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, p)
}

// stats reports the honeycomb index scores and case counts by dimension ×
// bank type and by theme.
func (s *Server) stats(c echo.Context) error {
	st, err := s.App.Stats(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{
		"cases":                  st.Cases,
		"honeycomb":              st.Honeycomb,
		"by_dimension_bank_type": st.ByDimensionBankType,
		"by_bank_type":           st.ByBankType,
		"by_theme":               st.ByTheme,
	})
}

// export streams the whole corpus — JSONL (banks, cases and policies,
// re-importable) or CSV (cases, one row each) — or, given search parameters,
// the cases of that search.
func (s *Server) export(c echo.Context) error {
	format := c.QueryParam("format")
	if format == "" {
		format = app.ExportJSONL
	}
	if format != app.ExportJSONL && format != app.ExportCSV {
		return &corpus.Error{Code: corpus.EINVALID, Message: fmt.Sprintf("unknown export format %q", format),
			Fields: []corpus.FieldError{{Field: "format", Message: "unknown format", Allowed: corpus.AllowedCodes(app.ExportJSONL, app.ExportCSV)}}}
	}
	var subset []string // ids of a search's matches; nil: everything
	if isSearch(c) {
		req, err := app.ParseSearch(c.QueryParams())
		if err != nil {
			return err
		}
		// Every case the search matches, however many: the export reads
		// them a chunk at a time.
		if subset, err = s.App.SearchIDs(c.Request().Context(), req, math.MaxInt32); err != nil {
			return err
		}
		if subset == nil {
			subset = []string{}
		}
	}
	h := c.Response().Header()
	if format == app.ExportCSV {
		h.Set(echo.HeaderContentType, "text/csv; charset=utf-8")
		h.Set(echo.HeaderContentDisposition, `attachment; filename="casebank.csv"`)
	} else {
		h.Set(echo.HeaderContentType, "application/x-ndjson; charset=utf-8")
		h.Set(echo.HeaderContentDisposition, `attachment; filename="casebank.jsonl"`)
	}
	c.Response().WriteHeader(http.StatusOK)
	return s.streamed(c, s.App.Export(c.Request().Context(), c.Response(), format, subset))
}

// streamed ends a streamed answer whose writing failed after its status
// was sent (a damaged record part way through an export): the connection is
// aborted, so that the client sees a broken transfer instead of a complete
// file with records missing.
func (s *Server) streamed(c echo.Context, err error) error {
	if err == nil || !c.Response().Committed {
		return err
	}
	if c.Request().Context().Err() == nil {
		s.Logger.Error("streamed answer cut short", "id", c.Get(requestIDKey), "path", c.Request().URL.Path, "err", err)
	}
	panic(http.ErrAbortHandler)
}

// isSearch reports whether the request names a search (q or a filter).
func isSearch(c echo.Context) bool {
	for _, k := range []string{"q", "dimension", "bank_type", "theme", "region", "year", "bank"} {
		if c.QueryParam(k) != "" {
			return true
		}
	}
	return false
}

// similarJSON is a similar case with the reasons it is similar.
type similarJSON struct {
	HitJSON
	Reasons []index.Reason `json:"reasons"`
}

func (s *Server) similar(c echo.Context) error {
	n, err := app.IntParam(c.QueryParams(), "size")
	if err != nil {
		return err
	}
	if n == 0 {
		n = 8
	}
	if n < 1 || n > index.MaxSize {
		return corpus.Errorf(corpus.EINVALID, "size must be between 1 and %d", index.MaxSize)
	}
	sims, err := s.App.SimilarCases(c.Request().Context(), c.Param("id"), n, app.NoCache(c.Request().Header))
	if err != nil {
		return err
	}
	out := make([]similarJSON, len(sims))
	for i, sm := range sims {
		out[i] = similarJSON{HitJSON: hitJSON(sm.Case), Reasons: sm.Reasons}
		out[i].Score = sm.Score
	}
	return c.JSON(http.StatusOK, map[string]any{"case": c.Param("id"), "similar": out})
}

func (s *Server) suggest(c echo.Context) error {
	sugg, err := s.App.Suggest(c.Request().Context(), c.QueryParam("q"), 10)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"q": c.QueryParam("q"), "suggestions": sugg})
}

func (s *Server) getCaseWithETag(c echo.Context) error {
	cs, err := s.App.FindCaseByID(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	c.Response().Header().Set("ETag", etag(cs.Version))
	return c.JSON(http.StatusOK, cs)
}

// backup streams a consistent copy of the store file (admins only).
func (s *Server) backup(c echo.Context) error {
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, "application/octet-stream")
	h.Set(echo.HeaderContentDisposition, `attachment; filename="casebank-backup.db"`)
	c.Response().WriteHeader(http.StatusOK)
	_, err := s.App.Backup(c.Request().Context(), c.Response())
	return s.streamed(c, err)
}
