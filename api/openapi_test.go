package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
	"github.com/labstack/echo/v4"

	"casebank/api"
	"casebank/corpus"
	"casebank/corpus/tagger"
)

// pendingKey marks a documented operation another branch is adding: the
// route walk logs it while no route serves it, and fails once one does, so
// that the marker is removed and the operation checked like the others. On
// a response of a served operation (the 202 of an async import) it marks
// what comes with the pending operations: it must go once they are served.
const pendingKey = "x-casebank-pending"

// loadContract parses and validates the embedded document (examples
// included: kin-openapi checks each against its schema, with JSON Schema
// 2020-12 for a 3.1 document).
func loadContract(tb testing.TB) *openapi3.T {
	tb.Helper()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(api.OpenAPI)
	if err != nil {
		tb.Fatalf("load api/openapi.json: %v", err)
	}
	if !doc.IsOpenAPI31OrLater() {
		tb.Fatalf("api/openapi.json is OpenAPI %s, not 3.1", doc.OpenAPI)
	}
	if err := doc.Validate(loader.Context, openapi3.EnableExamplesValidation()); err != nil {
		tb.Fatalf("api/openapi.json is not valid: %v", err)
	}
	return doc
}

// echoPath turns echo's /cases/:id into OpenAPI's /cases/{id}.
var echoParam = regexp.MustCompile(`:([A-Za-z_]+)`)

func openAPIPath(echoPath string) string { return echoParam.ReplaceAllString(echoPath, "{$1}") }

// Every route the server registers is documented, and every documented
// operation is served (or marked pending).
func TestEveryRouteIsDocumented(t *testing.T) {
	doc := loadContract(t)
	e := (&api.Server{Logger: slog.New(slog.DiscardHandler)}).Echo()
	served := map[string]bool{}
	for _, r := range e.Routes() {
		path, key := openAPIPath(r.Path), r.Method+" "+openAPIPath(r.Path)
		served[key] = true
		item := doc.Paths.Value(path)
		if item == nil || item.GetOperation(r.Method) == nil {
			t.Errorf("%s is served but not documented in api/openapi.json", key)
			continue
		}
		if _, ok := item.GetOperation(r.Method).Extensions[pendingKey]; ok {
			t.Errorf("%s is served now: remove %s from it in api/openapi.json (and check its shape: TestResponsesMatchTheContract)", key, pendingKey)
		}
	}
	documented, unserved := 0, 0
	var pendingResponses []string
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			documented++
			key := method + " " + path
			for status, r := range op.Responses.Map() {
				if _, ok := r.Value.Extensions[pendingKey]; ok {
					pendingResponses = append(pendingResponses, key+" "+status)
				}
			}
			if served[key] {
				continue
			}
			if _, ok := op.Extensions[pendingKey]; ok {
				unserved++
				t.Logf("pending: %s is documented, not served yet", key)
				continue
			}
			t.Errorf("%s is documented in api/openapi.json but no route serves it", key)
		}
	}
	for _, r := range pendingResponses {
		if unserved == 0 {
			t.Errorf("every operation is served now: remove %s from the answer %s in api/openapi.json", pendingKey, r)
		} else {
			t.Logf("pending: the answer %s comes with the pending operations", r)
		}
	}
	t.Logf("%d routes served, %d operations documented", len(e.Routes()), documented)
}

// Every example in the document — parameters, request and response bodies
// — is valid against its schema. doc.Validate checks them too; this walk
// makes sure none is skipped and names the one at fault.
func TestContractExamplesMatchTheirSchemas(t *testing.T) {
	doc := loadContract(t)
	n := 0
	check := func(where string, schema *openapi3.SchemaRef, example any) {
		t.Helper()
		n++
		if schema == nil || schema.Value == nil {
			t.Errorf("%s: an example without a schema", where)
			return
		}
		if err := schema.Value.VisitJSON(example, openapi3.EnableJSONSchema2020(), openapi3.MultiErrors()); err != nil {
			t.Errorf("%s: example does not match its schema: %v", where, err)
		}
	}
	content := func(where string, c openapi3.Content) {
		for mt, m := range c {
			if m.Example != nil {
				check(where+" "+mt, m.Schema, m.Example)
			}
			for name, ex := range m.Examples {
				check(where+" "+mt+" example "+name, m.Schema, ex.Value.Value)
			}
		}
	}
	params := func(where string, ps openapi3.Parameters) {
		for _, p := range ps {
			if p.Value.Example != nil {
				check(where+" parameter "+p.Value.Name, p.Value.Schema, p.Value.Example)
			}
		}
	}
	for path, item := range doc.Paths.Map() {
		params(path, item.Parameters)
		for method, op := range item.Operations() {
			where := method + " " + path
			params(where, op.Parameters)
			if op.RequestBody != nil {
				content(where+" request", op.RequestBody.Value.Content)
			}
			for status, r := range op.Responses.Map() {
				content(where+" "+status, r.Value.Content)
			}
		}
	}
	if n < 60 {
		t.Fatalf("only %d examples checked", n)
	}
	t.Logf("%d examples match their schemas", n)
}

