package boltdb_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"casebank/corpus"
	"casebank/corpus/boltdb/bolttest"
)

// Every text and list has a limit; a case over one is refused with the
// field, the limit and its size, and nothing is stored. Characters are
// counted, not bytes: 300 Chinese characters (900 bytes) make a valid title.
func TestFieldLimitsNameFieldAndSize(t *testing.T) {
	s := bolttest.MustOpenStore(t, true)
	cjk := func(n int) string { return strings.Repeat("数", n) }
	many := func(n int, s string) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = fmt.Sprintf("%s%d", s, i)
		}
		return out
	}
	tests := []struct {
		name  string
		edit  func(c *corpus.Case)
		field string
		msg   string
	}{
		{"product of 2000 characters", func(c *corpus.Case) { c.Products = []string{"a", "b", "c", cjk(2000)} }, "products[3]", "at most 100 characters (this one has 2000)"},
		{"partner", func(c *corpus.Case) { c.Partners = []string{cjk(101)} }, "partners[0]", "at most 100 characters (this one has 101)"},
		{"technology", func(c *corpus.Case) { c.Technologies = []string{cjk(101)} }, "technologies[0]", "(this one has 101)"},
		{"too many products", func(c *corpus.Case) { c.Products = many(51, "p") }, "products", "at most 50 entries (this one has 51)"},
		{"title", func(c *corpus.Case) { c.Title.ZH = cjk(301) }, "title.zh", "at most 300 characters (this one has 301)"},
		{"summary", func(c *corpus.Case) { c.Summary.EN = strings.Repeat("a", 2001) }, "summary.en", "at most 2000 characters"},
		{"body", func(c *corpus.Case) { c.Body = cjk(20001) }, "body", "at most 20000 characters (this one has 20001)"},
		{"outcome", func(c *corpus.Case) { c.Outcome = cjk(5001) }, "outcome", "at most 5000 characters"},
		{"pattern", func(c *corpus.Case) { c.Pattern = cjk(301) }, "pattern", "at most 300 characters"},
		{"figures", func(c *corpus.Case) { c.Figures = make([]corpus.Figure, 51) }, "figures", "at most 50 entries (this one has 51)"},
		{"figure label", func(c *corpus.Case) { c.Figures = []corpus.Figure{{Label: cjk(201), Value: "1"}} }, "figures[0].label", "at most 200 characters"},
		{"figure value", func(c *corpus.Case) { c.Figures = []corpus.Figure{{Label: "x", Value: cjk(201)}} }, "figures[0].value", "at most 200 characters"},
		{"dimensions", func(c *corpus.Case) { c.Dimensions = many(11, "d") }, "dimensions", "at most 10 entries (this one has 11)"},
		{"themes", func(c *corpus.Case) { c.Themes = many(31, "t") }, "themes", "at most 30 entries (this one has 31)"},
		{"excerpt", func(c *corpus.Case) { c.Source.Excerpt = cjk(20001) }, "source.excerpt", "at most 20000 characters"},
		{"heading", func(c *corpus.Case) { c.Source.Heading = cjk(301) }, "source.heading", "at most 300 characters"},
		{"section", func(c *corpus.Case) { c.Source.Section = cjk(101) }, "source.section", "at most 100 characters"},
		{"inline bank name", func(c *corpus.Case) {
			c.Bank = corpus.Bank{ID: "new-bank", Name: cjk(201), Type: "city_commercial", Region: "sichuan"}
		}, "bank.name", "at most 200 characters"},
		{"inline bank aliases", func(c *corpus.Case) {
			c.Bank = corpus.Bank{ID: "new-bank", Name: "新银行", Aliases: many(21, "别名"), Type: "city_commercial", Region: "sichuan"}
		}, "bank.aliases", "at most 20 entries"},
		{"invalid UTF-8 in a product", func(c *corpus.Case) { c.Products = []string{"a\xffb"} }, "products[0]", "valid UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := bolttest.NewCase("limit-case", "jiangsu-bank", "标题", "正文")
			tt.edit(c)
			_, err := s.CreateCase(ctx, c, "tester")
			f := fieldError(t, err, tt.field)
			if !strings.Contains(f.Message, tt.msg) {
				t.Fatalf("%s: %q, want %q", tt.field, f.Message, tt.msg)
			}
			if _, err := s.FindCaseByID(ctx, "limit-case"); corpus.ErrorCode(err) != corpus.ENOTFOUND {
				t.Fatalf("a case over a limit was stored: %v", err)
			}
		})
	}

	// At the limits, in Chinese, a case is stored.
	c := bolttest.NewCase("at-the-limits", "jiangsu-bank", cjk(corpus.MaxTitle), cjk(corpus.MaxSummary))
	c.Body = cjk(corpus.MaxBody)
	c.Products = many(corpus.MaxNames, cjk(corpus.MaxName-2))
	c.Themes = []string{"ai"}
	if _, err := s.CreateCase(ctx, c, "tester"); err != nil {
		t.Fatalf("a case at the limits: %v", err)
	}
	// An update over a limit is refused and the stored version stays.
	c.Body = cjk(corpus.MaxBody + 1)
	_, err := s.UpdateCase(ctx, c, 1, "tester")
	fieldError(t, err, "body")
	if got, _ := s.FindCaseByID(ctx, "at-the-limits"); got.Version != 1 {
		t.Fatalf("version %d after a refused update", got.Version)
	}
}

