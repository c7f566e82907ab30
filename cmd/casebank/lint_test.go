package main

import (
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"casebank/corpus"
)

// lintJSON runs lint --json with args and decodes its findings.
func lintJSON(t *testing.T, args ...string) (int, []lintFinding) {
	t.Helper()
	code, out, errs := run(t, append([]string{"lint", "--json"}, args...)...)
	var res struct {
		Cases    int
		Findings []lintFinding
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil || res.Cases == 0 {
		t.Fatalf("lint %v: exit %d, %v\n%s\n%s", args, code, err, out, errs)
	}
	return code, res.Findings
}

// A case titled with federated learning (a glossary term whose entry lists
// the ai theme) but without the theme is reported with its evidence, until
// it gets the tag; the seeded cases around it report nothing.
func TestLintReportsAThemeTheTitleNames(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "data")
	d, err := openData(ctx, dir, newLogger(io.Discard))
	if err != nil {
		t.Fatal(err)
	}
	g, err := d.store.Glossary()
	if err != nil {
		t.Fatal(err)
	}
	i := g.Find("联邦学习")
	if i < 0 {
		g.Entries = append(g.Entries, corpus.GlossaryEntry{EN: []string{"federated learning"}, ZH: []string{"联邦学习"}})
		i = len(g.Entries) - 1
	}
	g.Entries[i].Themes = []string{"ai"}
	if err := d.store.PutGlossary(ctx, g, "test"); err != nil {
		t.Fatal(err)
	}
	c := &corpus.Case{ID: "lint-federated", Kind: corpus.KindCase, Year: 2025, Bank: corpus.Bank{ID: "jiangsu-bank"},
		Title:      corpus.Text{ZH: "江苏银行以联邦学习联合建模", EN: "Bank of Jiangsu builds joint models with federated learning"},
		Summary:    corpus.Text{ZH: "该行与合作机构在不交换原始数据的前提下共同训练模型。", EN: "The bank trains models with partners without exchanging raw records."},
		Dimensions: []string{"technology"}, Themes: []string{"data_element"}}
	if _, err := d.store.CreateCase(ctx, c, "test"); err != nil {
		t.Fatal(err)
	}
	d.Close()

	code, found := lintJSON(t, "--data", dir)
	if code != 1 || len(found) != 1 {
		t.Fatalf("exit %d, findings %+v", code, found)
	}
	f := found[0]
	want := []lintEvidence{{Word: "联邦学习", Field: "title.zh", Source: "glossary"}, {Word: "federated learning", Field: "title.en", Source: "glossary"}}
	if f.Case != "lint-federated" || f.Kind != corpus.FacetTheme || f.Code != "ai" || f.Label.ZH != "人工智能" || !slices.Equal(f.Evidence, want) {
		t.Fatalf("finding %+v", f)
	}
	code, out, _ := run(t, "lint", "--data", dir)
	if code != 1 || !strings.Contains(out, "lint-federated") || !strings.Contains(out, "theme:ai") ||
		!strings.Contains(out, `"联邦学习" in title.zh (glossary)`) || !strings.Contains(out, "1 findings in 115 cases") {
		t.Fatalf("table: exit %d\n%s", code, out)
	}

	d, err = openData(ctx, dir, newLogger(io.Discard))
	if err != nil {
		t.Fatal(err)
	}
	stored, err := d.store.FindCaseByID(ctx, "lint-federated")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.store.PatchTags(ctx, stored.ID, corpus.TagPatch{Version: stored.Version, Add: corpus.TagLists{Themes: []string{"ai"}}}, "test"); err != nil {
		t.Fatal(err)
	}
	d.Close()
	if code, found := lintJSON(t, "--data", dir); code != 0 || len(found) != 0 {
		t.Fatalf("after tagging: exit %d, %+v", code, found)
	}
}

