package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"casebank/corpus"
	"casebank/corpus/app"
	"casebank/corpus/corpustest"
)

// An import with a bad line past the first batch of 1,000 is refused
// whole with 422 naming the line; before, lines 1-1000 were stored and the
// error named no line.
func TestImportRefusedWholeNamingTheLine(t *testing.T) {
	w := newWriteSite(t)
	before, _ := w.store.CountCases()
	var body bytes.Buffer
	for i := 1; i <= 1500; i++ {
		c := corpustest.NewCase(fmt.Sprintf("imported-%d", i), "jiangsu-bank", "江苏银行导入测试", "导入测试正文。")
		if i == 1200 {
			c.Title.ZH = strings.Repeat("长", corpus.MaxTitle+1)
		}
		line, _ := json.Marshal(c)
		body.Write(append(line, '\n'))
	}
	var eb app.ErrorBody
	code := w.do(t, http.MethodPost, "/api/v1/import", w.editor, body.Bytes(), &eb)
	e := eb.Error
	want := "line 1200: title.zh: at most 300 characters (this one has 301)"
	if code != http.StatusUnprocessableEntity || !strings.Contains(e.Message, want) {
		t.Fatalf("got %d %+v, want 422 with %q", code, e, want)
	}
	if len(e.Fields) != 1 || e.Fields[0].Line != 1200 || e.Fields[0].Field != "title.zh" {
		t.Fatalf("fields: %+v", e.Fields)
	}
	if after, _ := w.store.CountCases(); after != before {
		t.Fatalf("a refused import stored %d cases", after-before)
	}
}
