package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"casebank/corpus"
	"casebank/corpus/app"
)

// An import of more than AsyncImportRecords records, or one asked for with
// ?async=true, is checked whole while the client waits (a bad file is still
// a 4xx), then written and indexed in the background: the answer is 202
// with Location /api/v1/jobs/{id}, where the job shows its progress. Jobs
// live in this process's memory: a restart forgets them, never what they
// imported, which is stored batch by batch as a synchronous import stores
// it.
const (
	// AsyncImportRecords is the most records an import runs while the
	// client waits.
	AsyncImportRecords = 1000
	// KeptJobs is how many jobs GET /api/v1/jobs remembers, newest first.
	KeptJobs = 100
	// MaxActiveJobs is how many jobs may be queued or running at once; one
	// runs at a time (the store takes one writer, and indexing takes the
	// CPU), and past that a new one is refused with 503 and Retry-After.
	MaxActiveJobs = 2
	// MaxJobErrors is how many bad fields a failed job lists.
	MaxJobErrors = 100
)

// Job states.
const (
	JobQueued  = "queued"
	JobRunning = "running"
	JobDone    = "done"
	JobFailed  = "failed"
)

// jobRetrySeconds is the Retry-After of a refusal for too many jobs: about
// what a job of a few thousand records takes.
const jobRetrySeconds = 10

// JobJSON is a job as GET /api/v1/jobs/{id} shows it.
type JobJSON struct {
	ID       string     `json:"id"`
	Kind     string     `json:"kind"`   // "import"
	Format   string     `json:"format"` // "jsonl", "report" (cases) or "drafts"
	State    string     `json:"state"`
	By       string     `json:"by"`
	Created  time.Time  `json:"created"`
	Started  *time.Time `json:"started"`
	Finished *time.Time `json:"finished"`
	// Total is what Done counts to: the lines of a JSONL file (blank ones
	// too) or the items of a report; Done is those written so far.
	Total int `json:"total"`
	Done  int `json:"done"`
	// The cases the import created, updated and found unchanged: of the
	// batches stored so far, final when the job is done.
	CreatedCases int `json:"created_cases"`
	UpdatedCases int `json:"updated_cases"`
	Unchanged    int `json:"unchanged"`
	// Searchable is true once a done job's records are in the search index
	// (false: stored, the index catches up; /healthz shows the lag).
	Searchable bool `json:"searchable"`
	// Errors are the bad fields of a refused import (the first
	// MaxJobErrors), each with its line; Error says why a failed job failed.
	Errors  []corpus.FieldError  `json:"errors"`
	Error   *JobError            `json:"error"`
	Summary *corpus.ImportResult `json:"summary"` // what the synchronous import answers; when done
	// Drafts is what a drafts import answers at once; when done.
	Drafts *DraftImportJSON `json:"drafts,omitempty"`
}

// JobError is why a job failed: an error code and message as in error
// bodies ("canceled" when the server shut down during the job).
type JobError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// job is one background import; its mutex guards what changes as it runs.
type job struct {
	mu sync.Mutex
	v  JobJSON
}

func (j *job) snapshot() JobJSON {
	j.mu.Lock()
	defer j.mu.Unlock()
	v := j.v
	v.Errors = slices.Clone(v.Errors)
	if v.Errors == nil {
		v.Errors = []corpus.FieldError{}
	}
	return v
}

// progress is the import's progress callback.
func (j *job) progress(done, total int) {
	j.mu.Lock()
	j.v.Done, j.v.Total = done, total
	j.mu.Unlock()
}

func (j *job) setDrafts(d *DraftImportJSON) {
	j.mu.Lock()
	j.v.Drafts = d
	j.mu.Unlock()
}

func (j *job) start() {
	j.mu.Lock()
	now := time.Now().UTC()
	j.v.State, j.v.Started = JobRunning, &now
	j.mu.Unlock()
}

