package api_test

import (
	"strings"
	"testing"

	"casebank/api"
	"casebank/corpus"
)

// An admin replaces the glossary through the API, and searches expand
// through the new entry at once; bad glossaries are 422 and change nothing.
func TestPutGlossary(t *testing.T) {
	w := newWriteSite(t)
	var g corpus.Glossary
	if code := w.do(t, "GET", "/api/v1/glossary", "", nil, &g); code != 200 || len(g.Entries) == 0 {
		t.Fatalf("GET glossary: %d, %d entries", code, len(g.Entries))
	}
	var res api.SearchJSON
	if w.do(t, "GET", "/api/v1/search?q=quokka+wombat", "", nil, &res); res.Total != 0 {
		t.Fatalf("quokka wombat finds %d before the glossary knows it", res.Total)
	}
	g.Entries = append(g.Entries, corpus.GlossaryEntry{EN: []string{"quokka wombat"}, ZH: []string{"智能问答助手"}})
	if code := w.do(t, "PUT", "/api/v1/glossary", w.editor, g, nil); code != 403 {
		t.Fatalf("an editor replaced the glossary: %d", code)
	}
	if code := w.do(t, "PUT", "/api/v1/glossary", w.admin, g, nil); code != 200 {
		t.Fatalf("PUT glossary: %d", code)
	}
	w.do(t, "GET", "/api/v1/search?q=quokka+wombat", "", nil, &res)
	found := false
	for _, h := range res.Hits {
		found = found || h.ID == "r2025-t1-4-chengdu-bank"
	}
	if !found {
		t.Fatalf("quokka wombat, now a glossary entry for 智能问答助手, finds %d hits without the Chengdu case", res.Total)
	}

	for name, bad := range map[string]corpus.GlossaryEntry{
		"no Chinese":   {EN: []string{"lonely"}},
		"a long term":  {EN: []string{"long"}, ZH: []string{strings.Repeat("长", corpus.MaxLabel+1)}},
		"a shared EN":  {EN: []string{"quokka wombat"}, ZH: []string{"别的"}},
		"a control ch": {EN: []string{"bell\a"}, ZH: []string{"铃"}},
	} {
		withBad := corpus.Glossary{Entries: append(append([]corpus.GlossaryEntry{}, g.Entries...), bad)}
		var body struct {
			Error struct{ Code, Message string }
		}
		if code := w.do(t, "PUT", "/api/v1/glossary", w.admin, withBad, &body); code != 422 {
			t.Errorf("%s: %d %+v", name, code, body)
		}
	}
	var now corpus.Glossary
	if w.do(t, "GET", "/api/v1/glossary", "", nil, &now); len(now.Entries) != len(g.Entries) {
		t.Fatalf("refused glossaries changed it: %d entries, want %d", len(now.Entries), len(g.Entries))
	}
}

// An editor adds a policy; it is stored, searchable, and refused when the
// body names another id or a region nobody knows.
func TestPutPolicy(t *testing.T) {
	w := newWriteSite(t)
	p := map[string]any{"name": "测试用数字金融扶持政策", "name_en": "A test policy", "issuer": "测试监管局",
		"date": "2026-03", "region": "jiangsu", "themes": []string{"ai"}, "points": map[string]any{"zh": "要点。", "en": "Points."}}
	if code := w.do(t, "PUT", "/api/v1/policies/test-policy", "", p, nil); code != 401 {
		t.Fatalf("anonymous PUT policy: %d", code)
	}
	var stored corpus.Policy
	if code := w.do(t, "PUT", "/api/v1/policies/test-policy", w.editor, p, &stored); code != 200 || stored.ID != "test-policy" {
		t.Fatalf("PUT policy: %d %+v", code, stored)
	}
	var res api.SearchJSON
	w.do(t, "GET", "/api/v1/search?kind=policy&q=测试用数字金融扶持政策", "", nil, &res)
	if res.Total == 0 || res.Hits[0].ID != "test-policy" {
		t.Fatalf("the new policy is not found: %d hits", res.Total)
	}
	p["id"] = "other-id"
	if code := w.do(t, "PUT", "/api/v1/policies/test-policy", w.editor, p, nil); code != 422 {
		t.Fatalf("an id other than the URL's: %d", code)
	}
	p["id"], p["region"] = "test-policy", "atlantis"
	if code := w.do(t, "PUT", "/api/v1/policies/test-policy", w.editor, p, nil); code != 422 {
		t.Fatalf("an unknown region: %d", code)
	}
}

// Admins manage tokens over the API: a new token's secret is shown once,
// no answer carries a hash, and bad names and unknown ids are refused.
func TestTokensAPI(t *testing.T) {
	w := newWriteSite(t)
	var created api.NewTokenJSON
	if code := w.do(t, "POST", "/api/v1/tokens", w.admin, map[string]string{"name": "新编辑", "role": "editor"}, &created); code != 201 ||
		!strings.HasPrefix(created.Secret, "cb_") || created.Token.Role != "editor" {
		t.Fatalf("create: %d %+v", code, created)
	}
	if code := w.do(t, "POST", "/api/v1/tokens", w.editor, map[string]string{"name": "x", "role": "admin"}, nil); code != 403 {
		t.Fatalf("an editor made a token: %d", code)
	}
	for name, body := range map[string]map[string]string{
		"no name":   {"role": "editor"},
		"long name": {"name": strings.Repeat("名", corpus.MaxName+1), "role": "editor"},
		"bad role":  {"name": "x", "role": "owner"},
	} {
		if code := w.do(t, "POST", "/api/v1/tokens", w.admin, body, nil); code != 422 {
			t.Errorf("%s: %d, want 422", name, code)
		}
	}
	var raw map[string][]map[string]any
	if code := w.do(t, "GET", "/api/v1/tokens", w.admin, nil, &raw); code != 200 || len(raw["tokens"]) != 3 {
		t.Fatalf("list: %d %v", code, raw)
	}
	for _, tok := range raw["tokens"] {
		if _, ok := tok["hash"]; ok {
			t.Fatalf("a token's hash is shown: %v", tok)
		}
	}
	if code := w.do(t, "DELETE", "/api/v1/tokens/"+created.Token.ID, w.admin, nil, nil); code != 204 {
		t.Fatalf("revoke: %d", code)
	}
	if code := w.do(t, "PATCH", "/api/v1/cases/r2025-t1-4-chengdu-bank/tags", created.Secret, map[string]any{"add": map[string]any{"themes": []string{"ai"}}}, nil); code != 401 {
		t.Fatalf("the revoked token still writes: %d", code)
	}
	if code := w.do(t, "DELETE", "/api/v1/tokens/tnope", w.admin, nil, nil); code != 404 {
		t.Fatalf("revoke an unknown token: %d", code)
	}
}