var registerDecoders sync.Once

// textDecoder hands kin-openapi a non-JSON body as the string it is.
func textDecoder(body io.Reader, _ http.Header, _ *openapi3.SchemaRef, _ openapi3filter.EncodingFn) (any, error) {
	b, err := io.ReadAll(body)
	return string(b), err
}

// contractChecker checks requests and answers against the document.
type contractChecker struct {
	doc    *openapi3.T
	router routers.Router
}

func newContractChecker(t *testing.T, serverURL string) *contractChecker {
	t.Helper()
	doc := loadContract(t)
	// The document's server is "/", relative to where it is served: here
	// that is the test server.
	doc.Servers = openapi3.Servers{{URL: serverURL}}
	router, err := legacy.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	registerDecoders.Do(func() {
		for _, ct := range []string{"application/x-ndjson", "application/x-bibtex", "application/x-research-info-systems",
			"text/csv", "text/html", "text/css", "text/javascript"} {
			openapi3filter.RegisterBodyDecoder(ct, textDecoder)
		}
	})
	return &contractChecker{doc: doc, router: router}
}

// credentials is the AuthenticationFunc: a scheme is satisfied when the
// request carries that credential (the server decides whether it is good).
func credentials(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	r := in.RequestValidationInput.Request
	ok := false
	switch in.SecuritySchemeName {
	case "bearerToken":
		ok = strings.HasPrefix(r.Header.Get("Authorization"), "Bearer ")
	case "sessionCookie":
		c, err := r.Cookie("casebank_session")
		ok = err == nil && c.Value != ""
	case "csrfToken":
		ok = r.Header.Get("X-CSRF-Token") != ""
	}
	if !ok {
		return fmt.Errorf("no %s", in.SecuritySchemeName)
	}
	return nil
}

// exchange is one request of TestResponsesMatchTheContract.
type exchange struct {
	name         string
	method, path string
	token        string // a Bearer token
	ctype, body  string
	headers      []string // name, value, …
	want         int
	// invalid says the request breaks the contract on purpose (a bad
	// code, a missing credential): only the answer is checked.
	invalid bool
}

// do sends x, checks the status, then the request (unless it is invalid
// on purpose) and the answer against the document; it returns the answer.
func (cc *contractChecker) do(t *testing.T, baseURL string, x exchange) (*http.Response, []byte) {
	t.Helper()
	newReq := func() *http.Request {
		req, err := http.NewRequest(x.method, baseURL+x.path, strings.NewReader(x.body))
		if err != nil {
			t.Fatal(err)
		}
		if x.ctype != "" {
			req.Header.Set("Content-Type", x.ctype)
		}
		if x.token != "" {
			req.Header.Set("Authorization", "Bearer "+x.token)
		}
		for i := 0; i+1 < len(x.headers); i += 2 {
			req.Header.Set(x.headers[i], x.headers[i+1])
		}
		return req
	}
	res, err := http.DefaultClient.Do(newReq())
	if err != nil {
		t.Fatalf("%s: %v", x.name, err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != x.want {
		t.Errorf("%s: %s %s answered %d, want %d: %.300s", x.name, x.method, x.path, res.StatusCode, x.want, body)
		return res, body
	}
	req := newReq() // the sent one's body is spent
	route, pathParams, err := cc.router.FindRoute(req)
	if err != nil {
		t.Errorf("%s: %s %s: no operation in the document: %v", x.name, x.method, x.path, err)
		return res, body
	}
	ctx := context.Background()
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: pathParams, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: credentials, MultiError: true}}
	if !x.invalid {
		if err := openapi3filter.ValidateRequest(ctx, in); err != nil {
			t.Errorf("%s: the request does not match the document: %v", x.name, err)
		}
	}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: res.StatusCode, Header: res.Header,
		Body: io.NopCloser(bytes.NewReader(body)), Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true}}
	if err := openapi3filter.ValidateResponse(ctx, out); err != nil {
		t.Errorf("%s: the %d answer of %s %s does not match the document: %v\n%.500s", x.name, res.StatusCode, x.method, x.path, err, body)
	}
	return res, body
}

