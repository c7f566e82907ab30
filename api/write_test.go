package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"casebank/api"
	"casebank/corpus"
	"casebank/corpus/app"
	"casebank/corpus/boltdb"
	"casebank/corpus/tagger"
	"casebank/index"
	"casebank/index/indextest"
)

type writeSite struct {
	ts            *httptest.Server
	store         *boltdb.Store
	index         *index.Index
	editor, admin string
	logs          *bytes.Buffer
}

// unlimitedWrites configures a site for tests that race many writes: how
// many a fast machine sends is not what they are about (TestWriteRateLimit is).
func unlimitedWrites(s *api.Server) { s.App.WriteRate = rate.Inf }

func newWriteSite(t *testing.T, configure ...func(*api.Server)) *writeSite {
	t.Helper()
	store, ix := indextest.MustOpen(t)
	logs := &bytes.Buffer{}
	logger := slog.New(slog.NewTextHandler(logs, nil))
	s := &api.Server{App: app.New(store, ix, logger), Logger: logger}
	for _, f := range configure {
		f(s)
	}
	ts := httptest.NewServer(s.Echo())
	t.Cleanup(ts.Close)
	ctx := context.Background()
	editor, _, err := store.CreateToken(ctx, "Editor Ed", corpus.RoleEditor)
	if err != nil {
		t.Fatal(err)
	}
	admin, _, err := store.CreateToken(ctx, "Admin Ada", corpus.RoleAdmin)
	if err != nil {
		t.Fatal(err)
	}
	return &writeSite{ts: ts, store: store, index: ix, editor: editor, admin: admin, logs: logs}
}

// do sends a request with an optional token and JSON body and decodes the answer.
func (w *writeSite) do(t *testing.T, method, path, token string, body any, out any, headers ...string) int {
	t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	case []byte:
		r = bytes.NewReader(b)
	default:
		data, _ := json.Marshal(b)
		r = bytes.NewReader(data)
	}
	if body != nil {
		headers = append([]string{"Content-Type", "application/json"}, headers...) // the caller's may replace it
	}
	status, _, data := w.send(t, method, path, token, r, headers...)
	if out != nil && len(data) > 0 {
		if err := json.Unmarshal(data, out); err != nil {
			t.Fatalf("%s %s: %d %s", method, path, status, data)
		}
	}
	return status
}

// request is a request to the site with an optional token and headers
// (name, value, …).
func (w *writeSite) request(method, path, token string, body io.Reader, headers ...string) *http.Request {
	req, _ := http.NewRequest(method, w.ts.URL+path, body)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return req
}

// send sends a request with an optional token and headers (name, value, …)
// and returns the status, the answer's headers and its body.
func (w *writeSite) send(t *testing.T, method, path, token string, body io.Reader, headers ...string) (int, http.Header, []byte) {
	t.Helper()
	res, err := http.DefaultClient.Do(w.request(method, path, token, body, headers...))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, data
}

func newCaseJSON(id string) map[string]any {
	return map[string]any{
		"id": id, "kind": "case", "year": 2026, "bank": map[string]any{"id": "jiangsu-bank"},
		"title":      map[string]any{"zh": "江苏银行测试案例：知识图谱反欺诈", "en": "Test case"},
		"summary":    map[string]any{"zh": "测试摘要。", "en": "A test summary."},
		"body":       "江苏银行用知识图谱识别团伙欺诈。",
		"dimensions": []string{"technology"}, "themes": []string{"risk"},
		"source": map[string]any{"report": "测试报告", "year": 2026, "section": "1.1"},
	}
}