// Without --data lint reads the embedded corpus, whose findings were
// reviewed: each was tagged or put on the allow-list.
func TestLintEmbeddedCorpusIsClean(t *testing.T) {
	code, out, errs := run(t, "lint")
	if code != 0 || !strings.HasPrefix(out, "0 findings in ") {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	// With an empty allow-list the reviewed false positives come back.
	empty := filepath.Join(t.TempDir(), "allow.json")
	if err := os.WriteFile(empty, []byte("[]"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, found := lintJSON(t, "--allow", empty); code != 1 || len(found) == 0 {
		t.Fatalf("empty allow-list: exit %d, %d findings", code, len(found))
	}
}

// lint -h says what the exit status means and opens no data directory.
func TestLintHelp(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "never")
	code, _, errs := run(t, "lint", "-h", "--data", dir)
	if code != 0 || !strings.Contains(errs, "Exit status: 0 when there is no finding, 1 when there are findings") {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	if _, err := os.Stat(dir); err == nil {
		t.Fatal("lint -h opened the data directory")
	}
	if code, out, _ := run(t, "-h"); code != 0 || !strings.Contains(out, "lint ") {
		t.Fatalf("top-level usage lacks lint: %s", out)
	}
	if code, _, _ := run(t, "lint", "extra"); code != 2 {
		t.Fatalf("an argument: exit %d", code)
	}
}

// The matching rules, on the embedded taxonomy and glossary.
func TestLintMatching(t *testing.T) {
	gloss := corpus.DefaultGlossary()
	i := gloss.Find("联邦学习")
	gloss.Entries[i].Themes = []string{"ai"}
	l := newLinter(corpus.DefaultTaxonomy(), gloss, []*corpus.Bank{{ID: "cmbc", Name: "民生银行"}})
	codes := func(c *corpus.Case) []string {
		var out []string
		for _, f := range l.Lint(c) {
			out = append(out, f.Kind+":"+f.Code)
		}
		return out
	}
	zh := func(title, summary string) *corpus.Case {
		return &corpus.Case{ID: "x", Title: corpus.Text{ZH: title}, Summary: corpus.Text{ZH: summary}}
	}
	for _, tc := range []struct {
		name string
		c    *corpus.Case
		want []string
	}{
		{"a glossary term whose entry has the theme", zh("某行应用联邦学习", ""), []string{"theme:ai"}},
		{"an alias of the theme", zh("某行部署大模型", ""), []string{"theme:ai"}},
		{"a bank's name is no theme", zh("民生银行上线新系统", ""), nil},
		{"a longer term of another value", zh("某行推进数据治理", ""), []string{"theme:data_governance"}},
		{"a longer glossary term of the same value", zh("某行搭建AI金融大模型体系", ""), []string{"theme:ai"}},
		{"a dimension's bare name", zh("某行的技术与数据", ""), nil},
		{"a dimension's alias", zh("", "该行技术维度得分上升"), []string{"dimension:technology"}},
		{"an item of a list in the summary", zh("", "为企业、政务等客户提供服务"), nil},
		{"the same word outside a list", zh("", "该行接入政务数据"), []string{"theme:government"}},
		{"a word inside an English word", &corpus.Case{ID: "x", Title: corpus.Text{EN: "Replies to email faster"}}, nil},
		{"a whole English word", &corpus.Case{ID: "x", Title: corpus.Text{EN: "An AI assistant"}}, []string{"theme:ai"}},
		{"English its Chinese does not back", &corpus.Case{ID: "x", Title: corpus.Text{ZH: "某行改进服务", EN: "A bank improves retirement services"}}, nil},
		{"English its Chinese backs", &corpus.Case{ID: "x", Title: corpus.Text{ZH: "某行发展养老服务", EN: "A bank improves retirement services"}}, []string{"theme:pension"}},
		{"a product's name", &corpus.Case{ID: "x", Title: corpus.Text{ZH: "某行推出新产品"}, Products: []string{"乡村振兴贷"}}, []string{"theme:agri"}},
		{"a tag the case has", &corpus.Case{ID: "x", Title: corpus.Text{ZH: "某行部署大模型"}, Themes: []string{"ai"}}, nil},
	} {
		if got := codes(tc.c); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}
