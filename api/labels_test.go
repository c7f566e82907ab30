package api_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"casebank/api"
	"casebank/corpus"
	"casebank/corpus/app"
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

// A case may name its bank instead of giving its id: a known name or alias
// finds the registry's bank, a new name with a type and a region creates
// one, and a known bank named with another type or region is a conflict.
func TestCasesNameTheirBank(t *testing.T) {
	w := newWriteSite(t)
	var got corpus.Case
	known := newCaseJSON("bank-by-name")
	known["bank"] = map[string]any{"name": "江苏银行"}
	if code := w.do(t, "POST", "/api/v1/cases", w.editor, known, &got); code != 201 || got.Bank.ID != "jiangsu-bank" {
		t.Fatalf("a case of 江苏银行 by name: %d, bank %+v", code, got.Bank)
	}
	byAlias := newCaseJSON("bank-by-alias")
	byAlias["bank"] = map[string]any{"name": "重庆农商行", "type": "农商行"}
	if code := w.do(t, "POST", "/api/v1/cases", w.editor, byAlias, &got); code != 201 || got.Bank.ID != "chongqing-rcb" {
		t.Fatalf("a case of 重庆农商行 by alias: %d, bank %+v", code, got.Bank)
	}
	fresh := newCaseJSON("bank-new-by-name")
	fresh["bank"] = map[string]any{"name": "测试新建村镇银行", "type": "村镇银行", "region": "浙江"}
	if code := w.do(t, "POST", "/api/v1/cases", w.editor, fresh, &got); code != 201 || got.Bank.ID == "" || got.Bank.Type != "village" || got.Bank.Region != "zhejiang" {
		t.Fatalf("a case of a new bank by name: %d, bank %+v", code, got.Bank)
	}
	if b, err := w.store.FindBankByName(t.Context(), "测试新建村镇银行"); err != nil || b.ID != got.Bank.ID {
		t.Fatalf("the new bank is not in the registry: %+v %v", b, err)
	}
	clash := newCaseJSON("bank-clash")
	clash["bank"] = map[string]any{"name": "江苏银行", "type": "rural_commercial"}
	var body struct {
		Error struct{ Code, Message string }
	}
	if code := w.do(t, "POST", "/api/v1/cases", w.editor, clash, &body); code != 409 || !strings.Contains(body.Error.Message, "jiangsu-bank") {
		t.Fatalf("江苏银行 as a rural bank: %d %+v", code, body)
	}
	unknown := newCaseJSON("bank-unknown")
	unknown["bank"] = map[string]any{"name": "无此银行"}
	if code := w.do(t, "POST", "/api/v1/cases", w.editor, unknown, nil); code != 422 {
		t.Fatalf("a new bank without type and region: %d", code)
	}
}

