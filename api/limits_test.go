package api_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"casebank/api"
	"casebank/corpus"
	"casebank/corpus/app"
)

// A write over a field or list limit answers 422 naming the field and the
// limit, in a short answer, and stores nothing: the 6 KB product of the
// outside probe, and 100,000 unknown themes (once 16 s inside the write
// transaction and a 1.4 MB answer echoing them all).
func TestWritesOverLimitsAnswer422(t *testing.T) {
	w := newWriteSite(t)
	themes := make([]string, 100_000)
	for i := range themes {
		themes[i] = fmt.Sprintf("nope%d", i)
	}
	withCase := func(edit func(m map[string]any)) []byte {
		m := newCaseJSON("over-limit")
		edit(m)
		b, _ := json.Marshal(m)
		return b
	}
	tests := []struct {
		name, method, path string
		body               []byte
		field, message     string
	}{
		{"6 KB product", "POST", "/api/v1/cases", withCase(func(m map[string]any) { m["products"] = []string{strings.Repeat("数", 2000)} }),
			"products[0]", "at most 100 characters (this one has 2000)"},
		{"100,000 unknown themes", "POST", "/api/v1/cases", withCase(func(m map[string]any) { m["themes"] = themes }),
			"themes", "at most 30 entries (this one has 100000)"},
		{"100,000 themes to remove", "PATCH", "/api/v1/cases/r2025-t1-4-jiangsu-bank/tags",
			must(json.Marshal(map[string]any{"remove": map[string]any{"themes": themes}})),
			"remove.themes", "at most 30 entries (this one has 100000)"},
		{"100,000 ids", "POST", "/api/v1/bulk-tags",
			must(json.Marshal(map[string]any{"ids": themes, "kind": "theme", "code": "ai", "action": "add"})),
			"ids", "at most 10000 cases in one bulk change (this one names 100000)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if len(tt.body) > api.MaxBodyBytes {
				t.Fatalf("the request is %d bytes, over the body limit", len(tt.body))
			}
			req, _ := http.NewRequest(tt.method, w.ts.URL+tt.path, strings.NewReader(string(tt.body)))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+w.editor)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			data, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusUnprocessableEntity || len(data) > 2000 {
				t.Fatalf("%d, %d bytes: %.500s", res.StatusCode, len(data), data)
			}
			var body app.ErrorBody
			if err := json.Unmarshal(data, &body); err != nil {
				t.Fatal(err)
			}
			found := false
			for _, f := range body.Error.Fields {
				found = found || f.Field == tt.field && strings.HasPrefix(f.Message, tt.message)
			}
			if !found {
				t.Fatalf("fields %+v, want %s: %s", body.Error.Fields, tt.field, tt.message)
			}
		})
	}
	if _, err := w.store.FindCaseByID(t.Context(), "over-limit"); corpus.ErrorCode(err) != corpus.ENOTFOUND {
		t.Fatalf("a case over a limit was stored: %v", err)
	}
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}