// Real answers of a real server (bbolt and bleve in t.TempDir(), the
// embedded corpus) match the document: every route, its successes and its
// main refusals, with the requests checked too.
func TestResponsesMatchTheContract(t *testing.T) {
	w := newWriteSite(t)
	cc := newContractChecker(t, w.ts.URL)
	ed, ad := w.editor, w.admin
	const J = "application/json"
	mini, err := os.ReadFile("../corpus/report/testdata/2025/mini-report.txt")
	if err != nil {
		t.Fatal(err)
	}
	caseJSON := func(edit func(m map[string]any)) string {
		m := newCaseJSON("")
		delete(m, "id")
		if edit != nil {
			edit(m)
		}
		b, _ := json.Marshal(m)
		return string(b)
	}
	line, _ := json.Marshal(map[string]any{"kind": "case", "id": "r2025-t1-4-jiangsu-bank", "year": 2025, "bank": map[string]any{"id": "jiangsu-bank"},
		"title": map[string]any{"zh": "江苏银行以DeepSeek-R1与VL2模型实现托管估值对账和合同质检自动化"}, "body": "江苏银行在资产托管业务中引入两类DeepSeek模型。",
		"dimensions": []string{"technology"}, "themes": []string{"ai"}, "source": map[string]any{"report": corpus.ReportTitle, "year": 2025, "section": "1.2.1", "table": "表1-4"}})
	badLine := strings.TrimSuffix(string(line), `"year":2025}`) + `"year":1900}` // the case's year: the last key

	exchanges := []exchange{
		{name: "health", method: "GET", path: "/healthz", want: 200},
		{name: "malformed query", method: "GET", path: "/healthz?q=%ZZ", want: 400, invalid: true},
		{name: "metrics", method: "GET", path: "/metrics", want: 200},
		{name: "contract", method: "GET", path: "/api/v1/openapi.json", want: 200},
		{name: "docs page", method: "GET", path: "/api/docs", want: 200},
		{name: "docs script", method: "GET", path: "/api/docs/swagger-ui-bundle.js", want: 200},
		{name: "docs stylesheet", method: "GET", path: "/api/docs/swagger-ui.css", want: 200},
		{name: "docs start-up", method: "GET", path: "/api/docs/init.js", want: 200},
		{name: "docs licence", method: "GET", path: "/api/docs/LICENSE", want: 200},
		{name: "docs unknown file", method: "GET", path: "/api/docs/evil.js", want: 404, invalid: true},

		{name: "search", method: "GET", path: "/api/v1/search?q=DeepSeek&size=100", want: 200},
		{name: "search inferred", method: "GET", path: "/api/v1/search?q=%E4%BF%A1%E5%88%9B&bank_type=city_commercial", want: 200},
		{name: "search policies", method: "GET", path: "/api/v1/search?kind=policy&region=jiangsu&year=2025&page=1&size=5&noinfer=region", want: 200},
		{name: "search corrected", method: "GET", path: "/api/v1/search?q=deepseak", want: 200},
		{name: "search with policies apart", method: "GET", path: "/api/v1/search?q=%E6%95%B0%E5%AD%97%E9%87%91%E8%9E%8D", want: 200},
		{name: "search cases and policies in one list", method: "GET", path: "/api/v1/search?q=%E6%95%B0%E5%AD%97%E9%87%91%E8%9E%8D&kind=all", want: 200},
		{name: "search everything", method: "GET", path: "/api/v1/search?infer=false", headers: []string{"Cache-Control", "no-cache"}, want: 200},
		{name: "search unknown theme", method: "GET", path: "/api/v1/search?theme=nonsense", want: 400},
		{name: "search page too deep", method: "GET", path: "/api/v1/search?page=9999&size=100", want: 400},
		{name: "suggest", method: "GET", path: "/api/v1/suggest?q=%E6%B1%9F%E8%8B%8F", want: 200},
		{name: "suggest nothing", method: "GET", path: "/api/v1/suggest", want: 200},

		{name: "case", method: "GET", path: "/api/v1/cases/r2025-t1-4-jiangsu-bank", want: 200},
		{name: "case unknown", method: "GET", path: "/api/v1/cases/no-such-case", want: 404},
		{name: "similar", method: "GET", path: "/api/v1/cases/r2025-t1-4-jiangsu-bank/similar?size=20", want: 200},
		{name: "similar too many", method: "GET", path: "/api/v1/cases/r2025-t1-4-jiangsu-bank/similar?size=101", want: 400, invalid: true},
		{name: "similar unknown", method: "GET", path: "/api/v1/cases/no-such-case/similar", want: 404},
		{name: "history", method: "GET", path: "/api/v1/cases/r2025-t1-4-jiangsu-bank/history", want: 200},
		{name: "history unknown", method: "GET", path: "/api/v1/cases/no-such-case/history", want: 404},
		{name: "cite bibtex", method: "GET", path: "/api/v1/cases/r2025-t1-4-jiangsu-bank/cite", want: 200},
		{name: "cite ris", method: "GET", path: "/api/v1/cases/r2025-t1-4-jiangsu-bank/cite?format=ris", want: 200},
		{name: "cite csl", method: "GET", path: "/api/v1/cases/r2025-t1-4-jiangsu-bank/cite?format=csl", want: 200},
		{name: "cite unknown format", method: "GET", path: "/api/v1/cases/r2025-t1-4-jiangsu-bank/cite?format=doc", want: 400, invalid: true},
		{name: "cite unknown case", method: "GET", path: "/api/v1/cases/no-such-case/cite", want: 404},
		{name: "cite ids", method: "GET", path: "/api/v1/cite?ids=r2025-t1-4-jiangsu-bank&ids=r2025-t1-4-sushang-bank&format=csl", want: 200},
		{name: "cite search", method: "GET", path: "/api/v1/cite?q=DeepSeek&bank_type=city_commercial&format=ris", want: 200},
		{name: "cite unknown ids", method: "GET", path: "/api/v1/cite?ids=no-such-case", want: 404},

		{name: "taxonomy", method: "GET", path: "/api/v1/taxonomy", want: 200},
		{name: "glossary", method: "GET", path: "/api/v1/glossary", want: 200},
		{name: "banks", method: "GET", path: "/api/v1/banks", want: 200},
		{name: "bank", method: "GET", path: "/api/v1/banks/jiangsu-bank", want: 200},
		{name: "bank unknown", method: "GET", path: "/api/v1/banks/no-such-bank", want: 404},
		{name: "policies", method: "GET", path: "/api/v1/policies", want: 200},
		{name: "policy", method: "GET", path: "/api/v1/policies/p2025-t1-1-jiangsu-digital-finance-work-plan", want: 200},
		{name: "policy unknown", method: "GET", path: "/api/v1/policies/no-such-policy", want: 404},
		{name: "stats", method: "GET", path: "/api/v1/stats", want: 200},
		{name: "export jsonl", method: "GET", path: "/api/v1/export", want: 200},
		{name: "export csv of a search", method: "GET", path: "/api/v1/export?format=csv&q=DeepSeek", want: 200},
		{name: "export unknown format", method: "GET", path: "/api/v1/export?format=xml", want: 400, invalid: true},

		{name: "backup", method: "GET", path: "/api/v1/backup", token: ad, want: 200},
		{name: "backup anonymous", method: "GET", path: "/api/v1/backup", want: 401, invalid: true},
		{name: "backup by an editor", method: "GET", path: "/api/v1/backup", token: ed, want: 403},

		{name: "create case", method: "POST", path: "/api/v1/cases", token: ed, ctype: J, body: caseJSON(nil), want: 201},
		{name: "create anonymously", method: "POST", path: "/api/v1/cases", ctype: J, body: caseJSON(nil), want: 401, invalid: true},
		{name: "create as text", method: "POST", path: "/api/v1/cases", token: ed, ctype: "text/plain", body: caseJSON(nil), want: 415, invalid: true},
		{name: "create malformed", method: "POST", path: "/api/v1/cases", token: ed, ctype: J, body: `{"kind":`, want: 400, invalid: true},
		{name: "create unknown field", method: "POST", path: "/api/v1/cases", token: ed, ctype: J, body: caseJSON(func(m map[string]any) { m["admin"] = true }), want: 400, invalid: true},
		{name: "create invalid", method: "POST", path: "/api/v1/cases", token: ed, ctype: J, body: `{"kind":"case"}`, want: 422},
		{name: "create bank conflict", method: "POST", path: "/api/v1/cases", token: ed, ctype: J,
			body: caseJSON(func(m map[string]any) {
				m["bank"] = map[string]any{"name": "江苏银行", "type": "private", "region": "jiangsu"}
			}), want: 409},
		{name: "create too large", method: "POST", path: "/api/v1/cases", token: ed, ctype: J, body: strings.Repeat(" ", api.MaxBodyBytes+1), want: 413, invalid: true},

		{name: "replace case", method: "PUT", path: "/api/v1/cases/r2025-t1-4-sushang-bank", token: ed, ctype: J,
			body: caseJSON(func(m map[string]any) { m["bank"] = map[string]any{"id": "sushang-bank"} }), headers: []string{"If-Match", `"v1"`}, want: 200},
		{name: "replace without version", method: "PUT", path: "/api/v1/cases/r2025-t1-4-jiangsu-bank", token: ed, ctype: J, body: caseJSON(nil), want: 428},
		{name: "replace stale", method: "PUT", path: "/api/v1/cases/r2025-t1-4-beijing-bank", token: ed, ctype: J,
			body: caseJSON(func(m map[string]any) { m["version"] = 7 }), want: 409},
		{name: "replace unknown", method: "PUT", path: "/api/v1/cases/no-such-case", token: ed, ctype: J,
			body: caseJSON(func(m map[string]any) { m["version"] = 1 }), want: 404},
		{name: "replace other id", method: "PUT", path: "/api/v1/cases/r2025-t1-4-jiangsu-bank", token: ed, ctype: J,
			body: caseJSON(func(m map[string]any) { m["id"] = "other"; m["version"] = 1 }), want: 422},
		{name: "retag", method: "PATCH", path: "/api/v1/cases/r2025-t1-4-jiangsu-bank/tags", token: ed, ctype: J,
			body: `{"add":{"themes":["risk"]},"remove":{"dimensions":["application"]},"decisions":{"accepted":["theme:risk"]}}`, headers: []string{"If-Match", `"v1"`}, want: 200},
		{name: "retag unknown theme", method: "PATCH", path: "/api/v1/cases/r2025-t1-4-jiangsu-bank/tags", token: ed, ctype: J, body: `{"add":{"themes":["nope"]}}`, want: 422},
		{name: "delete by an editor", method: "DELETE", path: "/api/v1/cases/r2025-t1-4-qingdao-rcb", token: ed, want: 403},
		{name: "delete", method: "DELETE", path: "/api/v1/cases/r2025-t1-4-qingdao-rcb", token: ad, headers: []string{"If-Match", `"v1"`}, want: 204},
		{name: "delete again", method: "DELETE", path: "/api/v1/cases/r2025-t1-4-qingdao-rcb", token: ad, want: 404},

		{name: "bulk by ids", method: "POST", path: "/api/v1/bulk-tags", token: ed, ctype: J,
			body: `{"ids":["r2025-t1-4-beijing-bank"],"kind":"theme","code":"risk","action":"add"}`, want: 200},
		{name: "bulk by search", method: "POST", path: "/api/v1/bulk-tags", token: ed, ctype: J,
			body: `{"search":{"q":"DeepSeek","filters":{"bank_type":["city_commercial"],"year":[2025]}},"kind":"theme","code":"ai","action":"add","preview":true}`, want: 200},
		{name: "bulk unknown id", method: "POST", path: "/api/v1/bulk-tags", token: ed, ctype: J, body: `{"ids":["nope"],"kind":"theme","code":"ai","action":"add"}`, want: 404},
		{name: "bulk unknown kind", method: "POST", path: "/api/v1/bulk-tags", token: ed, ctype: J, body: `{"ids":["r2025-t1-4-jiangsu-bank"],"kind":"bank","code":"x","action":"add"}`, want: 422, invalid: true},
		{name: "codebook rename", method: "POST", path: "/api/v1/codebook", token: ad, ctype: J, body: `{"op":"rename","code":"risk","zh":"风险管理","preview":true}`, want: 200},
		{name: "codebook merge", method: "POST", path: "/api/v1/codebook", token: ad, ctype: J, body: `{"op":"merge","code":"consumer","into":"inclusive","preview":true}`, want: 200},
		{name: "codebook add existing", method: "POST", path: "/api/v1/codebook", token: ad, ctype: J, body: `{"op":"add","code":"ai","zh":"人工智能","en":"AI"}`, want: 409},
		{name: "codebook by an editor", method: "POST", path: "/api/v1/codebook", token: ed, ctype: J, body: `{"op":"retire","code":"ai"}`, want: 403},
		{name: "codebook unknown op", method: "POST", path: "/api/v1/codebook", token: ad, ctype: J, body: `{"op":"explode","code":"ai"}`, want: 422, invalid: true},
		{name: "suggest tags", method: "POST", path: "/api/v1/suggest-tags", token: ed, ctype: J, body: `{"text":"我行上线国产分布式核心系统，完成信创改造","bank":"杭州银行"}`, want: 200},
		{name: "suggest tags of nothing", method: "POST", path: "/api/v1/suggest-tags", token: ed, ctype: J, body: `{"text":"   "}`, want: 422},
		{name: "replace glossary", method: "PUT", path: "/api/v1/glossary", token: ad, ctype: J, body: `{"entries":[{"en":["core banking system"],"zh":["核心系统"]},{"en":["deepseek"],"zh":["DeepSeek"],"themes":["ai"]},{"en":["deepseek-r1"],"zh":["DeepSeek-R1"],"broader":["DeepSeek"],"related":["core banking system"]}]}`, want: 200},
		{name: "glossary with a control character", method: "PUT", path: "/api/v1/glossary", token: ad, ctype: J, body: `{"entries":[{"en":["a\u001bb"],"zh":["核心"]}]}`, want: 422},
		{name: "put policy", method: "PUT", path: "/api/v1/policies/p2025-t1-1-jiangsu-digital-finance-work-plan", token: ed, ctype: J,
			body: `{"kind":"policy","name":"加快推进江苏省数字金融高质量发展工作方案","date":"2025-07","region":"jiangsu","points":{"zh":"推动科技金融协同创新。","en":"Promotes tech-finance innovation."},"themes":["digital_finance"],"source":{"report":"中小银行数字金融发展研究报告（2025）","year":2025,"section":"1.1.1","table":"表1-1"}}`, want: 200},
		{name: "put policy other id", method: "PUT", path: "/api/v1/policies/p2025-t1-1-jiangsu-digital-finance-work-plan", token: ed, ctype: J, body: `{"id":"other","name":"x"}`, want: 422},

		{name: "import JSON Lines", method: "POST", path: "/api/v1/import", token: ed, ctype: "application/x-ndjson", body: string(line) + "\n", want: 200},
		{name: "import a report", method: "POST", path: "/api/v1/import", token: ed, ctype: "text/plain", body: string(mini), want: 200},
		{name: "import garbage", method: "POST", path: "/api/v1/import", token: ed, ctype: "text/plain", body: "just some words", want: 400},
		{name: "import a bad line", method: "POST", path: "/api/v1/import", token: ed, ctype: "application/x-ndjson", body: string(line) + "\n" + badLine + "\n", want: 422},

		{name: "tokens", method: "GET", path: "/api/v1/tokens", token: ad, want: 200},
		{name: "tokens by an editor", method: "GET", path: "/api/v1/tokens", token: ed, want: 403},
		{name: "create token", method: "POST", path: "/api/v1/tokens", token: ad, ctype: J, body: `{"name":"CI bot","role":"editor"}`, want: 201},
		{name: "create token of no role", method: "POST", path: "/api/v1/tokens", token: ad, ctype: J, body: `{"name":"CI bot","role":"owner"}`, want: 422, invalid: true},
		{name: "revoke unknown token", method: "DELETE", path: "/api/v1/tokens/no-such-token", token: ad, want: 404},
		{name: "garbled token", method: "GET", path: "/api/v1/tokens", token: "cb_not-a-token", want: 401},
	}
	for _, x := range exchanges {
		cc.do(t, w.ts.URL, x)
	}

	// A token revoked through the API, then refused.
	_, body := cc.do(t, w.ts.URL, exchange{name: "token to revoke", method: "POST", path: "/api/v1/tokens", token: ad, ctype: J, body: `{"name":"short-lived","role":"editor"}`, want: 201})
	var created api.NewTokenJSON
	json.Unmarshal(body, &created)
	cc.do(t, w.ts.URL, exchange{name: "revoke token", method: "DELETE", path: "/api/v1/tokens/" + created.Token.ID, token: ad, want: 204})
	cc.do(t, w.ts.URL, exchange{name: "revoked token", method: "POST", path: "/api/v1/bulk-tags", token: created.Secret, ctype: J,
		body: `{"ids":["r2025-t1-4-beijing-bank"],"kind":"theme","code":"risk","action":"add","preview":true}`, want: 401})

	// A signed-in browser: the session cookie with its CSRF token, and
	// without it.
	id, sess, err := w.store.CreateSession(context.Background(), ed)
	if err != nil {
		t.Fatal(err)
	}
	cookie := "casebank_session=" + id
	preview := `{"ids":["r2025-t1-4-beijing-bank"],"kind":"theme","code":"risk","action":"add","preview":true}`
	cc.do(t, w.ts.URL, exchange{name: "session write", method: "POST", path: "/api/v1/bulk-tags", ctype: J, body: preview,
		headers: []string{"Cookie", cookie, "X-CSRF-Token", sess.CSRF}, want: 200})
	cc.do(t, w.ts.URL, exchange{name: "session write without CSRF", method: "POST", path: "/api/v1/bulk-tags", ctype: J, body: preview,
		headers: []string{"Cookie", cookie}, want: 403, invalid: true})

	// Background imports, once the jobs route is served.
	e := (&api.Server{Logger: slog.New(slog.DiscardHandler)}).Echo()
	if !slices.ContainsFunc(e.Routes(), func(r *echo.Route) bool { return r.Method == "GET" && r.Path == "/api/v1/jobs/:id" }) {
		t.Log("GET /api/v1/jobs/{id} is not served yet: the async import is not checked")
		return
	}
	res, _ := cc.do(t, w.ts.URL, exchange{name: "async import", method: "POST", path: "/api/v1/import?async=true", token: ed,
		ctype: "application/x-ndjson", body: string(line) + "\n", want: 202})
	loc := res.Header.Get("Location")
	if loc == "" {
		t.Fatal("async import: 202 without Location")
	}
	// Each state the job shows is checked; the wait only bounds the test.
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(10 * time.Millisecond) {
		_, body := cc.do(t, w.ts.URL, exchange{name: "job", method: "GET", path: loc, token: ed, want: 200})
		var answer struct{ Job struct{ State string } }
		json.Unmarshal(body, &answer)
		if s := answer.Job.State; s == "done" || s == "failed" || s == "" || time.Now().After(deadline) {
			if s != "done" {
				t.Errorf("the job ended %q, want done", s)
			}
			break
		}
	}
	cc.do(t, w.ts.URL, exchange{name: "jobs", method: "GET", path: "/api/v1/jobs", token: ed, want: 200})
	cc.do(t, w.ts.URL, exchange{name: "job unknown", method: "GET", path: "/api/v1/jobs/no-such-job", token: ed, want: 404})
}