// fieldError returns the field error naming field, failing unless err is an
// invalid error that has one.
func fieldError(t *testing.T, err error, field string) corpus.FieldError {
	t.Helper()
	var e *corpus.Error
	if !errors.As(err, &e) || e.Code != corpus.EINVALID {
		t.Fatalf("err = %v, want invalid", err)
	}
	i := slices.IndexFunc(e.Fields, func(f corpus.FieldError) bool { return f.Field == field })
	if i < 0 {
		t.Fatalf("fields %+v do not name %s", e.Fields, field)
	}
	return e.Fields[i]
}

// 100,000 unknown theme codes are refused by the length of the list, before
// any is looked up, and the error is short instead of echoing them all.
func TestManyUnknownThemesGetAShortError(t *testing.T) {
	s := bolttest.MustOpenStore(t, true)
	c := bolttest.NewCase("many-themes", "jiangsu-bank", "标题", "正文")
	c.Themes = make([]string, 100_000)
	for i := range c.Themes {
		c.Themes[i] = fmt.Sprintf("nope%d", i)
	}
	// CheckLimits needs no taxonomy: the refusal cannot have looked a code up.
	f := fieldError(t, c.CheckLimits(), "themes")
	if f.Message != "at most 30 entries (this one has 100000)" {
		t.Fatalf("themes: %q", f.Message)
	}
	_, err := s.CreateCase(ctx, c, "tester")
	f = fieldError(t, err, "themes")
	if len(err.Error()) > 500 || len(f.Allowed) > 0 {
		t.Fatalf("error of %d bytes with %d allowed values: %.300s", len(err.Error()), len(f.Allowed), err)
	}

	// Under the limit, unknown codes are named, a few of them.
	c.Themes = append([]string{"ai"}, c.Themes[:29]...)
	_, err = s.CreateCase(ctx, c, "tester")
	f = fieldError(t, err, "themes")
	if want := `unknown theme "nope0", "nope1", "nope2", "nope3", "nope4" and 24 more; allowed: ai 人工智能 artificial intelligence, xinchuang 信创 xinchuang (domestic IT), cross_border 跨境金融 cross-border finance, tech_finance 科技金融 tech finance, green 绿色金融 green finance and 20 more (GET /api/v1/taxonomy lists all)`; f.Message != want {
		t.Fatalf("themes: %q, want %q", f.Message, want)
	}
	if !f.Allows("ai") {
		t.Fatalf("allowed values %v", f.Allowed)
	}
	// A long unknown code is cut in the message.
	c.Themes = []string{strings.Repeat("x", 60) + strings.Repeat("y", 10000)}
	_, err = s.CreateCase(ctx, c, "tester")
	if len(err.Error()) > 1000 {
		t.Fatalf("error of %d bytes", len(err.Error()))
	}
}