// Every write endpoint against anonymous, editor and admin callers.
func TestRoleMatrix(t *testing.T) {
	w := newWriteSite(t)
	type call struct {
		method, path string
		body         func(id string) any
		needs        string // editor or admin
	}
	calls := []call{
		{"POST", "/api/v1/cases", func(id string) any { return newCaseJSON(id) }, corpus.RoleEditor},
		{"PATCH", "/api/v1/cases/r2025-t1-4-jiangsu-bank/tags", func(string) any { return map[string]any{"add": map[string]any{"themes": []string{"risk"}}} }, corpus.RoleEditor},
		{"POST", "/api/v1/bulk-tags", func(string) any {
			return map[string]any{"ids": []string{"r2025-t1-4-beijing-bank"}, "kind": "theme", "code": "risk", "action": "add", "preview": true}
		}, corpus.RoleEditor},
		{"POST", "/api/v1/codebook", func(string) any {
			return map[string]any{"op": "rename", "code": "risk", "zh": "风险管理", "preview": true}
		}, corpus.RoleAdmin},
		{"DELETE", "/api/v1/cases/r2025-t1-4-sushang-bank", func(string) any { return nil }, corpus.RoleAdmin},
	}
	for i, c := range calls {
		for _, who := range []struct {
			name, token string
			want        int
		}{
			{"anonymous", "", 401},
			{"garbled", "cb_not-a-token", 401},
			{"editor", w.editor, map[string]int{corpus.RoleEditor: 0, corpus.RoleAdmin: 403}[c.needs]},
			{"admin", w.admin, 0},
		} {
			var body app.ErrorBody
			code := w.do(t, c.method, c.path, who.token, c.body(strings.Repeat("x", i+1)+"-"+who.name), &body)
			switch {
			case who.want == 0 && code >= 400:
				t.Errorf("%s %s as %s: %d %+v", c.method, c.path, who.name, code, body.Error)
			case who.want != 0 && (code != who.want || body.Error.Message == ""):
				t.Errorf("%s %s as %s: %d, want %d", c.method, c.path, who.name, code, who.want)
			}
		}
	}
	// Tokens are kept hashed: the secret is in neither the store file nor the log.
	data, _ := os.ReadFile(w.store.Path())
	if bytes.Contains(data, []byte(w.editor)) || strings.Contains(w.logs.String(), w.editor) || strings.Contains(w.logs.String(), "cb_not-a-token") {
		t.Fatal("a token secret was stored or logged")
	}
	if !strings.Contains(w.logs.String(), "failed authentication") {
		t.Fatal("failed sign-ins are not logged")
	}
}

