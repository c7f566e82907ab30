package api_test

import (
	"slices"
	"strings"
	"testing"

	"casebank/corpus"
)

// Wherever a write takes a code it takes the code's labels and aliases in
// either language too, and stores the code; a value that names nothing is a
// 422 that names the closest value when there is one.
func TestWritesTakeLabelsAndAliases(t *testing.T) {
	w := newWriteSite(t)
	c := newCaseJSON("labels-case")
	c["dimensions"] = []string{"技术", "Application"}
	c["themes"] = []string{"人工智能", "tech finance", "普惠"}
	var got corpus.Case
	if code := w.do(t, "POST", "/api/v1/cases", w.editor, c, &got); code != 201 {
		t.Fatalf("create with labels: %d", code)
	}
	if !slices.Equal(got.Dimensions, []string{"technology", "application"}) || !slices.Equal(got.Themes, []string{"ai", "tech_finance", "inclusive"}) {
		t.Fatalf("stored %v %v, want the codes", got.Dimensions, got.Themes)
	}

	patch := map[string]any{"add": map[string]any{"themes": []string{"信创"}}, "remove": map[string]any{"themes": []string{"人工智能"}}}
	if code := w.do(t, "PATCH", "/api/v1/cases/labels-case/tags", w.editor, patch, &got); code != 200 {
		t.Fatalf("patch with labels: %d", code)
	}
	if !slices.Equal(got.Themes, []string{"tech_finance", "inclusive", "xinchuang"}) {
		t.Fatalf("after add 信创 and remove 人工智能: %v", got.Themes)
	}

	bulk := map[string]any{"ids": []string{"labels-case"}, "kind": "theme", "code": "绿色金融", "action": "add"}
	if code := w.do(t, "POST", "/api/v1/bulk-tags", w.editor, bulk, nil); code != 200 {
		t.Fatalf("bulk tag by label: %d", code)
	}
	stored, _ := w.store.FindCaseByID(t.Context(), "labels-case")
	if !slices.Contains(stored.Themes, "green") {
		t.Fatalf("bulk add 绿色金融: %v", stored.Themes)
	}

	nb := newCaseJSON("labels-new-bank")
	nb["bank"] = map[string]any{"id": "labels-test-bank", "name": "测试标签银行", "type": "城商行", "region": "四川"}
	if code := w.do(t, "POST", "/api/v1/cases", w.editor, nb, &got); code != 201 {
		t.Fatalf("create with a new bank by labels: %d", code)
	}
	if b, err := w.store.FindBankByID(t.Context(), "labels-test-bank"); err != nil || b.Type != "city_commercial" || b.Region != "sichuan" {
		t.Fatalf("new bank stored as %+v (%v)", b, err)
	}

	p := map[string]any{"name": "标签测试政策", "date": "2026", "region": "江苏", "themes": []string{"AI"}}
	var pol corpus.Policy
	if code := w.do(t, "PUT", "/api/v1/policies/labels-policy", w.editor, p, &pol); code != 200 || pol.Region != "jiangsu" || !slices.Equal(pol.Themes, []string{"ai"}) {
		t.Fatalf("policy by labels: %d %+v", code, pol)
	}

	bad := newCaseJSON("labels-bad")
	bad["themes"] = []string{"tech_financ"}
	var body struct {
		Error struct {
			Fields []corpus.FieldError `json:"fields"`
		} `json:"error"`
	}
	if code := w.do(t, "POST", "/api/v1/cases", w.editor, bad, &body); code != 422 || len(body.Error.Fields) == 0 ||
		!strings.Contains(body.Error.Fields[0].Message, "did you mean tech_finance (科技金融") {
		t.Fatalf("a near miss: %d %+v", code, body.Error.Fields)
	}
}
