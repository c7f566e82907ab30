package api_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"casebank/corpus"
	"casebank/corpus/app"
)

// At least forty bad requests: each gets a precise 4xx JSON error, the server
// stays healthy, and nothing is written.
func TestHostileRequests(t *testing.T) {
	w := newWriteSite(t)
	ctx := context.Background()
	_, revoked, _ := w.store.CreateToken(ctx, "gone", corpus.RoleAdmin)
	w.store.RevokeToken(ctx, revoked.ID)
	revokedSecret, _, _ := w.store.CreateToken(ctx, "gone-too", corpus.RoleEditor)
	tokens, _ := w.store.Tokens(ctx)
	for _, tk := range tokens {
		if tk.Name == "gone-too" {
			w.store.RevokeToken(ctx, tk.ID)
		}
	}
	valid := func(edit func(m map[string]any)) string {
		m := newCaseJSON("hostile-x")
		edit(m)
		b, _ := json.Marshal(m)
		return string(b)
	}
	script := `<script>alert(1)</script>`
	ed := w.editor
	type req struct {
		name, method, path, token, body, ctype string
		want                                   int
	}
	reqs := []req{
		{"truncated JSON", "POST", "/api/v1/cases", ed, `{"id":"a","title":{"zh":"x"`, "", 400},
		{"malformed JSON", "POST", "/api/v1/cases", ed, `{id: 'a'}`, "", 400},
		{"JSON array", "POST", "/api/v1/cases", ed, `[1,2,3]`, "", 400},
		{"empty body", "POST", "/api/v1/cases", ed, ``, "", 400},
		{"two objects", "POST", "/api/v1/cases", ed, `{} {}`, "", 400},
		{"wrong type year", "POST", "/api/v1/cases", ed, valid(func(m map[string]any) { m["year"] = "2025" }), "", 400},
		{"wrong type themes", "POST", "/api/v1/cases", ed, valid(func(m map[string]any) { m["themes"] = "ai" }), "", 400},
		{"unknown field", "POST", "/api/v1/cases", ed, valid(func(m map[string]any) { m["admin"] = true }), "", 400},
		{"unknown theme", "POST", "/api/v1/cases", ed, valid(func(m map[string]any) { m["themes"] = []string{"crypto"} }), "", 422},
		{"unknown dimension", "POST", "/api/v1/cases", ed, valid(func(m map[string]any) { m["dimensions"] = []string{"x"} }), "", 422},
		{"missing bank", "POST", "/api/v1/cases", ed, valid(func(m map[string]any) { delete(m, "bank") }), "", 422},
		{"unregistered bank", "POST", "/api/v1/cases", ed, valid(func(m map[string]any) { m["bank"] = map[string]any{"id": "nobody"} }), "", 422},
		{"missing title and body", "POST", "/api/v1/cases", ed, valid(func(m map[string]any) { delete(m, "title"); delete(m, "body"); delete(m, "summary") }), "", 422},
		{"bad year", "POST", "/api/v1/cases", ed, valid(func(m map[string]any) { m["year"] = 99999 }), "", 422},
		{"id with ../", "POST", "/api/v1/cases", ed, valid(func(m map[string]any) { m["id"] = "../../etc/passwd" }), "", 422},
		{"id with NUL", "POST", "/api/v1/cases", ed, valid(func(m map[string]any) { m["id"] = "a\x00b" }), "", 422},
		{"NUL in body", "POST", "/api/v1/cases", ed, valid(func(m map[string]any) { m["body"] = "a\x00b" }), "", 422},
		{"ESC in title", "POST", "/api/v1/cases", ed, valid(func(m map[string]any) { m["title"] = map[string]any{"zh": "标题\x1b[2J"} }), "", 422},
		{"BEL in a product", "POST", "/api/v1/cases", ed, valid(func(m map[string]any) { m["products"] = []string{"\a"} }), "", 422},
		{"invalid UTF-8", "POST", "/api/v1/cases", ed, `{"id":"u","body":"` + "\xff\xfe" + `"}`, "", 400},
		{"10 MB body", "POST", "/api/v1/cases", ed, strings.Repeat("x", 10<<20), "", 413},
		{"text/plain body", "POST", "/api/v1/cases", ed, `{}`, "text/plain", 415},
		{"XML body", "POST", "/api/v1/cases", ed, `<case/>`, "application/xml", 415},
		{"no token", "POST", "/api/v1/cases", "", valid(func(map[string]any) {}), "", 401},
		{"garbled token", "POST", "/api/v1/cases", "%%%garbled", valid(func(map[string]any) {}), "", 401},
		{"revoked token", "POST", "/api/v1/cases", revokedSecret, valid(func(map[string]any) {}), "", 401},
		{"editor deletes", "DELETE", "/api/v1/cases/r2025-t1-4-jiangsu-bank", ed, "", "", 403},
		{"editor changes codebook", "POST", "/api/v1/codebook", ed, `{"op":"retire","code":"ai"}`, "", 403},
		{"editor takes a backup", "GET", "/api/v1/backup", ed, "", "", 403},
		{"PUT without version", "PUT", "/api/v1/cases/r2025-t1-4-jiangsu-bank", ed, valid(func(m map[string]any) { m["id"] = "r2025-t1-4-jiangsu-bank" }), "", 428},
		{"PUT stale version", "PUT", "/api/v1/cases/r2025-t1-4-jiangsu-bank", ed, valid(func(m map[string]any) { m["id"] = "r2025-t1-4-jiangsu-bank"; m["version"] = 99 }), "", 409},
		{"PUT id mismatch", "PUT", "/api/v1/cases/r2025-t1-4-jiangsu-bank", ed, valid(func(m map[string]any) { m["id"] = "other"; m["version"] = 1 }), "", 422},
		{"PUT unknown case", "PUT", "/api/v1/cases/no-such", ed, valid(func(m map[string]any) { m["id"] = "no-such"; m["version"] = 1 }), "", 404},
		{"PATCH unknown theme", "PATCH", "/api/v1/cases/r2025-t1-4-jiangsu-bank/tags", ed, `{"add":{"themes":["nope"]}}`, "", 422},
		{"PATCH bad If-Match", "PATCH", "/api/v1/cases/r2025-t1-4-jiangsu-bank/tags", ed, `{}`, "", 400},
		{"bulk unknown kind", "POST", "/api/v1/bulk-tags", ed, `{"ids":["r2025-t1-4-jiangsu-bank"],"kind":"bank","code":"x","action":"add"}`, "", 422},
		{"bulk no ids", "POST", "/api/v1/bulk-tags", ed, `{"kind":"theme","code":"ai","action":"add"}`, "", 400},
		{"bulk unknown id", "POST", "/api/v1/bulk-tags", ed, `{"ids":["nope"],"kind":"theme","code":"ai","action":"add"}`, "", 404},
		{"codebook unknown op", "POST", "/api/v1/codebook", w.admin, `{"op":"explode","code":"ai"}`, "", 422},
		{"codebook merge into itself", "POST", "/api/v1/codebook", w.admin, `{"op":"merge","code":"ai","into":"ai"}`, "", 422},
		{"codebook add bad code", "POST", "/api/v1/codebook", w.admin, `{"op":"add","code":"Bad Code!","zh":"x","en":"x"}`, "", 422},
		{"codebook add without labels", "POST", "/api/v1/codebook", w.admin, `{"op":"add","code":"new_theme"}`, "", 422},
		{"codebook add existing", "POST", "/api/v1/codebook", w.admin, `{"op":"add","code":"ai","zh":"x","en":"x"}`, "", 409},
		{"import garbage", "POST", "/api/v1/import", ed, "just some words", "text/plain", 400},
		{"import bad JSONL", "POST", "/api/v1/import", ed, `{"kind":"case","id":"x","nope":1}`, "", 400},
		{"search unterminated quote", "GET", "/api/v1/search?q=%22abc", "", "", "", 400},
		{"search paren", "GET", "/api/v1/search?q=(", "", "", "", 400},
		{"search field colon", "GET", "/api/v1/search?q=theme:", "", "", "", 400},
		{"search regexp", "GET", "/api/v1/search?q=/%5B/", "", "", "", 400},
		{"search slow regexp", "GET", "/api/v1/search?q=/(a%2B)%2B$/", "", "", "", 400},
		{"search 10000 chars", "GET", "/api/v1/search?q=" + strings.Repeat("a", 10000), "", "", "", 400},
		{"search negative page", "GET", "/api/v1/search?page=-3", "", "", "", 400},
		{"search huge size", "GET", "/api/v1/search?size=999999999999", "", "", "", 400},
		{"search repeated unknown codes", "GET", "/api/v1/search?theme=ai&theme=zzz&theme=yyy", "", "", "", 400},
		{"search NUL", "GET", "/api/v1/search?q=a%00b", "", "", "", 400},
		{"search bad UTF-8", "GET", "/api/v1/search?q=%ff%fe", "", "", "", 400},
		{"case id with ../", "GET", "/api/v1/cases/..%2F..%2Fetc%2Fpasswd", "", "", "", 404},
		{"case id with %00", "GET", "/api/v1/cases/a%00b", "", "", "", 404},
		{"unknown citation format", "GET", "/api/v1/cases/r2025-t1-4-jiangsu-bank/cite?format=doc", "", "", "", 400},
		{"suggest empty text", "POST", "/api/v1/suggest-tags", ed, `{"text":"   "}`, "", 422},
		{"suggest anonymously", "POST", "/api/v1/suggest-tags", "", `{"text":"信创"}`, "", 401},
		{"unknown endpoint", "POST", "/api/v1/launch-missiles", ed, `{}`, "", 404},
	}
	if len(reqs) < 40 {
		t.Fatalf("only %d hostile requests", len(reqs))
	}
	seq, _ := w.store.LastSeq()
	for _, r := range reqs {
		req, _ := http.NewRequest(r.method, w.ts.URL+r.path, strings.NewReader(r.body))
		switch {
		case r.ctype != "":
			req.Header.Set("Content-Type", r.ctype)
		case r.body != "":
			req.Header.Set("Content-Type", "application/json")
		}
		if r.token != "" {
			req.Header.Set("Authorization", "Bearer "+r.token)
		}
		if r.name == "PATCH bad If-Match" {
			req.Header.Set("If-Match", "not-a-version")
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("%s: %v", r.name, err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		var e app.ErrorBody
		if res.StatusCode != r.want || json.Unmarshal(body, &e) != nil || e.Error.Code == "" || e.Error.Message == "" {
			t.Errorf("%s: %d %.200s, want %d with a JSON error", r.name, res.StatusCode, body, r.want)
		}
		if strings.Contains(string(body), script) {
			t.Errorf("%s: the answer echoes markup unescaped", r.name)
		}
	}
	if after, _ := w.store.LastSeq(); after != seq {
		t.Fatalf("bad requests wrote %d log entries", after-seq)
	}
	if code := w.do(t, "GET", "/healthz", "", nil, nil); code != 200 {
		t.Fatalf("unhealthy afterwards: %d", code)
	}
}

// Markup in every text field is stored as text and escaped on every page.
func TestHostileTextIsStoredAsText(t *testing.T) {
	w := newWriteSite(t)
	evil := `<script>alert("x")</script><img src=x onerror=alert(1)>" onmouseover="alert(2)`
	m := newCaseJSON("evil-case")
	m["title"] = map[string]any{"zh": evil, "en": evil}
	m["summary"] = map[string]any{"zh": evil, "en": evil}
	m["body"], m["outcome"], m["pattern"] = evil, evil, evil
	m["products"], m["partners"], m["technologies"] = []string{evil}, []string{evil}, []string{evil}
	m["figures"] = []map[string]string{{"label": evil, "value": evil}}
	var created corpus.Case
	if code := w.do(t, "POST", "/api/v1/cases", w.editor, m, &created); code != 201 || created.Body != evil {
		t.Fatalf("create: %d %q", code, created.Body)
	}
}