// Tag changes, bulk changes, codebook changes, banks and policies have
// limits too, checked before their write.
func TestOtherWritesHaveLimits(t *testing.T) {
	s := bolttest.MustOpenStore(t, true)
	codes := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = fmt.Sprintf("c%d", i)
		}
		return out
	}
	const id = "r2025-t1-4-jiangsu-bank"
	before, _ := s.FindCaseByID(ctx, id)

	_, err := s.PatchTags(ctx, id, corpus.TagPatch{Remove: corpus.TagLists{Themes: codes(100_000)}}, "ed")
	fieldError(t, err, "remove.themes")
	_, err = s.PatchTags(ctx, id, corpus.TagPatch{Add: corpus.TagLists{Dimensions: codes(11)}}, "ed")
	fieldError(t, err, "add.dimensions")
	_, err = s.PatchTags(ctx, id, corpus.TagPatch{Decisions: &corpus.Decisions{Accepted: codes(101)}}, "ed")
	fieldError(t, err, "decisions.accepted")
	// Adding within the patch's limit can still take the case past its own.
	_, err = s.PatchTags(ctx, id, corpus.TagPatch{Add: corpus.TagLists{Themes: codes(30)}}, "ed")
	fieldError(t, err, "themes")

	_, err = s.ApplyBulkTag(ctx, corpus.BulkTag{IDs: codes(corpus.MaxBulkIDs + 1), Kind: "theme", Code: "ai", Action: "add"}, "ed")
	if f := fieldError(t, err, "ids"); !strings.Contains(f.Message, "at most 10000 cases") {
		t.Fatalf("ids: %q", f.Message)
	}
	_, err = s.ApplyBulkTag(ctx, corpus.BulkTag{IDs: []string{id, strings.Repeat("x", 200)}, Kind: "theme", Code: "ai", Action: "add"}, "ed")
	fieldError(t, err, "ids[1]")

	_, err = s.ChangeCodebook(ctx, corpus.CodebookChange{Op: "add", Code: "new_theme", ZH: strings.Repeat("新", 101), EN: "New"}, "admin")
	fieldError(t, err, "zh")
	_, err = s.ChangeCodebook(ctx, corpus.CodebookChange{Op: "add", Code: strings.Repeat("x", 65), ZH: "新", EN: "New"}, "admin")
	fieldError(t, err, "code")

	err = s.PutBank(ctx, &corpus.Bank{ID: "long-bank", Name: strings.Repeat("银", 201), Type: "city_commercial", Region: "sichuan"}, "admin")
	fieldError(t, err, "bank.name")

	p := &corpus.Policy{ID: "long-policy", Kind: corpus.KindPolicy, Name: "政策", Date: "2025", Region: "national",
		Points: corpus.Text{ZH: strings.Repeat("点", 5001)}, Themes: codes(31)}
	err = s.PutPolicy(ctx, p, "admin")
	fieldError(t, err, "points.zh")
	fieldError(t, err, "themes")

	// A JSONL import checks each record against the same limits.
	line := fmt.Sprintf(`{"id":"long-import","kind":"policy","name":"政策","date":"2025","region":"national","points":{"zh":"%s","en":""},"themes":[],"source":{"report":"r","year":2025,"section":"1"}}`, strings.Repeat("点", 5001))
	_, err = s.ImportJSONL(ctx, strings.NewReader(line+"\n"), corpus.ImportOptions{By: "importer"})
	fieldError(t, err, "points.zh")
	if _, err := s.FindPolicyByID(ctx, "long-import"); corpus.ErrorCode(err) != corpus.ENOTFOUND {
		t.Fatalf("an imported policy over a limit was stored: %v", err)
	}

	if after, _ := s.FindCaseByID(ctx, id); after.Version != before.Version {
		t.Fatalf("case changed from version %d to %d", before.Version, after.Version)
	}
}

