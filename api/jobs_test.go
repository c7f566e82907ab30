package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"casebank/api"
	"casebank/corpus"
	"casebank/corpus/app"
	"casebank/corpus/boltdb/bolttest"
)

// jobAnswer is the body of a 202 and of GET /api/v1/jobs/{id}.
type jobAnswer struct {
	Job api.JobJSON `json:"job"`
}

// post sends body to path and returns the status, the answer's headers and
// its body.
func (w *writeSite) post(t *testing.T, path, token string, body []byte, headers ...string) (int, http.Header, []byte) {
	t.Helper()
	return w.send(t, http.MethodPost, path, token, bytes.NewReader(body), headers...)
}

// startJob posts an import that must become a job and returns it.
func (w *writeSite) startJob(t *testing.T, path string, body []byte) api.JobJSON {
	t.Helper()
	code, h, data := w.post(t, path, w.editor, body)
	var a jobAnswer
	if code != http.StatusAccepted || json.Unmarshal(data, &a) != nil {
		t.Fatalf("POST %s: %d %.500s, want 202 with a job", path, code, data)
	}
	if loc := h.Get("Location"); loc != "/api/v1/jobs/"+a.Job.ID || a.Job.Kind != "import" {
		t.Fatalf("Location %q, job %+v", loc, a.Job)
	}
	return a.Job
}