// Writes over a token's rate are 429, as documented.
func TestRateLimitedWriteMatchesTheContract(t *testing.T) {
	w := newWriteSite(t, func(s *api.Server) { s.App.WriteRate, s.App.WriteBurst = 1e-6, 1 })
	cc := newContractChecker(t, w.ts.URL)
	preview := `{"ids":["r2025-t1-4-beijing-bank"],"kind":"theme","code":"risk","action":"add","preview":true}`
	cc.do(t, w.ts.URL, exchange{name: "first write", method: "POST", path: "/api/v1/bulk-tags", token: w.editor, ctype: "application/json", body: preview, want: 200})
	cc.do(t, w.ts.URL, exchange{name: "second write", method: "POST", path: "/api/v1/bulk-tags", token: w.editor, ctype: "application/json", body: preview, want: 429})
}

// The reference page and its files are served with their content types,
// the page under a CSP that allows no inline code and nothing from
// elsewhere, and every file it names is served. (No browser: the page's
// rendering under that CSP was checked by hand, see api/docs/README.md.)
func TestDocsPageAndAssets(t *testing.T) {
	ts := newServer(t)
	fetch := func(path string, header ...string) (*http.Response, string) {
		t.Helper()
		req, _ := http.NewRequest("GET", ts.URL+path, nil)
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		return res, string(b)
	}
	res, page := fetch("/api/docs")
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "text/html; charset=UTF-8" {
		t.Fatalf("GET /api/docs: %d %q", res.StatusCode, res.Header.Get("Content-Type"))
	}
	csp := res.Header.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "script-src 'self'", "style-src 'self'", "connect-src 'self'", "frame-ancestors 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("the page's CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe") || strings.Contains(csp, "http") {
		t.Errorf("the page's CSP %q allows inline code or another origin", csp)
	}
	if regexp.MustCompile(`<script(\s[^>]*)?>\s*[^<\s]`).MatchString(page) || strings.Contains(page, "style=") || strings.Contains(page, "//cdn") {
		t.Errorf("the page has inline code, an inline style or a CDN link:\n%s", page)
	}
	want := map[string]string{
		"/api/docs/swagger-ui-bundle.js": "text/javascript; charset=utf-8",
		"/api/docs/init.js":              "text/javascript; charset=utf-8",
		"/api/docs/swagger-ui.css":       "text/css; charset=utf-8",
	}
	for _, m := range regexp.MustCompile(`(?:src|href)="(/api/docs/[^"]+)"`).FindAllStringSubmatch(page, -1) {
		if _, ok := want[m[1]]; !ok {
			t.Errorf("the page names %s, which this test does not expect", m[1])
		}
	}
	want["/api/docs/LICENSE"] = "text/plain; charset=UTF-8"
	want["/api/docs/NOTICE"] = "text/plain; charset=UTF-8"
	want["/api/docs/swagger-ui-bundle.js.LICENSE.txt"] = "text/plain; charset=UTF-8"
	for path, ct := range want {
		res, body := fetch(path)
		if res.StatusCode != 200 || res.Header.Get("Content-Type") != ct || len(body) == 0 || res.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("GET %s: %d %q, %d bytes; want 200 %q", path, res.StatusCode, res.Header.Get("Content-Type"), len(body), ct)
			continue
		}
		if res2, _ := fetch(path, "If-None-Match", res.Header.Get("ETag")); res2.StatusCode != http.StatusNotModified {
			t.Errorf("GET %s with its ETag: %d, want 304", path, res2.StatusCode)
		}
	}
	if _, init := fetch("/api/docs/init.js"); !strings.Contains(init, `"/api/v1/openapi.json"`) || !strings.Contains(init, "validatorUrl: null") {
		t.Errorf("init.js does not load the server's own document, or sends it to a validator:\n%s", init)
	}
	if _, css := fetch("/api/docs/swagger-ui.css"); regexp.MustCompile(`url\(["']?(https?:)?//`).MatchString(css) || strings.Contains(css, "@import") {
		t.Error("the stylesheet loads something from elsewhere")
	}
	for _, path := range []string{"/api/docs/index.html", "/api/docs/README.md", "/api/docs/..%2Fopenapi.go"} {
		if res, _ := fetch(path); res.StatusCode != 404 || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
			t.Errorf("GET %s: %d %q, want a JSON 404", path, res.StatusCode, res.Header.Get("Content-Type"))
		}
	}
	res, doc := fetch("/api/v1/openapi.json")
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/json" || doc != string(api.OpenAPI) {
		t.Errorf("GET /api/v1/openapi.json: %d %q", res.StatusCode, res.Header.Get("Content-Type"))
	}
}