// finish records the import's outcome: res holds what was stored even when
// err says why it stopped (batches before a full disk stay).
func (j *job) finish(res *corpus.ImportResult, w app.Searchable, err error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	now := time.Now().UTC()
	j.v.Finished = &now
	if res != nil {
		for _, sc := range res.Sources {
			if j.v.Format == "jsonl" && sc.Where != corpus.KindCase {
				continue // banks and policies: counted in the summary
			}
			j.v.CreatedCases += sc.Created
			j.v.UpdatedCases += sc.Merged
			j.v.Unchanged += sc.Same
		}
	}
	if err == nil {
		j.v.State, j.v.Summary, j.v.Searchable = JobDone, res, !w.Later()
		j.v.Done = j.v.Total
		return
	}
	j.v.State = JobFailed
	if errors.Is(err, context.Canceled) {
		j.v.Error = &JobError{Code: "canceled", Message: "the server shut down during the import; the batches stored before stay: send the file again to finish it (stored records count as unchanged)"}
		return
	}
	_, body := Status(unprocessable(err))
	j.v.Error = &JobError{Code: body.Error.Code, Message: body.Error.Message}
	j.v.Errors = body.Error.Fields
}

// jobs runs background imports one at a time and remembers the last
// KeptJobs of them.
type jobs struct {
	ctx    context.Context // cancelled by close: running imports stop
	cancel context.CancelFunc
	wg     sync.WaitGroup
	turn   chan struct{} // held by the running job

	mu     sync.Mutex
	list   []*job // oldest first
	active int    // queued or running
	closed bool

	logger *slog.Logger
	// hold, when set (tests), runs as a job starts, before its import.
	hold func(ctx context.Context)
}

func newJobs(logger *slog.Logger) *jobs {
	ctx, cancel := context.WithCancel(context.Background())
	return &jobs{ctx: ctx, cancel: cancel, turn: make(chan struct{}, 1), logger: logger}
}

// add registers a queued job, or refuses when MaxActiveJobs are unfinished
// or the server is shutting down.
func (js *jobs) add(v JobJSON) (*job, error) {
	js.mu.Lock()
	defer js.mu.Unlock()
	if js.closed {
		return nil, app.RetryLater(corpus.EUNAVAILABLE, "the server is shutting down; send the import again when it is back", jobRetrySeconds)
	}
	if js.active >= MaxActiveJobs {
		return nil, app.RetryLater(corpus.EUNAVAILABLE, fmt.Sprintf("%d imports are queued or running, the most at once; try again when one is done (GET /api/v1/jobs)", js.active), jobRetrySeconds)
	}
	v.ID, v.State, v.Created = newRequestID(), JobQueued, time.Now().UTC()
	j := &job{v: v}
	js.active++
	js.list = append(js.list, j)
	// Forget the oldest finished jobs past KeptJobs; unfinished ones stay.
	for i := 0; len(js.list) > KeptJobs && i < len(js.list); {
		if s := js.list[i].snapshot().State; s == JobDone || s == JobFailed {
			js.list = slices.Delete(js.list, i, i+1)
		} else {
			i++
		}
	}
	js.wg.Add(1)
	return j, nil
}

// importFunc runs an import with the job's context and progress callback.
type importFunc func(ctx context.Context, progress func(done, total int)) (*corpus.ImportResult, app.Searchable, error)