func TestCreateIsSearchableAndVersioned(t *testing.T) {
	w := newWriteSite(t)
	var created corpus.Case
	if code := w.do(t, "POST", "/api/v1/cases", w.editor, newCaseJSON("kg-fraud"), &created); code != 201 {
		t.Fatalf("create: %d", code)
	}
	if created.Version != 1 || created.Created.By != "Editor Ed" || created.Bank.Name != "江苏银行" {
		t.Fatalf("created %+v", created)
	}
	var res api.SearchJSON
	w.do(t, "GET", "/api/v1/search?q="+urlq("知识图谱反欺诈"), "", nil, &res)
	if res.Total == 0 || res.Hits[0].ID != "kg-fraud" {
		t.Fatalf("not searchable at once: %+v", res.Hits)
	}
	var conflict app.ErrorBody
	if code := w.do(t, "POST", "/api/v1/cases", w.editor, newCaseJSON("kg-fraud"), &conflict); code != 409 {
		t.Fatalf("duplicate id: %d", code)
	}

	// Two editors edit version 1; the second is refused.
	edit := newCaseJSON("kg-fraud")
	edit["version"] = 1
	edit["outcome"] = "第一位编辑"
	var updated corpus.Case
	if code := w.do(t, "PUT", "/api/v1/cases/kg-fraud", w.editor, edit, &updated); code != 200 || updated.Version != 2 {
		t.Fatalf("first edit: %d %+v", code, updated.Version)
	}
	edit["outcome"] = "第二位编辑"
	if code := w.do(t, "PUT", "/api/v1/cases/kg-fraud", w.admin, edit, &conflict); code != 409 {
		t.Fatalf("stale edit: %d", code)
	}
	delete(edit, "version")
	if code := w.do(t, "PUT", "/api/v1/cases/kg-fraud", w.admin, edit, &conflict); code != 428 {
		t.Fatalf("edit without version: %d", code)
	}
	if code := w.do(t, "PUT", "/api/v1/cases/kg-fraud", w.admin, edit, &updated, "If-Match", `"v2"`); code != 200 || updated.Version != 3 {
		t.Fatalf("If-Match edit: %d", code)
	}

	// Validation errors are 422 and name every field.
	bad := newCaseJSON("bad-one")
	bad["themes"] = []string{"nonsense"}
	bad["dimensions"] = []string{}
	bad["year"] = 1800
	var verr app.ErrorBody
	if code := w.do(t, "POST", "/api/v1/cases", w.editor, bad, &verr); code != 422 || len(verr.Error.Fields) != 3 {
		t.Fatalf("invalid case: %d %+v", code, verr.Error)
	}
	for _, tc := range []struct {
		body string
		code int
	}{
		{`{"id": "x", `, 400}, {`not json`, 400}, {`{"id": 5}`, 400}, {`{"bogus": true}`, 400}, {``, 400},
		{`{"id":"a"} {"id":"b"}`, 400},
	} {
		if code := w.do(t, "POST", "/api/v1/cases", w.editor, tc.body, &verr); code != tc.code {
			t.Errorf("body %q: %d, want %d", tc.body, code, tc.code)
		}
	}
	if code := w.do(t, "POST", "/api/v1/cases", w.editor, []byte(strings.Repeat("x", 3<<20)), &verr); code != 413 {
		t.Errorf("huge body: %d", code)
	}
	if code := w.do(t, "POST", "/api/v1/cases", w.editor, "{}", &verr, "Content-Type", "text/plain"); code != 415 {
		t.Errorf("text/plain: %d", code)
	}

	// History: create, two edits, a tag change with decisions.
	patch := map[string]any{"add": map[string]any{"themes": []string{"ai"}}, "decisions": map[string]any{"accepted": []string{"theme:ai"}, "rejected": []string{"theme:green"}}}
	if code := w.do(t, "PATCH", "/api/v1/cases/kg-fraud/tags", w.editor, patch, &updated); code != 200 {
		t.Fatalf("patch tags: %d", code)
	}
	var hist struct{ History []corpus.HistoryEntry }
	w.do(t, "GET", "/api/v1/cases/kg-fraud/history", "", nil, &hist)
	ops := []string{}
	for _, h := range hist.History {
		ops = append(ops, h.Op)
	}
	if strings.Join(ops, ",") != "create,update,update,tags" {
		t.Fatalf("history ops %v", ops)
	}
	last := hist.History[3]
	if last.At.By != "Editor Ed" || last.Changes[0].Field != "themes" || last.Decisions == nil || last.Decisions.Rejected[0] != "theme:green" {
		t.Fatalf("tag history %+v", last)
	}
	second := hist.History[1]
	if second.Changes[0].Field != "outcome" || second.Changes[0].New != "第一位编辑" {
		t.Fatalf("edit history %+v", second)
	}

	// Delete (admin) removes it from search; the history stays.
	if code := w.do(t, "DELETE", "/api/v1/cases/kg-fraud", w.admin, nil, nil, "If-Match", `"v1"`); code != 409 {
		t.Fatalf("stale delete: %d", code)
	}
	if code := w.do(t, "DELETE", "/api/v1/cases/kg-fraud", w.admin, nil, nil); code != 204 {
		t.Fatalf("delete: %d", code)
	}
	w.do(t, "GET", "/api/v1/search?q="+urlq("知识图谱反欺诈"), "", nil, &res)
	for _, h := range res.Hits {
		if h.ID == "kg-fraud" {
			t.Fatal("deleted case still found")
		}
	}
	w.do(t, "GET", "/api/v1/cases/kg-fraud/history", "", nil, &hist)
	if hist.History[len(hist.History)-1].Op != "delete" {
		t.Fatal("no delete in history")
	}
}