// waitJob polls the job until it is in one of states, or fails the test at
// a deadline far beyond what the job needs: the result does not depend on
// the machine's speed, only how long a failing test takes to say so.
func (w *writeSite) waitJob(t *testing.T, id string, states ...string) api.JobJSON {
	t.Helper()
	deadline := time.Now().Add(3 * time.Minute)
	for {
		var a jobAnswer
		if code := w.do(t, http.MethodGet, "/api/v1/jobs/"+id, w.editor, nil, &a); code != http.StatusOK {
			t.Fatalf("GET job %s: %d", id, code)
		}
		for _, s := range states {
			if a.Job.State == s {
				return a.Job
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %s still %s: %+v", id, a.Job.State, a.Job)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// generated returns n generated cases as JSONL (their banks are the seeded
// corpus's, so only cases are imported).
func generated(t *testing.T, n int, seed uint64) []byte {
	t.Helper()
	base, err := corpus.DefaultCorpus()
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	for _, c := range corpus.Generate(base, n, seed) {
		if err := enc.Encode(c); err != nil {
			t.Fatal(err)
		}
	}
	return b.Bytes()
}

func searchTotal(t *testing.T, w *writeSite, query string) uint64 {
	t.Helper()
	var res struct {
		Total uint64 `json:"total"`
	}
	if code := w.do(t, http.MethodGet, "/api/v1/search?"+query, "", nil, &res); code != http.StatusOK {
		t.Fatalf("search %s: %d", query, code)
	}
	return res.Total
}

// An import of more than 1,000 records runs as a job: 202 at once, then
// the job's counts, and the cases are searchable when it is done.
func TestImportJobOfGeneratedCases(t *testing.T) {
	w := newWriteSite(t)
	const n = 1100
	body := generated(t, n, 7)
	before := searchTotal(t, w, "kind=case")

	j := w.startJob(t, "/api/v1/import", body)
	if j.Format != "jsonl" || j.Total != n || j.By != "Editor Ed" || (j.State != api.JobQueued && j.State != api.JobRunning) {
		t.Fatalf("new job %+v", j)
	}
	j = w.waitJob(t, j.ID, api.JobDone, api.JobFailed)
	if j.State != api.JobDone || j.Done != n || j.CreatedCases != n || j.UpdatedCases != 0 || j.Unchanged != 0 ||
		!j.Searchable || len(j.Errors) != 0 || j.Error != nil || j.Started == nil || j.Finished == nil {
		t.Fatalf("finished job %+v", j)
	}
	if j.Summary == nil || j.Summary.Created != n || len(j.Summary.Sources) != 1 || j.Summary.Sources[0].Where != "case" {
		t.Fatalf("summary %+v", j.Summary)
	}
	if after := searchTotal(t, w, "kind=case"); after != before+n {
		t.Fatalf("search finds %d cases, want %d+%d", after, before, n)
	}
	if ok, err := w.index.Contains("g7-1099"); !ok || err != nil {
		t.Fatalf("the last case of the file is not indexed: %v", err)
	}

	// The same file again: every case unchanged, nothing written.
	seq, _ := w.store.LastSeq()
	again := w.waitJob(t, w.startJob(t, "/api/v1/import", body).ID, api.JobDone, api.JobFailed)
	if again.State != api.JobDone || again.Unchanged != n || again.CreatedCases != 0 || again.UpdatedCases != 0 {
		t.Fatalf("second import %+v", again)
	}
	if seq2, _ := w.store.LastSeq(); seq2 != seq {
		t.Fatalf("an unchanged import wrote %d changes", seq2-seq)
	}

	// The list shows both, newest first.
	var list struct {
		Jobs  []api.JobJSON `json:"jobs"`
		Total int           `json:"total"`
	}
	if code := w.do(t, http.MethodGet, "/api/v1/jobs", w.editor, nil, &list); code != http.StatusOK || list.Total != 2 ||
		list.Jobs[0].ID != again.ID || list.Jobs[1].ID != j.ID {
		t.Fatalf("GET /api/v1/jobs: %d %+v", code, list)
	}
}

// A small import asked for with ?async=true is a job too; one of report
// text as well.
func TestImportJobOnRequest(t *testing.T) {
	w := newWriteSite(t)
	line, _ := json.Marshal(bolttest.NewCase("async-one", "jiangsu-bank", "江苏银行异步导入", "异步导入正文。"))
	j := w.waitJob(t, w.startJob(t, "/api/v1/import?async=true", line).ID, api.JobDone, api.JobFailed)
	if j.State != api.JobDone || j.Total != 1 || j.CreatedCases != 1 {
		t.Fatalf("job %+v", j)
	}
	// ?async=false and a small body: answered at once, as before.
	line, _ = json.Marshal(bolttest.NewCase("sync-one", "jiangsu-bank", "江苏银行同步导入", "同步导入正文。"))
	if code, _, data := w.post(t, "/api/v1/import?async=false", w.editor, line); code != http.StatusOK || !strings.Contains(string(data), `"created":1`) {
		t.Fatalf("synchronous import: %d %s", code, data)
	}
}

// A bad upload is refused while the client waits, with the status the
// synchronous import gives, and no job is made.
func TestImportJobBadBodyStaysSynchronous(t *testing.T) {
	w := newWriteSite(t, func(s *api.Server) { s.MaxImportBytes = 5 << 19 })
	big := generated(t, 1000, 3) // over the test's 2.5 MiB limit
	// A bad line among more than 1,000: 422 naming it, nothing stored.
	var bad []byte
	for i := 1; i <= 1200; i++ {
		c := bolttest.NewCase(fmt.Sprintf("refused-%d", i), "jiangsu-bank", "江苏银行拒收测试", "拒收测试正文。")
		if i == 1101 {
			c.Dimensions = []string{"vibes"}
		}
		line, _ := json.Marshal(c)
		bad = append(append(bad, line...), '\n')
	}
	if len(big) <= 5<<19 || len(bad) > 5<<19 {
		t.Fatalf("test bodies of %d and %d bytes", len(big), len(bad))
	}
	cases, _ := w.store.CountCases()
	tests := []struct {
		name, path string
		body       []byte
		ctype      string
		want       int
		message    string
	}{
		{"invalid record past 1,000", "/api/v1/import", bad, "", 422, "line 1101: dimensions: unknown dimension"},
		{"invalid record, async", "/api/v1/import?async=true", bad, "", 422, "line 1101"},
		{"malformed JSONL, async", "/api/v1/import?async=true", []byte("{\"id\":\"x\"\n{not json\n"), "", 400, "line 1"},
		{"report text that is no report, async", "/api/v1/import?async=true", []byte("just some words"), "text/plain", 400, ""},
		{"over the import limit", "/api/v1/import?async=true", big, "", 413, "larger than 2621440 bytes"},
		{"report text over 2 MB", "/api/v1/import?async=true", bytes.Repeat([]byte("报告正文\n"), (api.MaxBodyBytes/13)+1)[:api.MaxBodyBytes+1], "text/plain", 413, "report text"},
		{"a form upload", "/api/v1/import?async=true", []byte("--x\r\n\r\n--x--"), "multipart/form-data; boundary=x", 415, "--data-binary"},
		{"async not a boolean", "/api/v1/import?async=maybe", []byte("{}"), "", 400, "async must be true or false"},
	}
	for _, tt := range tests {
		var headers []string
		if tt.ctype != "" {
			headers = []string{"Content-Type", tt.ctype}
		}
		code, _, data := w.post(t, tt.path, w.editor, tt.body, headers...)
		var e app.ErrorBody
		if code != tt.want || json.Unmarshal(data, &e) != nil || !strings.Contains(e.Error.Message, tt.message) {
			t.Errorf("%s: %d %.300s, want %d with %q", tt.name, code, data, tt.want, tt.message)
		}
	}
	var list struct {
		Total int `json:"total"`
	}
	if w.do(t, http.MethodGet, "/api/v1/jobs", w.editor, nil, &list); list.Total != 0 {
		t.Fatalf("refused uploads made %d jobs", list.Total)
	}
	if after, _ := w.store.CountCases(); after != cases {
		t.Fatalf("refused uploads stored %d cases", after-cases)
	}
}

func TestJobsNeedAnEditor(t *testing.T) {
	w := newWriteSite(t)
	line, _ := json.Marshal(bolttest.NewCase("auth-one", "jiangsu-bank", "江苏银行鉴权", "鉴权正文。"))
	j := w.waitJob(t, w.startJob(t, "/api/v1/import?async=true", line).ID, api.JobDone)

	for _, path := range []string{"/api/v1/jobs", "/api/v1/jobs/" + j.ID} {
		var e app.ErrorBody
		// A read, so the message does not speak of writing.
		if code := w.do(t, http.MethodGet, path, "", nil, &e); code != http.StatusUnauthorized || e.Error.Code != corpus.EUNAUTHORIZED ||
			!strings.Contains(e.Error.Message, "reading "+path+" needs an editor token") {
			t.Errorf("anonymous GET %s: %d %+v", path, code, e.Error)
		}
		if code := w.do(t, http.MethodGet, path, "cb_not-a-token", nil, &e); code != http.StatusUnauthorized {
			t.Errorf("GET %s with a wrong token: %d", path, code)
		}
	}
	if code, _, body := w.post(t, "/api/v1/import?async=true", "", line); code != http.StatusUnauthorized || !strings.Contains(string(body), "writing needs an editor token") {
		t.Errorf("anonymous import: %d %s", code, body)
	}
	// There is no read-only role; the 403 of this endpoint is a signed-in
	// browser's write without its CSRF token.
	id, _, err := w.store.CreateSession(context.Background(), w.editor)
	if err != nil {
		t.Fatal(err)
	}
	if code, _, _ := w.post(t, "/api/v1/import?async=true", "", line, "Cookie", app.SessionCookie+"="+id); code != http.StatusForbidden {
		t.Errorf("session import without CSRF: %d", code)
	}
	// The session reads jobs (a GET needs no CSRF token).
	req, _ := http.NewRequest(http.MethodGet, w.ts.URL+"/api/v1/jobs/"+j.ID, nil)
	req.Header.Set("Cookie", app.SessionCookie+"="+id)
	if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode != http.StatusOK {
		t.Errorf("session GET job: %v %v", res, err)
	} else {
		res.Body.Close()
	}

	var e app.ErrorBody
	if code := w.do(t, http.MethodGet, "/api/v1/jobs/no-such-job", w.editor, nil, &e); code != http.StatusNotFound || e.Error.Code != corpus.ENOTFOUND ||
		!strings.Contains(e.Error.Message, "restart") {
		t.Errorf("unknown job: %d %+v", code, e.Error)
	}
}

// One job runs at a time and one more may wait; a third is refused with
// 503 and Retry-After until one is done.
func TestJobsLimit(t *testing.T) {
	var release func()
	w := newWriteSite(t, func(s *api.Server) { release = api.HoldJobs(s) })
	defer release()
	body := func(id string) []byte {
		line, _ := json.Marshal(bolttest.NewCase(id, "jiangsu-bank", "江苏银行排队导入", "排队导入正文。"))
		return line
	}
	first := w.startJob(t, "/api/v1/import?async=true", body("queue-1"))
	w.waitJob(t, first.ID, api.JobRunning)
	second := w.startJob(t, "/api/v1/import?async=true", body("queue-2"))
	if second.State != api.JobQueued {
		t.Fatalf("second job %+v, want queued", second)
	}
	code, h, data := w.post(t, "/api/v1/import?async=true", w.editor, body("queue-3"))
	var e app.ErrorBody
	if code != http.StatusServiceUnavailable || h.Get("Retry-After") == "" || json.Unmarshal(data, &e) != nil || e.Error.Code != corpus.EUNAVAILABLE {
		t.Fatalf("third job: %d Retry-After %q %s", code, h.Get("Retry-After"), data)
	}
	// A synchronous import is not a job: it is not refused.
	if code, _, data := w.post(t, "/api/v1/import", w.editor, body("sync-meanwhile")); code != http.StatusOK {
		t.Fatalf("synchronous import beside the jobs: %d %s", code, data)
	}
	release()
	for _, id := range []string{first.ID, second.ID} {
		if j := w.waitJob(t, id, api.JobDone, api.JobFailed); j.State != api.JobDone || j.CreatedCases != 1 {
			t.Fatalf("job %+v", j)
		}
	}
	w.waitJob(t, w.startJob(t, "/api/v1/import?async=true", body("queue-3")).ID, api.JobDone)
}

// Closing the server (at shutdown) cancels running and queued jobs and
// waits for them: nothing is half-written, and new jobs are refused.
func TestJobsEndAtShutdown(t *testing.T) {
	var srv *api.Server
	w := newWriteSite(t, func(s *api.Server) { srv = s; api.HoldJobs(s) })
	cases, _ := w.store.CountCases()
	running := w.startJob(t, "/api/v1/import?async=true", generated(t, 20, 5))
	w.waitJob(t, running.ID, api.JobRunning)
	queued := w.startJob(t, "/api/v1/import?async=true", generated(t, 20, 6))

	closed := make(chan struct{})
	go func() { srv.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(time.Minute):
		t.Fatal("Close did not return")
	}
	for _, id := range []string{running.ID, queued.ID} {
		j := w.waitJob(t, id, api.JobDone, api.JobFailed)
		if j.State != api.JobFailed || j.Error == nil || j.Error.Code != "canceled" || j.Finished == nil {
			t.Fatalf("job after shutdown %+v", j)
		}
	}
	if after, _ := w.store.CountCases(); after != cases {
		t.Fatalf("cancelled jobs stored %d cases", after-cases)
	}
	code, h, _ := w.post(t, "/api/v1/import?async=true", w.editor, generated(t, 1, 8))
	if code != http.StatusServiceUnavailable || h.Get("Retry-After") == "" {
		t.Fatalf("import after Close: %d", code)
	}
}

// A job checks its file again when it runs: a theme retired while it
// waited fails it whole, nothing stored, with the first MaxJobErrors bad
// fields listed by line.
func TestJobRecheckedWhenItRuns(t *testing.T) {
	var release func()
	w := newWriteSite(t, func(s *api.Server) { release = api.HoldJobs(s) })
	defer release()
	add := map[string]any{"op": "add", "code": "job_test", "zh": "作业测试", "en": "job test"}
	if code := w.do(t, http.MethodPost, "/api/v1/codebook", w.admin, add, nil); code != http.StatusOK {
		t.Fatalf("add theme: %d", code)
	}
	var body []byte
	for i := 1; i <= api.MaxJobErrors+20; i++ {
		c := bolttest.NewCase(fmt.Sprintf("recheck-%d", i), "jiangsu-bank", "江苏银行复查", "复查正文。")
		c.Themes = []string{"job_test"}
		line, _ := json.Marshal(c)
		body = append(append(body, line...), '\n')
	}
	cases, _ := w.store.CountCases()
	j := w.startJob(t, "/api/v1/import?async=true", body)
	w.waitJob(t, j.ID, api.JobRunning)
	retire := map[string]any{"op": "retire", "code": "job_test"}
	if code := w.do(t, http.MethodPost, "/api/v1/codebook", w.admin, retire, nil); code != http.StatusOK {
		t.Fatalf("retire theme: %d", code)
	}
	release()
	j = w.waitJob(t, j.ID, api.JobDone, api.JobFailed)
	if j.State != api.JobFailed || j.Error == nil || j.Error.Code != app.EUNPROCESSABLE || len(j.Errors) != api.MaxJobErrors || j.Summary != nil {
		t.Fatalf("job %+v", j)
	}
	if e := j.Errors[api.MaxJobErrors-1]; e.Line != api.MaxJobErrors || e.Field != "themes" || !strings.Contains(e.Message, "job_test") {
		t.Fatalf("last error %+v", e)
	}
	if !strings.Contains(j.Error.Message, "nothing was stored") {
		t.Fatalf("message %q", j.Error.Message)
	}
	if after, _ := w.store.CountCases(); after != cases {
		t.Fatalf("a refused job stored %d cases", after-cases)
	}
}