// A codebook change that the codebook's rules refuse names the field at
// fault (a 422 over the API) and changes nothing.
func TestCodebookChangesNameTheirField(t *testing.T) {
	s := bolttest.MustOpenStore(t, true)
	before, err := s.Taxonomy()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		ch           corpus.CodebookChange
		field, words string
	}{
		{corpus.CodebookChange{Op: "add", Code: "Bad Code!", ZH: "x", EN: "x"}, "code", "lowercase"},
		{corpus.CodebookChange{Op: "add", Code: "", ZH: "x", EN: "x"}, "code", "lowercase"},
		{corpus.CodebookChange{Op: "add", Code: "new_theme", EN: "x"}, "zh", "label"},
		{corpus.CodebookChange{Op: "add", Code: "new_theme", ZH: "x"}, "en", "label"},
		{corpus.CodebookChange{Op: "merge", Code: "ai", Into: "ai"}, "into", "cannot be merged into itself"},
	} {
		_, err := s.ChangeCodebook(ctx, c.ch, "admin")
		if f := fieldError(t, err, c.field); !strings.Contains(f.Message, c.words) {
			t.Errorf("%+v: %s: %q", c.ch, c.field, f.Message)
		}
	}
	// A full codebook refuses one more theme.
	full := *before
	full.Themes = slices.Clone(before.Themes)
	for i := len(full.Themes); i < corpus.MaxTaxonomyValues; i++ {
		full.Themes = append(full.Themes, corpus.Value{Code: fmt.Sprintf("t%d", i), ZH: "主题", EN: "theme"})
	}
	if err := s.PutTaxonomy(ctx, &full, "admin"); err != nil {
		t.Fatal(err)
	}
	_, err = s.ChangeCodebook(ctx, corpus.CodebookChange{Op: "add", Code: "one_more", ZH: "x", EN: "x"}, "admin")
	if f := fieldError(t, err, "code"); !strings.Contains(f.Message, "at most 500 themes") {
		t.Errorf("501st theme: %q", f.Message)
	}
	after, _ := s.Taxonomy()
	if len(after.Themes) != corpus.MaxTaxonomyValues {
		t.Fatalf("refused changes changed the codebook: %d themes", len(after.Themes))
	}
}

// Control characters (a terminal's ESC, BEL; DEL; C1) are refused in every
// text field, naming the field, the character and where it is; tab, LF and
// CR are text.
func TestControlCharactersAreRefused(t *testing.T) {
	s := bolttest.MustOpenStore(t, true)
	for _, c := range []struct {
		name, field, where string
		edit               func(c *corpus.Case)
	}{
		{"ESC in a title", "title.zh", "U+001B at character 5", func(c *corpus.Case) { c.Title.ZH = "标题标题\x1b[31m红" }},
		{"BEL in a product", "products[1]", "U+0007 at character 2", func(c *corpus.Case) { c.Products = []string{"ok", "a\ab"} }},
		{"DEL in a bank name", "bank.name", "U+007F at character 3", func(c *corpus.Case) {
			c.Bank = corpus.Bank{ID: "ctl-bank", Name: "新银\x7f行", Type: "city_commercial", Region: "jiangsu"}
		}},
		{"C1 CSI in the body", "body", "U+009B at character 2", func(c *corpus.Case) { c.Body = "正\u009b31m文" }},
		{"vertical tab in a figure", "figures[0].value", "U+000B at character 2", func(c *corpus.Case) {
			c.Figures = []corpus.Figure{{Label: "x", Value: "1\v2"}}
		}},
		{"backspace in the source", "source.heading", "U+0008 at character 1", func(c *corpus.Case) { c.Source.Heading = "\bx" }},
	} {
		cs := bolttest.NewCase("ctl-case", "jiangsu-bank", "标题", "正文")
		c.edit(cs)
		_, err := s.CreateCase(ctx, cs, "ed")
		if f := fieldError(t, err, c.field); !strings.Contains(f.Message, "must not contain control characters ("+c.where+")") {
			t.Errorf("%s: %q", c.name, f.Message)
		}
	}
	if _, err := s.FindCaseByID(ctx, "ctl-case"); corpus.ErrorCode(err) != corpus.ENOTFOUND {
		t.Fatalf("a case with control characters was stored: %v", err)
	}
	// Other writes check their text the same way.
	_, err := s.ChangeCodebook(ctx, corpus.CodebookChange{Op: "add", Code: "ctl", ZH: "主\x1b题", EN: "x"}, "admin")
	fieldError(t, err, "zh")
	err = s.PutPolicy(ctx, &corpus.Policy{ID: "ctl-policy", Kind: corpus.KindPolicy, Name: "政策", Issuer: "\x07人民银行",
		Date: "2025", Region: "national"}, "admin")
	fieldError(t, err, "issuer")
	_, err = s.PatchTags(ctx, "r2025-t1-4-jiangsu-bank", corpus.TagPatch{Decisions: &corpus.Decisions{Accepted: []string{"theme:ai\x1b"}}}, "ed")
	fieldError(t, err, "decisions.accepted[0]")

	// Tab, LF and CR are text.
	cs := bolttest.NewCase("ctl-case", "jiangsu-bank", "标题", "第一段\r\n第二段\n\t缩进")
	if _, err := s.CreateCase(ctx, cs, "ed"); err != nil {
		t.Fatalf("tab, LF and CR refused: %v", err)
	}
}