func TestBulkTagsAndCodebookAreAtomic(t *testing.T) {
	w := newWriteSite(t)
	// An unknown id anywhere aborts the whole bulk change.
	var e app.ErrorBody
	body := map[string]any{"ids": []string{"r2025-t1-4-beijing-bank", "no-such-case"}, "kind": "theme", "code": "green", "action": "add"}
	if code := w.do(t, "POST", "/api/v1/bulk-tags", w.editor, body, &e); code != 404 {
		t.Fatalf("bulk with a bad id: %d", code)
	}
	c, _ := w.store.FindCaseByID(context.Background(), "r2025-t1-4-beijing-bank")
	if strings.Contains(strings.Join(c.Themes, ","), "green") {
		t.Fatal("a failed bulk change left a tag behind")
	}
	// Bulk from a search: preview counts, apply changes exactly those.
	var res corpus.BulkResult
	search := map[string]any{"search": map[string]any{"q": "DeepSeek", "filters": map[string]any{"bank_type": []string{"city_commercial"}}},
		"kind": "theme", "code": "operations", "action": "add", "preview": true}
	if code := w.do(t, "POST", "/api/v1/bulk-tags", w.editor, search, &res); code != 200 || !res.Preview || res.Matched == 0 {
		t.Fatalf("preview: %d %+v", code, res)
	}
	preview := res.Changed
	search["preview"] = false
	w.do(t, "POST", "/api/v1/bulk-tags", w.editor, search, &res)
	if strings.Join(res.Changed, ",") != strings.Join(preview, ",") {
		t.Fatalf("applied %v, previewed %v", res.Changed, preview)
	}
	var sr api.SearchJSON
	w.do(t, "GET", "/api/v1/search?theme=operations&bank_type=city_commercial&q=DeepSeek&size=100", "", nil, &sr)
	if int(sr.Total) != res.Matched {
		t.Fatalf("after bulk: %d tagged of %d matched", sr.Total, res.Matched)
	}

	// Merge green into inclusive: preview, apply, search and history follow.
	var cb corpus.CodebookResult
	merge := map[string]any{"op": "merge", "code": "green", "into": "inclusive", "preview": true}
	if code := w.do(t, "POST", "/api/v1/codebook", w.admin, merge, &cb); code != 200 || len(cb.Affected) == 0 {
		t.Fatalf("merge preview: %d %+v", code, cb)
	}
	affected := cb.Affected
	if code := w.do(t, "GET", "/api/v1/search?theme=green", "", nil, &sr); code != 200 || sr.Total == 0 {
		t.Fatal("preview changed the data")
	}
	merge["preview"] = false
	w.do(t, "POST", "/api/v1/codebook", w.admin, merge, &cb)
	if len(cb.Affected) != len(affected) {
		t.Fatalf("merged %d, previewed %d", len(cb.Affected), len(affected))
	}
	if code := w.do(t, "GET", "/api/v1/search?theme=green", "", nil, &e); code != 400 {
		t.Fatalf("retired code still accepted: %d", code)
	}
	w.do(t, "GET", "/api/v1/search?theme=inclusive&size=100", "", nil, &sr)
	ids := map[string]bool{}
	for _, h := range sr.Hits {
		ids[h.ID] = true
	}
	for _, id := range affected {
		if !strings.HasPrefix(id, "p") && !ids[id] {
			t.Errorf("merged case %s not found under inclusive", id)
		}
	}
	var hist struct{ History []corpus.HistoryEntry }
	w.do(t, "GET", "/api/v1/cases/"+affected[0]+"/history", "", nil, &hist)
	if hist.History[len(hist.History)-1].Op != "codebook" {
		t.Fatalf("merge not in history: %+v", hist.History)
	}
	// The old label still finds the merged theme.
	w.do(t, "GET", "/api/v1/search?q="+urlq("绿色金融"), "", nil, &sr)
	if len(sr.Query.Inferred) == 0 || sr.Query.Inferred[0].Code != "inclusive" {
		t.Fatalf("old label: %+v", sr.Query.Inferred)
	}
}

