package api

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"testing"

	"github.com/labstack/echo/v4"

	"casebank/corpus"
	"casebank/index"
	"casebank/index/indextest"
)

// The answers' bytes are encoding/json's: goccy/go-json only writes them
// faster. Checked on every judged query's search answer, every stored
// case, the taxonomy and glossary, and hostile text.
func TestJSONSerializerWritesWhatEncodingJSONWrites(t *testing.T) {
	ctx := context.Background()
	store, ix := indextest.MustOpen(t)
	var values []any
	judged, err := index.JudgedQueries()
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range append(judged, index.JudgedQuery{Q: "DeepSeek"}, index.JudgedQuery{Q: "<script>alert('x')</script> & \u2028 \u2029 \x7f"}) {
		res, err := ix.Search(ctx, index.Request{Text: q.Q, Size: 20})
		if err != nil {
			t.Fatal(err)
		}
		values = append(values, SearchResponse(res))
	}
	cases, err := store.FindCases(ctx, corpus.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		values = append(values, c)
	}
	tax, err := store.Taxonomy()
	if err != nil {
		t.Fatal(err)
	}
	values = append(values, tax, map[string]any{"html": "<b>&amp;</b>", "float": 0.1 + 0.2, "big": 1e21, "small": 1e-7, "nil": nil,
		"bad utf-8": "\xff\xfe", "control": "\x00\x01\t\n", "empty": []string{}, "none": []string(nil)})
	e := echo.New()
	for i, v := range values {
		var want bytes.Buffer
		if err := json.NewEncoder(&want).Encode(v); err != nil {
			t.Fatal(err)
		}
		for _, indent := range []string{"", "  "} {
			rec := httptest.NewRecorder()
			c := e.NewContext(httptest.NewRequest("GET", "/", nil), rec)
			if err := (jsonSerializer{}).Serialize(c, v, indent); err != nil {
				t.Fatal(err)
			}
			exp := want.Bytes()
			if indent != "" {
				var ind bytes.Buffer
				json.Indent(&ind, exp, "", indent)
				exp = ind.Bytes()
			}
			if got := rec.Body.Bytes(); !bytes.Equal(bytes.TrimSpace(got), bytes.TrimSpace(exp)) {
				t.Fatalf("value %d (%T), indent %q:\nencoding/json %s\ngo-json       %s", i, v, indent, exp, got)
			}
		}
	}
}