// A 422 for an unknown code names the field, the value, the closest value
// and the allowed values with their labels, in the message in short and in
// the field's "allowed" as {code, zh, en}; a long list (regions) gives the
// closest ten and "allowed_more".
func TestUnknownCodeErrorsListAllowedValues(t *testing.T) {
	w := newWriteSite(t)
	bad := newCaseJSON("allowed-theme")
	bad["themes"] = []string{"tech_financ"}
	code, _, data := w.post(t, "/api/v1/cases", w.editor, mustJSON(t, bad), "Content-Type", "application/json")
	var raw struct {
		Error struct {
			Message string `json:"message"`
			Fields  []struct {
				Field       string           `json:"field"`
				Message     string           `json:"message"`
				Allowed     []map[string]any `json:"allowed"`
				AllowedMore int              `json:"allowed_more"`
			} `json:"fields"`
		} `json:"error"`
	}
	if err := json.Unmarshal(data, &raw); code != 422 || err != nil || len(raw.Error.Fields) != 1 {
		t.Fatalf("unknown theme: %d %s", code, data)
	}
	f := raw.Error.Fields[0]
	if f.Field != "themes" || len(f.Allowed) != 25 || f.AllowedMore != 0 ||
		f.Allowed[0]["code"] != "ai" || f.Allowed[0]["zh"] != "人工智能" || f.Allowed[0]["en"] != "artificial intelligence" ||
		!strings.Contains(f.Message, `unknown theme "tech_financ"; did you mean tech_finance (科技金融, tech finance)?; allowed: tech_finance 科技金融 tech finance, `) ||
		!strings.Contains(raw.Error.Message, "allowed: ") {
		t.Fatalf("unknown theme: %s", data)
	}

	region := newCaseJSON("allowed-region")
	region["bank"] = map[string]any{"id": "allowed-test-bank", "name": "允许值测试银行", "type": "城商行", "region": "四州"}
	code, _, data = w.post(t, "/api/v1/cases", w.editor, mustJSON(t, region), "Content-Type", "application/json")
	raw.Error.Fields = nil
	if err := json.Unmarshal(data, &raw); code != 422 || err != nil || len(raw.Error.Fields) != 1 {
		t.Fatalf("unknown region: %d %s", code, data)
	}
	f = raw.Error.Fields[0]
	if f.Field != "bank.region" || len(f.Allowed) != 10 || f.AllowedMore != 30 || f.Allowed[0]["code"] != "sichuan" ||
		!strings.Contains(f.Message, "and 35 more") {
		t.Fatalf("unknown region: %s", data)
	}

	// A search filter's unknown code (400) lists them the same way.
	var e app.ErrorBody
	if code := w.do(t, "GET", "/api/v1/search?dimension=strategyy", "", nil, &e); code != 400 || len(e.Error.Fields) != 1 ||
		len(e.Error.Fields[0].Allowed) != 6 || e.Error.Fields[0].Allowed[0] != (corpus.AllowedValue{Code: "strategy", ZH: "战略", EN: "strategy"}) ||
		!strings.Contains(e.Error.Message, "did you mean strategy") {
		t.Fatalf("unknown dimension filter: %d %+v", code, e.Error)
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// A replaced case (PUT) and the records of a JSONL import, synchronous or as
// a job, take labels and aliases where they take codes, the bank by name
// too, and store the codes.
func TestReplaceAndImportTakeLabelsAndAliases(t *testing.T) {
	w := newWriteSite(t)
	t.Run("PUT", func(t *testing.T) { replaceTakesLabels(t, w) })
	t.Run("import", func(t *testing.T) { importTakesLabels(t, w) })
}

func replaceTakesLabels(t *testing.T, w *writeSite) {
	var got corpus.Case
	if code := w.do(t, "POST", "/api/v1/cases", w.editor, newCaseJSON("labels-put"), &got); code != 201 {
		t.Fatalf("create: %d", code)
	}
	c := newCaseJSON("labels-put")
	c["version"] = got.Version
	c["dimensions"] = []string{"战略层面", "Application"}
	c["themes"] = []string{"绿色金融", "信创", "AI"}
	if code := w.do(t, "PUT", "/api/v1/cases/labels-put", w.editor, c, &got); code != 200 {
		t.Fatalf("replace with labels: %d", code)
	}
	if !slices.Equal(got.Dimensions, []string{"strategy", "application"}) || !slices.Equal(got.Themes, []string{"green", "xinchuang", "ai"}) {
		t.Fatalf("replaced as %v %v, want the codes", got.Dimensions, got.Themes)
	}
}

func importTakesLabels(t *testing.T, w *writeSite) {
	line := func(id, bankName string, themes ...string) []byte {
		c := newCaseJSON(id)
		c["bank"] = map[string]any{"name": bankName}
		c["dimensions"] = []string{"技术层面"}
		c["themes"] = themes
		b, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		return append(b, '\n')
	}
	body := append(line("labels-import-1", "江苏银行", "人工智能", "green finance"), line("labels-import-2", "江苏银行股份有限公司", "普惠")...)
	if code, _, data := w.post(t, "/api/v1/import", w.editor, body); code != 200 {
		t.Fatalf("import with labels: %d %s", code, data)
	}
	job := w.waitJob(t, w.startJob(t, "/api/v1/import?async=true", line("labels-import-3", "江苏银行", "科技金融")).ID, api.JobDone, api.JobFailed)
	if job.State != api.JobDone {
		t.Fatalf("import job with labels: %+v", job)
	}
	for id, want := range map[string][]string{
		"labels-import-1": {"ai", "green"},
		"labels-import-2": {"inclusive"},
		"labels-import-3": {"tech_finance"},
	} {
		c, err := w.store.FindCaseByID(t.Context(), id)
		if err != nil {
			t.Fatalf("%s not imported: %v", id, err)
		}
		if !slices.Equal(c.Themes, want) || !slices.Equal(c.Dimensions, []string{"technology"}) || c.Bank.ID != "jiangsu-bank" {
			t.Errorf("%s stored as %v %v bank %q, want %v [technology] jiangsu-bank", id, c.Themes, c.Dimensions, c.Bank.ID, want)
		}
	}
}