func TestCitationsAndSuggestTags(t *testing.T) {
	w := newWriteSite(t)
	for format, want := range map[string]string{"bibtex": "@incollection{r2025-t1-4-jiangsu-bank", "ris": "TY  - CHAP", "csl": `"container-title"`} {
		res, err := http.Get(w.ts.URL + "/api/v1/cases/r2025-t1-4-jiangsu-bank/cite?format=" + format)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || !strings.Contains(string(b), want) || !strings.Contains(string(b), corpus.ReportPublisher) {
			t.Errorf("%s: %d %s", format, res.StatusCode, b)
		}
	}
	res, _ := http.Get(w.ts.URL + "/api/v1/cite?format=ris&q=DeepSeek&bank_type=city_commercial")
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if strings.Count(string(b), "TY  - CHAP") < 2 {
		t.Fatalf("result-set citation: %s", b)
	}
	var sg tagger.Suggestions
	draft := map[string]any{"text": "我行上线国产分布式核心系统，完成信创改造", "bank": "杭州银行"}
	if code := w.do(t, "POST", "/api/v1/suggest-tags", w.editor, draft, &sg); code != 200 || len(sg.Themes) == 0 || sg.BankType[0].Code != "city_commercial" {
		t.Fatalf("suggest: %d %+v", code, sg)
	}
	// Every suggestion says why; the bank type follows the subject, not
	// the alliance it joins.
	for _, list := range [][]tagger.Suggestion{sg.Dimensions, sg.Themes, sg.BankType} {
		for _, s := range list {
			if s.Reason == "" {
				t.Errorf("%s %s without a reason", s.Kind, s.Code)
			}
		}
	}
	var raw struct {
		BankType []map[string]any `json:"bank_type"`
	}
	joins := map[string]any{"text": "某农商行加入区域中小银行金融科技联盟，借助联盟共享的反欺诈模型上线了新版手机银行。"}
	if code := w.do(t, "POST", "/api/v1/suggest-tags", w.editor, joins, &raw); code != 200 || len(raw.BankType) != 1 ||
		raw.BankType[0]["code"] != "rural_commercial" || raw.BankType[0]["reason"] != "subject names 农商行" || raw.BankType[0]["source"] != "subject" {
		t.Fatalf("subject: %d %+v", code, raw.BankType)
	}
	// Suggestions read the model of the whole corpus: editors only.
	if code := w.do(t, "POST", "/api/v1/suggest-tags", "", draft, nil); code != 401 {
		t.Fatalf("anonymous suggest: %d, want 401", code)
	}
	var e app.ErrorBody
	long := map[string]any{"text": strings.Repeat("信创", tagger.MaxDraftRunes)}
	if code := w.do(t, "POST", "/api/v1/suggest-tags", w.editor, long, &e); code != 422 || !strings.Contains(e.Error.Message, "at most") {
		t.Fatalf("oversized draft: %d %+v", code, e)
	}
}