// run runs importFn for j in the background once the job before it is
// done, then calls cleanup (also when the job never ran).
func (js *jobs) run(j *job, importFn importFunc, cleanup func()) {
	go func() {
		defer js.wg.Done()
		defer func() {
			js.mu.Lock()
			js.active--
			js.mu.Unlock()
		}()
		defer cleanup()
		select {
		case js.turn <- struct{}{}:
			defer func() { <-js.turn }()
		case <-js.ctx.Done():
			j.finish(nil, app.Searchable{}, js.ctx.Err())
			return
		}
		j.start()
		if js.hold != nil {
			js.hold(js.ctx)
		}
		res, w, err := importFn(js.ctx, j.progress)
		j.finish(res, w, err)
		v := j.snapshot()
		switch {
		case err == nil:
			js.logger.Info("import job done", "job", v.ID, "by", v.By, "records", v.Total,
				"created_cases", v.CreatedCases, "updated_cases", v.UpdatedCases, "unchanged", v.Unchanged, "searchable", v.Searchable)
		case v.Error.Code == corpus.EINTERNAL || v.Error.Code == corpus.EUNAVAILABLE:
			js.logger.Error("import job failed", "job", v.ID, "by", v.By, "done", v.Done, "of", v.Total, "err", err)
		default:
			js.logger.Info("import job failed", "job", v.ID, "by", v.By, "done", v.Done, "of", v.Total, "code", v.Error.Code, "reason", v.Error.Message)
		}
	}()
}

func (js *jobs) find(id string) (*job, bool) {
	js.mu.Lock()
	defer js.mu.Unlock()
	for _, j := range js.list {
		if j.v.ID == id { // the id never changes: no need for j.mu
			return j, true
		}
	}
	return nil, false
}

func (js *jobs) recent() []JobJSON {
	js.mu.Lock()
	list := slices.Clone(js.list)
	js.mu.Unlock()
	out := make([]JobJSON, 0, len(list))
	for i := len(list) - 1; i >= 0; i-- {
		out = append(out, list[i].snapshot())
	}
	return out
}

// close refuses new jobs, cancels the running and queued ones and waits
// until they have stopped: a JSONL import stops after its current batch, a
// report import rolls back.
func (js *jobs) close() {
	js.mu.Lock()
	js.closed = true
	js.mu.Unlock()
	js.cancel()
	js.wg.Wait()
}

// Close ends the background jobs (see jobs.close); call it after the HTTP
// server has shut down and before the application service and the store
// are closed.
func (s *Server) Close() {
	if s.jobs != nil {
		s.jobs.close()
	}
}

func (s *Server) getJob(c echo.Context) error {
	j, ok := s.jobs.find(c.Param("id"))
	if !ok {
		return corpus.Errorf(corpus.ENOTFOUND, "no job %s: jobs are kept in memory, the last %d of them, and forgotten at a restart", corpus.QuoteShort(c.Param("id")), KeptJobs)
	}
	return c.JSON(http.StatusOK, map[string]any{"job": j.snapshot()})
}

func (s *Server) listJobs(c echo.Context) error {
	list := s.jobs.recent()
	return c.JSON(http.StatusOK, map[string]any{"jobs": list, "total": len(list)})
}

// startImportJob checks a spooled import while the client waits, then
// imports it in the background. It owns f: the job removes it when done.
func (s *Server) startImportJob(c echo.Context, f *os.File, jsonl bool) error {
	started := false
	defer func() {
		if !started {
			removeSpool(f)
		}
	}()
	total, err := s.App.CheckImport(c.Request().Context(), f, jsonl)
	if err != nil {
		return unprocessable(err)
	}
	format := "report"
	if jsonl {
		format = "jsonl"
	}
	author := by(c)
	j, err := s.jobs.add(JobJSON{Kind: "import", Format: format, By: author, Total: total})
	if err != nil {
		return err
	}
	started = true
	s.jobs.run(j, func(ctx context.Context, progress func(done, total int)) (*corpus.ImportResult, app.Searchable, error) {
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return nil, app.Searchable{}, fmt.Errorf("import job: %w", err)
		}
		opts := corpus.ImportOptions{By: author, Progress: progress, MaxErrors: MaxJobErrors}
		if jsonl {
			return s.App.ImportJSONL(ctx, f, opts)
		}
		return s.App.ImportReport(ctx, f, opts)
	}, func() { removeSpool(f) })
	v := j.snapshot()
	c.Response().Header().Set(echo.HeaderLocation, "/api/v1/jobs/"+v.ID)
	return c.JSON(http.StatusAccepted, map[string]any{"job": v})
}