// jsonFields lists the JSON names of a struct's fields, embedded ones
// flattened, as encoding/json reads them.
func jsonFields(t reflect.Type) []string {
	var out []string
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch {
		case name == "-" || !f.IsExported() && !f.Anonymous:
		case f.Anonymous && name == "":
			out = append(out, jsonFields(f.Type)...)
		case name == "":
			out = append(out, f.Name)
		default:
			out = append(out, name)
		}
	}
	return out
}

// The request schemas name exactly the fields the handlers decode: the
// server refuses an unknown field (400), so a schema with a field too many
// promises what is refused, and one with a field too few (they all forbid
// others) refuses what the server takes.
func TestRequestSchemasNameEveryField(t *testing.T) {
	doc := loadContract(t)
	schema := func(name string) *openapi3.Schema { return doc.Components.Schemas[name].Value }
	for _, c := range []struct {
		name   string
		schema *openapi3.Schema
		goType any
		extra  []string // fields the handler's wrapper adds
	}{
		{"CaseWrite", schema("CaseWrite"), corpus.Case{}, nil},
		{"BankWrite", schema("BankWrite"), corpus.Bank{}, nil},
		{"Figure", schema("Figure"), corpus.Figure{}, nil},
		{"SourceWrite", schema("SourceWrite"), corpus.Source{}, nil},
		{"TextWrite", schema("TextWrite"), corpus.Text{}, nil},
		{"PolicyWrite", schema("PolicyWrite"), corpus.Policy{}, nil},
		{"TagPatch", schema("TagPatch"), corpus.TagPatch{}, nil},
		{"TagLists", schema("TagLists"), corpus.TagLists{}, nil},
		{"Decisions", schema("Decisions"), corpus.Decisions{}, nil},
		{"BulkTagRequest", schema("BulkTagRequest"), corpus.BulkTag{}, []string{"search"}},
		{"CodebookChange", schema("CodebookChange"), corpus.CodebookChange{}, nil},
		{"Glossary", schema("Glossary"), corpus.Glossary{}, nil},
		{"Glossary entry", schema("Glossary").Properties["entries"].Value.Items.Value, corpus.GlossaryEntry{}, nil},
		{"Draft", schema("Draft"), tagger.Draft{}, nil},
	} {
		want := append(jsonFields(reflect.TypeOf(c.goType)), c.extra...)
		var have []string
		for p := range c.schema.Properties {
			have = append(have, p)
		}
		slices.Sort(want)
		slices.Sort(have)
		if !slices.Equal(want, have) {
			t.Errorf("schema %s has properties %v; the handler decodes %v", c.name, have, want)
		}
		if ap := c.schema.AdditionalProperties.Has; ap == nil || *ap {
			t.Errorf("schema %s allows other properties; the server refuses them", c.name)
		}
	}
	// The facets: filters in a body, the facet fields of an answer, the
	// fields noinfer takes.
	facets := corpus.FacetNames()
	slices.Sort(facets)
	var filter []string
	for p := range schema("Filter").Properties {
		filter = append(filter, p)
	}
	slices.Sort(filter)
	if !slices.Equal(filter, facets) {
		t.Errorf("schema Filter has %v; the facets are %v", filter, facets)
	}
	for name, enum := range map[string][]any{
		"Facet.field": schema("Facet").Properties["field"].Value.Enum,
		"noinfer":     doc.Components.Parameters["NoInfer"].Value.Schema.Value.Items.Value.Enum,
	} {
		var got []string
		for _, v := range enum {
			got = append(got, v.(string))
		}
		slices.Sort(got)
		if !slices.Equal(got, facets) {
			t.Errorf("%s takes %v; the facets are %v", name, got, facets)
		}
	}
}