// A signed-in browser's session cookie writes only with its CSRF token.
func TestSessionNeedsCSRF(t *testing.T) {
	w := newWriteSite(t)
	id, sess, err := w.store.CreateSession(context.Background(), w.editor)
	if err != nil {
		t.Fatal(err)
	}
	cookie := app.SessionCookie + "=" + id
	var e app.ErrorBody
	patch := map[string]any{"add": map[string]any{"themes": []string{"risk"}}}
	if code := w.do(t, "PATCH", "/api/v1/cases/r2025-t1-4-jiangsu-bank/tags", "", patch, &e, "Cookie", cookie); code != 403 {
		t.Fatalf("session without CSRF: %d", code)
	}
	if code := w.do(t, "PATCH", "/api/v1/cases/r2025-t1-4-jiangsu-bank/tags", "", patch, &e, "Cookie", cookie, app.CSRFHeader, "wrong"); code != 403 {
		t.Fatalf("session with a wrong CSRF token: %d", code)
	}
	if code := w.do(t, "PATCH", "/api/v1/cases/r2025-t1-4-jiangsu-bank/tags", "", patch, nil, "Cookie", cookie, app.CSRFHeader, sess.CSRF); code != 200 {
		t.Fatalf("session with CSRF: %d", code)
	}
	// A revoked token ends its sessions and its API use.
	if err := w.store.RevokeToken(context.Background(), sess.TokenID); err != nil {
		t.Fatal(err)
	}
	if code := w.do(t, "PATCH", "/api/v1/cases/r2025-t1-4-jiangsu-bank/tags", "", patch, &e, "Cookie", cookie, app.CSRFHeader, sess.CSRF); code != 401 {
		t.Fatalf("revoked session: %d", code)
	}
	if code := w.do(t, "PATCH", "/api/v1/cases/r2025-t1-4-jiangsu-bank/tags", w.editor, patch, &e); code != 401 {
		t.Fatalf("revoked token: %d", code)
	}
}

func urlq(s string) string { return url.QueryEscape(s) }

// A write the store commits is answered as a success even when the index
// cannot take it (here: closed), so that no client retries a stored write;
// the answer says it becomes searchable later.
func TestStoredWriteSucceedsWhenTheIndexCannotFollow(t *testing.T) {
	w := newWriteSite(t)
	w.index.Close()
	res, err := http.DefaultClient.Do(func() *http.Request {
		b, _ := json.Marshal(newCaseJSON("stored-anyway"))
		req, _ := http.NewRequest("POST", w.ts.URL+"/api/v1/cases", bytes.NewReader(b))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+w.editor)
		return req
	}())
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 201 || res.Header.Get(api.SearchableHeader) != "later" {
		t.Fatalf("create with the index closed: %d, %s %q", res.StatusCode, api.SearchableHeader, res.Header.Get(api.SearchableHeader))
	}
	if _, err := w.store.FindCaseByID(context.Background(), "stored-anyway"); err != nil {
		t.Fatalf("answered 201 but not stored: %v", err)
	}
	if !strings.Contains(w.logs.String(), "index behind the store") {
		t.Fatal("the failed catch-up is not logged")
	}
}

// A codebook change that outlasts the settle wait (here: no wait) is
// answered at commit, marked searchable later, and the index still takes
// it in: the merged cases turn up under the theme they were merged into.
func TestLargeCodebookChangeAnswersBeforeTheIndex(t *testing.T) {
	w := newWriteSite(t, func(s *api.Server) { s.App.SettleWait = -1 })
	var before api.SearchJSON
	w.do(t, "GET", "/api/v1/search?theme=green&size=100", "", nil, &before)
	if before.Total == 0 {
		t.Fatal("no green cases to merge")
	}
	merge := map[string]any{"op": "merge", "code": "green", "into": "inclusive"}
	data, _ := json.Marshal(merge)
	status, header, body := w.send(t, "POST", "/api/v1/codebook", w.admin, bytes.NewReader(data), "Content-Type", "application/json")
	if status != 200 || header.Get(api.SearchableHeader) != "later" {
		t.Fatalf("merge: %d, %s %q: %s", status, api.SearchableHeader, header.Get(api.SearchableHeader), body)
	}
	green := before.Hits[0].ID
	deadline := time.Now().Add(30 * time.Second)
	for {
		var sr api.SearchJSON
		if code := w.do(t, "GET", "/api/v1/search?theme=inclusive&size=100", "", nil, &sr); code != 200 {
			t.Fatalf("search: %d", code)
		}
		found := false
		for _, h := range sr.Hits {
			found = found || h.ID == green
		}
		if found {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s never found under inclusive after the merge (%d hits of %d)", green, len(sr.Hits), sr.Total)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if strings.Contains(w.logs.String(), "level=ERROR") {
		t.Fatalf("a slow catch-up is logged as an error:\n%s", w.logs.String())
	}
}
